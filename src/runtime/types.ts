// The public shapes of the IAsyncInfo family, named as the Windows Runtime JavaScript projection names them.
import type { AsyncStatus } from './errors';

export interface CancellationToken {
  readonly isCancellationRequested: boolean;
  /** A real AbortSignal (fetch, fs, timers accept it), made on first read. */
  readonly signal: AbortSignal;
}

export interface IAsyncInfo {
  readonly id: number;
  readonly status: AsyncStatus;
  readonly errorCode: number;
  cancel(): void;
  close(): void;
}

export type AsyncCompletedHandler<Op> = ((op: Op, status: AsyncStatus) => void) | null;
export type AsyncProgressHandler<Op, P> = ((op: Op, progress: P) => void) | null;

export interface IAsyncAction extends IAsyncInfo, PromiseLike<void> {
  completed: AsyncCompletedHandler<IAsyncAction>;
  getResults(): void;
}

export interface IAsyncOperation<T> extends IAsyncInfo, PromiseLike<T> {
  completed: AsyncCompletedHandler<IAsyncOperation<T>>;
  getResults(): T;
}

export interface IAsyncActionWithProgress<P> extends IAsyncInfo, PromiseLike<void> {
  completed: AsyncCompletedHandler<IAsyncActionWithProgress<P>>;
  progress: AsyncProgressHandler<IAsyncActionWithProgress<P>, P>;
  getResults(): void;
}

export interface IAsyncOperationWithProgress<T, P> extends IAsyncInfo, PromiseLike<T> {
  completed: AsyncCompletedHandler<IAsyncOperationWithProgress<T, P>>;
  progress: AsyncProgressHandler<IAsyncOperationWithProgress<T, P>, P>;
  getResults(): T;
}

export interface RunOptions {
  /** The name the debugger shows; default: the work function's name, else the kind. */
  name?: string;
}

export type OpKind = 'action' | 'operation' | 'actionWithProgress' | 'operationWithProgress';

/** A foreign IAsyncInfo as Windows Runtime projections expose it: what `AsyncInfo.observe` takes. */
export interface ForeignAsyncInfo<T = unknown> {
  readonly id: number;
  readonly status: number;
  readonly errorCode: unknown;
  /** Set once; the shim takes it, so it must still be free. */
  completed: unknown;
  cancel(): void;
  close(): void;
  getResults(): T;
}

export interface ObserveOptions {
  /** The name the debugger shows; default: the kind. */
  name?: string;
  /** Default: 'operationWithProgress' when the object has a `progress` property, else 'operation'. */
  kind?: OpKind;
}

export interface FromPromiseOptions {
  /** The name the debugger shows; default: the kind. */
  name?: string;
  /** Canceling the op aborts it; aborting it (and the promise then failing) reads as a cancel. */
  controller?: AbortController;
  /** Called when the op is canceled (after the promise's own `cancel()`, if it has one). */
  cancel?: () => void;
}
