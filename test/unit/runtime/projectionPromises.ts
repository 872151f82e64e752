// Models of the promises today's Windows Runtime projections hand out, written from what those
// projects do (facts only; no code of theirs), over the independent op model of foreignOp.ts.
import { ForeignOpWithProgress } from './foreignOp';

/** HRESULT_FROM_WIN32(ERROR_CANCELLED): what C++/WinRT's co_await throws for a canceled op. */
export const ERROR_CANCELLED = 0x800704c7 | 0;

export interface ReactNativeWinrtPromise extends PromiseLike<unknown> {
  catch(onRejected: (e: unknown) => unknown): PromiseLike<unknown>;
  cancel(): void;
  readonly operation: ForeignOpWithProgress;
}

/**
 * react-native-winrt (ProjectedAsyncOperation): a host object, not a native Promise, whose
 * then(onResolved, onRejected, onProgress) takes a progress callback; `cancel` is IAsyncInfo.Cancel
 * of the native op, `operation` the projected op itself. The projection awaits the native op on its
 * own (co_await sets its Completed handler) and sets its Progress handler, so both slots are taken.
 * Continuations run synchronously when the op completes, on a later turn when added after.
 */
export function reactNativeWinrtPromise(native = new ForeignOpWithProgress()): ReactNativeWinrtPromise {
  type Continuation = { resolve(v: unknown): void; reject(e: unknown): void; onProgress?: (v: unknown) => void };
  let continuations: Continuation[] = [];
  let outcome: { ok: boolean; value: unknown } | undefined;
  const dispatch = (c: Continuation) => (outcome!.ok ? c.resolve(outcome!.value) : c.reject(outcome!.value));
  native.completed = (op, status) => {
    if (status === 1) outcome = { ok: true, value: op.getResults() };
    else if (status === 2) outcome = { ok: false, value: Object.assign(new Error('The operation was canceled.'), { number: ERROR_CANCELLED }) };
    else {
      try {
        op.getResults();
      } catch (error) {
        outcome = { ok: false, value: error };
      }
    }
    const waiting = continuations;
    continuations = [];
    waiting.forEach(dispatch);
  };
  (native as ForeignOpWithProgress).progress = (_op, value) => continuations.forEach((c) => c.onProgress?.(value));
  const then = (onResolved?: ((v: unknown) => unknown) | null, onRejected?: ((e: unknown) => unknown) | null, onProgress?: (v: unknown) => void) =>
    new Promise<unknown>((resolve, reject) => {
      const c: Continuation = { resolve, reject, onProgress };
      if (outcome) setImmediate(() => dispatch(c));
      else continuations.push(c);
    }).then(onResolved, onRejected);
  return {
    then: then as ReactNativeWinrtPromise['then'],
    catch: (onRejected) => then(undefined, onRejected),
    cancel: () => native.cancel(),
    operation: native,
  };
}

export type DynwinrtPromise = Promise<unknown> & {
  progress(cb: (value: unknown) => void): DynwinrtPromise;
  toPromise(): Promise<unknown>;
  cancel(): void;
};

/**
 * dynwinrt's generated WithProgress methods: a native Promise with `progress(cb)` (registers on
 * the op, returns the same object: chainable), `toPromise()` and `cancel()` (errors after
 * completion ignored). A canceled op rejects with Error('Async operation was canceled').
 */
export function dynwinrtPromise(native = new ForeignOpWithProgress()): DynwinrtPromise {
  const listeners: ((value: unknown) => void)[] = [];
  native.progress = (_op, value) => listeners.forEach((cb) => cb(value));
  const settledOp = new Promise<unknown>((resolve, reject) => {
    native.completed = (op, status) => {
      if (status === 1) resolve(op.getResults());
      else if (status === 2) reject(new Error('Async operation was canceled'));
      else {
        try {
          op.getResults();
        } catch (error) {
          reject(new Error(`Async operation failed: ${(error as Error).message}`));
        }
      }
    };
  });
  const promise = settledOp.then((v) => v);
  return Object.assign(promise, {
    progress(this: DynwinrtPromise, cb: (value: unknown) => void) {
      listeners.push(cb);
      return this;
    },
    toPromise: () => settledOp.then((v) => v),
    cancel: () => {
      try {
        native.cancel();
      } catch {
        // cancel after completion is a no-op
      }
    },
  }) as DynwinrtPromise;
}
