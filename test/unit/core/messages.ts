// Builders for protocol messages, so tests read as lifecycles rather than JSON.
import type { AgentMessage, CreatedMessage, HelloMessage, OpKind } from '../../../src/protocol/messages';
import type { OpView } from '../../../src/core/model';
import type { OperationStore } from '../../../src/core/operationStore';

export function hello(pid = 4242, extra: Partial<HelloMessage> = {}): HelloMessage {
  return {
    type: 'hello', protocol: 1, pid, ppid: 1, title: 'node', argv: ['/usr/bin/node', 'app.js'], cwd: '/app',
    node: 'v20.20.2', session: null, timeOrigin: 1795456789123.456, ...extra,
  };
}

export function created(id: number, parent: number | null = null, name = `op${id}`, kind: OpKind = 'operation', t = id * 10): CreatedMessage {
  return { type: 'created', id, t, kind, name, parent, site: `/app/src/work.js:${id}:1` };
}

export const progress = (id: number, value: unknown, t = 0): AgentMessage => ({ type: 'progress', id, t, value });
export const completed = (id: number, t = 0): AgentMessage => ({ type: 'completed', id, t });
export const canceled = (id: number, t = 0): AgentMessage => ({ type: 'canceled', id, t });
export const failed = (id: number, errorCode = -2147467259, message = 'ECONNRESET', t = 0): AgentMessage =>
  ({ type: 'error', id, t, errorCode, message });
export const closed = (id: number, t = 0): AgentMessage => ({ type: 'closed', id, t });
export const cancelRequested = (id: number, source: 'program' | 'client' = 'client', t = 0): AgentMessage =>
  ({ type: 'cancelRequested', id, t, source });
export const snapshotEnd = (t = 0): AgentMessage => ({ type: 'snapshotEnd', t });

export function applyAll(store: OperationStore, key: string, messages: readonly AgentMessage[]): void {
  for (const m of messages) store.apply(key, m);
}

/** Ids of the children of `parent`, all of them. */
export function childIds(store: OperationStore, key: string, parent: number | null, filter?: Parameters<OperationStore['children']>[4]): number[] {
  return store.children(key, parent, 0, Number.MAX_SAFE_INTEGER, filter).map((op) => op.id);
}

/** The store's whole state of one process as plain data: tree shape and every op's fields. */
export function stateOf(store: OperationStore, key: string): unknown {
  const walk = (parent: number | null): unknown[] =>
    store.children(key, parent, 0, Number.MAX_SAFE_INTEGER).map((op) => ({ ...plain(op), children: walk(op.id) }));
  const process = store.process(key)!;
  return { pendingCount: process.pendingCount, opCount: process.opCount, dropped: process.dropped, roots: walk(null) };
}

export function plain(op: OpView): Record<string, unknown> {
  return {
    id: op.id, kind: op.kind, name: op.name, parent: op.parent, site: op.site, stack: op.stack, createdT: op.createdT,
    status: op.status, cancelRequested: op.cancelRequested, cancelSource: op.cancelSource, endT: op.endT,
    errorCode: op.errorCode, message: op.message, hasProgress: op.hasProgress, progress: op.progress, closed: op.closed,
  };
}
