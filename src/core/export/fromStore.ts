// What the view holds, as op histories for Export Trace. An opened trace is read again from its
// file (every progress and cancel mark, with its time, and ops retention dropped from the view);
// a live or ended process has only what the store keeps: each op's span, latest progress and
// cancel request, without their times.
import type { OperationStoreApi } from '../model';
import { readTrace, traceProcessKey, type TraceContents } from '../traceFile';
import type { OperationStore } from '../operationStore';
import { foldProcess, type ProcessHistory } from './opHistory';

const TRACE_PREFIX = 'trace:';

export async function historiesOfStore(store: OperationStoreApi & Pick<OperationStore, 'snapshotMessages'>, keys: readonly string[]): Promise<ProcessHistory[]> {
  const files = new Map<string, Promise<TraceContents | undefined>>();
  const histories: ProcessHistory[] = [];
  for (const key of keys) {
    const process = store.process(key);
    if (!process) continue;
    const file = process.source === 'trace' ? traceFileOf(key, process.hello.pid) : undefined;
    if (file !== undefined) {
      if (!files.has(file)) files.set(file, readTrace(file).catch(() => undefined)); // gone or changed: the view's copy
      const recorded = (await files.get(file))?.processes.find((p) => p.pid === process.hello.pid);
      if (recorded) {
        histories.push(foldProcess(recorded.hello, recorded.messages));
        continue;
      }
    }
    histories.push(foldProcess(process.hello, store.snapshotMessages(key), { fromSnapshot: true }));
  }
  return histories;
}

/** The file of a trace process's store key (traceProcessKey's inverse). */
function traceFileOf(key: string, pid: number): string | undefined {
  const suffix = `:${pid}`;
  if (!key.startsWith(TRACE_PREFIX) || !key.endsWith(suffix)) return undefined;
  const file = key.slice(TRACE_PREFIX.length, -suffix.length);
  return traceProcessKey(file, pid) === key ? file : undefined;
}
