// The warnings of a trace at its last moment, for the summary: each process replayed into a store
// of its own (no retention limit), judged by the warning rules (core/warnings) as the view would.
import { OperationStore } from '../operationStore';
import type { TraceContents } from '../traceFile';
import { collectWarnings } from '../warnings/evaluate';
import type { WarningDelays } from '../warnings/rules';
import type { SummaryWarning } from './traceSummary';

/** Warnings per process pid, in creation order of their ops. */
export function warningsOfTrace(trace: TraceContents, delays?: WarningDelays): Map<number, SummaryWarning[]> {
  const store = new OperationStore({ retention: { maxFinished: Number.MAX_SAFE_INTEGER, finishedTtlMs: 0 }, warningDelays: delays });
  const out = new Map<number, SummaryWarning[]>();
  try {
    for (const process of trace.processes) {
      const key = `summary:${process.pid}`;
      store.addProcess(key, process.hello, 'trace');
      for (const message of process.messages) store.apply(key, message);
      out.set(process.pid, collectWarnings(store, key, { delays }).map((w) => ({
        id: w.id, op: w.op.id, text: `${w.op.name || '(unnamed)'}: ${w.reason}`, advice: w.advice,
      })));
      store.removeProcess(key);
    }
  } finally {
    store.dispose();
  }
  return out;
}
