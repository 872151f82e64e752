// Ops of every kind, brought into every state of the contract's "State x call" table.
import type { CancellationToken, IAsyncOperationWithProgress } from '../../../src/runtime/index';
import { AsyncInfo, deferred, settled, type Deferred } from './support';

/** The widest shape: every kind is tested through it, members a kind lacks are left alone. */
export type AnyOp = IAsyncOperationWithProgress<unknown, unknown>;
type Work = (token: CancellationToken, report: (value: unknown) => void) => Promise<unknown>;

export interface KindCase {
  kind: 'action' | 'operation' | 'actionWithProgress' | 'operationWithProgress';
  hasResult: boolean;
  hasProgress: boolean;
  run(work: Work, options?: { name?: string }): AnyOp;
}

export const KIND_CASES: KindCase[] = [
  { kind: 'action', hasResult: false, hasProgress: false, run: (w, o) => AsyncInfo.runAction(w as never, o) as unknown as AnyOp },
  { kind: 'operation', hasResult: true, hasProgress: false, run: (w, o) => AsyncInfo.runOperation(w as never, o) as unknown as AnyOp },
  { kind: 'actionWithProgress', hasResult: false, hasProgress: true, run: (w, o) => AsyncInfo.runActionWithProgress(w as never, o) as unknown as AnyOp },
  { kind: 'operationWithProgress', hasResult: true, hasProgress: true, run: (w, o) => AsyncInfo.runOperationWithProgress(w as never, o) as unknown as AnyOp },
];

export const STATES = ['Started', 'CancelRequested', 'Completed', 'Canceled', 'Error', 'Closed'] as const;
export type State = (typeof STATES)[number];

export interface Fixture {
  op: AnyOp;
  token: CancellationToken;
  report: (value: unknown) => void;
  /** The work's promise: resolve or reject it to finish the work. */
  work: Deferred<unknown>;
  /** What the work resolves with (Completed) or rejects with (Error). */
  result: { answer: number };
  error: Error & { number?: number };
}

/** A fresh op of `kind` that is running: its work waits on `work`. */
export function started(kindCase: KindCase): Fixture {
  const work = deferred<unknown>();
  let token!: CancellationToken;
  let report!: (value: unknown) => void;
  const op = kindCase.run((t, r) => {
    token = t;
    report = r;
    return work.promise;
  });
  const error: Fixture['error'] = new Error('the work failed');
  error.number = 0x80070005 | 0; // E_ACCESSDENIED
  return { op, token, report, work, result: { answer: 42 }, error };
}

/** An op of `kind` in `state`; the terminal states are reached the way a program reaches them. */
export async function inState(kindCase: KindCase, state: State): Promise<Fixture> {
  const f = started(kindCase);
  switch (state) {
    case 'Started':
      break;
    case 'CancelRequested':
      f.op.cancel();
      break;
    case 'Completed':
      f.work.resolve(f.result);
      break;
    case 'Canceled':
      f.op.cancel();
      f.work.resolve(f.result);
      break;
    case 'Error':
      f.work.reject(f.error);
      break;
    case 'Closed':
      f.work.resolve(f.result);
      await settled();
      f.op.close();
      break;
  }
  await settled();
  return f;
}

/** The status an op in `state` reads (CancelRequested already reads Canceled). */
export const STATUS_OF: Record<Exclude<State, 'Closed'>, number> = {
  Started: 0, CancelRequested: 2, Completed: 1, Canceled: 2, Error: 3,
};
