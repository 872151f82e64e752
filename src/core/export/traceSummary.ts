// `asyncinfo summary`: per process, the ops by status, what was still pending when the stream
// ended, and the warnings. Plain data first (for --json and tests), then the text a person reads.
import type { OpStatusName } from '../model';
import { processLabel, type OpHistory, type ProcessHistory } from './opHistory';

export interface SummaryWarning {
  /** The rule's id (`cancel-ignored`, `long-pending`, ... as the design's insights.md names them). */
  readonly id: string;
  readonly op: number;
  /** The op's name and the reason, e.g. `poll: cancel ignored 12 s`. */
  readonly text: string;
  /** What to do about it. */
  readonly advice: string;
}

/** The warnings of one process at its end (the command line: core/export/traceWarnings.ts). */
export type WarningSource = (process: ProcessHistory) => SummaryWarning[];

export interface PendingOp {
  readonly id: number;
  readonly name: string;
  readonly kind: string;
  readonly site: string | null;
  /** Microseconds from its creation to the end of the stream. */
  readonly pendingMicros: number;
  readonly cancelRequestedBy: 'program' | 'client' | undefined;
}

export interface ProcessSummary {
  readonly pid: number;
  readonly label: string;
  readonly node: string;
  /** Epoch ms of the process's clock origin. */
  readonly timeOrigin: number;
  readonly ops: number;
  readonly byStatus: Record<OpStatusName, number>;
  readonly closed: number;
  readonly pending: PendingOp[];
  readonly droppedEvents: number;
  /** Undefined when no warning rules were given. */
  readonly warnings: SummaryWarning[] | undefined;
}

export function summarize(processes: readonly ProcessHistory[], warningsOf?: WarningSource): ProcessSummary[] {
  return processes.map((process) => {
    const byStatus: Record<OpStatusName, number> = { Started: 0, Completed: 0, Canceled: 0, Error: 0 };
    let closed = 0;
    const pending: PendingOp[] = [];
    for (const op of process.ops) {
      byStatus[op.status]++;
      if (op.closedT !== undefined) closed++;
      if (op.status === 'Started') pending.push(pendingOf(op, process.endT));
    }
    return {
      pid: process.hello.pid,
      label: processLabel(process.hello),
      node: process.hello.node,
      timeOrigin: process.hello.timeOrigin,
      ops: process.ops.length,
      byStatus,
      closed,
      pending,
      droppedEvents: process.dropped.reduce((n, d) => n + d.count, 0),
      warnings: warningsOf?.(process),
    };
  });
}

function pendingOf(op: OpHistory, endT: number): PendingOp {
  return {
    id: op.id, name: op.name, kind: op.kind, site: op.site,
    pendingMicros: Math.max(0, endT - op.createdT), cancelRequestedBy: op.cancel?.source,
  };
}

/** The summary as a person reads it in a terminal; `maxPending` lists per process (the rest counted). */
export function formatSummary(summaries: readonly ProcessSummary[], maxPending = 20): string {
  const out: string[] = [];
  for (const s of summaries) {
    out.push(`${s.label}  (pid ${s.pid}, Node ${s.node}, started ${new Date(s.timeOrigin).toISOString()})`);
    const statuses = (['Started', 'Completed', 'Canceled', 'Error'] as const).map((k) => `${k} ${s.byStatus[k]}`).join(' · ');
    out.push(`  ${s.ops} operation${s.ops === 1 ? '' : 's'}: ${statuses} (closed ${s.closed})`);
    if (s.droppedEvents > 0) out.push(`  ${s.droppedEvents} events were dropped by the program (the reader fell behind): counts may be short`);
    if (s.pending.length === 0) {
      out.push('  nothing pending at the end');
    } else {
      out.push(`  pending at the end (${s.pending.length}), oldest first:`);
      const oldestFirst = [...s.pending].sort((a, b) => b.pendingMicros - a.pendingMicros || a.id - b.id);
      for (const p of oldestFirst.slice(0, maxPending)) {
        const cancel = p.cancelRequestedBy ? `, cancel requested by the ${p.cancelRequestedBy}` : '';
        out.push(`    #${p.id} ${p.name || '(unnamed)'} (${p.kind}) for ${seconds(p.pendingMicros)}${cancel}${p.site ? ` at ${p.site}` : ''}`);
      }
      if (s.pending.length > maxPending) out.push(`    ... and ${s.pending.length - maxPending} more`);
    }
    if (s.warnings !== undefined) {
      if (s.warnings.length === 0) out.push('  no warnings');
      else {
        out.push(`  warnings (${s.warnings.length}):`);
        const width = Math.max(...s.warnings.map((w) => w.id.length));
        for (const w of s.warnings) out.push(`    ${w.id.padEnd(width)}  #${w.op} ${w.text}`);
        out.push(...adviceOnce(s.warnings));
      }
    }
    out.push('');
  }
  return out.join('\n');
}

/** Each rule's advice once, after the list. */
function adviceOnce(warnings: readonly SummaryWarning[]): string[] {
  const seen = new Map<string, string>();
  for (const w of warnings) if (!seen.has(w.id)) seen.set(w.id, w.advice);
  return ['  what to do:', ...[...seen].map(([id, advice]) => `    ${id}: ${advice}`)];
}

function seconds(micros: number): string {
  const s = micros / 1e6;
  return s < 10 ? `${s.toFixed(3)} s` : `${s.toFixed(1)} s`;
}
