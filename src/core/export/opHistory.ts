// One op's whole recorded life, folded from a process's messages (a trace file, or a live
// process's snapshot): what the Chrome trace export and the command line's summary both read.
// A snapshot (after hello or a resync) repeats what was already said: repeats are folded away.
import type { AgentMessage, HelloMessage, OpKind } from '../../protocol/messages';
import type { OpStatusName } from '../model';

export interface ProgressMark { readonly t: number; readonly value: unknown }

export interface OpHistory {
  readonly id: number;
  readonly kind: OpKind;
  readonly name: string;
  readonly parent: number | null;
  readonly site: string | null;
  readonly source: string | undefined;
  readonly attributes: Readonly<Record<string, string | number | boolean>> | undefined;
  /** Microseconds since the process's `hello.timeOrigin`, as every `t` here. */
  readonly createdT: number;
  status: OpStatusName;
  endT: number | undefined;
  errorCode: number | undefined;
  message: string | undefined;
  cancel: { t: number; source: 'program' | 'client' } | undefined;
  closedT: number | undefined;
  readonly progress: ProgressMark[];
}

export interface ProcessHistory {
  readonly hello: HelloMessage;
  /** Every op that has a `created`, in creation order. */
  readonly ops: OpHistory[];
  /** Events the agent said it dropped (the trace misses them), with when it said so. */
  readonly dropped: { t: number; count: number }[];
  /** Lifecycle messages of an op never created in the stream (it was dropped): not shown. */
  readonly orphanMessages: number;
  /** The latest `t` in the stream: the program's clock had reached at least this. */
  readonly endT: number;
  /** Folded from a store's snapshot, not a stream: progress and cancel times are not known (each
   *  op's latest progress value and who asked it to cancel are). */
  readonly untimedMarks: boolean;
}

export interface FoldOptions {
  /** The messages are a store's snapshot (OperationStore.snapshotMessages). */
  fromSnapshot?: boolean;
}

/** Folds one process's messages (in stream order) into op histories. */
export function foldProcess(hello: HelloMessage, messages: Iterable<AgentMessage>, options: FoldOptions = {}): ProcessHistory {
  const byId = new Map<number, OpHistory>();
  const ops: OpHistory[] = [];
  const dropped: { t: number; count: number }[] = [];
  let orphanMessages = 0;
  let endT = 0;
  for (const m of messages) {
    if ('t' in m && m.t > endT) endT = m.t;
    if (m.type === 'dropped') {
      dropped.push({ t: m.t, count: m.count });
      continue;
    }
    if (m.type === 'created') {
      if (byId.has(m.id)) continue; // a snapshot's repeat
      const op: OpHistory = {
        id: m.id, kind: m.kind, name: m.name, parent: m.parent, site: m.site, source: m.source,
        attributes: m.attributes, createdT: m.t, status: 'Started', endT: undefined, errorCode: undefined,
        message: undefined, cancel: undefined, closedT: undefined, progress: [],
      };
      byId.set(m.id, op);
      ops.push(op);
      continue;
    }
    if (m.type !== 'progress' && m.type !== 'cancelRequested' && m.type !== 'completed'
      && m.type !== 'canceled' && m.type !== 'error' && m.type !== 'closed') continue;
    const op = byId.get(m.id);
    if (!op) {
      orphanMessages++;
      continue;
    }
    switch (m.type) {
      case 'progress': {
        const last = op.progress[op.progress.length - 1];
        if (last && last.t === m.t && sameValue(last.value, m.value)) break; // a snapshot's latest progress
        op.progress.push({ t: m.t, value: m.value });
        break;
      }
      case 'cancelRequested':
        op.cancel ??= { t: m.t, source: m.source };
        break;
      case 'completed':
      case 'canceled':
      case 'error':
        if (op.endT !== undefined) break;
        op.endT = Math.max(m.t, op.createdT);
        op.status = m.type === 'completed' ? 'Completed' : m.type === 'canceled' ? 'Canceled' : 'Error';
        if (m.type === 'error') {
          op.errorCode = m.errorCode;
          op.message = m.message;
        }
        break;
      case 'closed':
        op.closedT ??= m.t;
        break;
    }
  }
  return { hello, ops, dropped, orphanMessages, endT, untimedMarks: options.fromSnapshot === true };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

/** What a process is called: its script and arguments, as `node` was started (else its title). */
export function processLabel(hello: HelloMessage): string {
  const [, script, ...rest] = hello.argv;
  if (!script) return hello.title || 'node';
  const base = script.split(/[\\/]/).pop() || script;
  const label = [base, ...rest].join(' ');
  return label.length > 200 ? `${label.slice(0, 199)}…` : label;
}
