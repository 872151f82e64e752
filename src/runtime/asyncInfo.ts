// The factories (modelled on .NET's AsyncInfo.Run), toPromise, and run-time configuration.
import { AsyncOp, AsyncOpWithProgress, Kind } from './operation';
import { getHub } from './hub';
import { observeInfo } from './observe';
import { promiseOp } from './fromPromise';
import type { ParentMode, SiteMode } from './settings';
import { isSiteBudget } from '../protocol/environment';
import type {
  CancellationToken, ForeignAsyncInfo, FromPromiseOptions, IAsyncAction, IAsyncActionWithProgress, IAsyncInfo,
  IAsyncOperation, IAsyncOperationWithProgress, ObserveOptions, RunOptions,
} from './types';

type Work = (...args: never[]) => unknown;

/** The name option when given; else the op names itself from its work, only when asked. */
function givenName(options: RunOptions | undefined): string | undefined {
  const given = options?.name;
  return typeof given === 'string' && given !== '' ? given : undefined;
}

function checkWork(work: unknown): asserts work is Work {
  if (typeof work !== 'function') throw new TypeError(`work must be a function, got ${work === null ? 'null' : typeof work}`);
}

export interface ConfigureOptions {
  /** Creation sites captured while someone listens: 'off' (default), 'frame' (file:line:column), or 'async' (also the full stack). */
  sites?: SiteMode;
  /** The most of the program's time capturing sites may take, in percent, above 0 and at most 100
   *  (default 2): past it, ops go without a site until the budget refills. 100: every op's site. */
  siteBudget?: number;
  /** Parents found across awaits ('async', default; makes every promise slower while observed) or only synchronously. */
  parents?: ParentMode;
  /** Terminal ops remembered for late-joining debuggers (default 1,000). */
  retainTerminal?: number;
}

/** A shim over a foreign IAsyncInfo: an op of this runtime that mirrors it (operation-sources.md §2). */
function observe(info: ForeignAsyncInfo, options: ObserveOptions & { kind: 'action' }): IAsyncAction;
function observe<P = unknown>(info: ForeignAsyncInfo, options: ObserveOptions & { kind: 'actionWithProgress' }): IAsyncActionWithProgress<P>;
function observe<T = unknown>(info: ForeignAsyncInfo<T>, options: ObserveOptions & { kind: 'operation' }): IAsyncOperation<T>;
function observe<T = unknown, P = unknown>(
  info: ForeignAsyncInfo<T>, options: ObserveOptions & { kind: 'operationWithProgress' }): IAsyncOperationWithProgress<T, P>;
function observe<T = unknown, P = unknown>(
  info: ForeignAsyncInfo<T> & { progress: unknown }, options?: ObserveOptions): IAsyncOperationWithProgress<T, P>;
function observe<T = unknown>(info: ForeignAsyncInfo<T>, options?: ObserveOptions): IAsyncOperation<T>;
function observe(info: unknown, options?: unknown): unknown {
  return observeInfo(info, options, observe);
}

/** An IAsyncOperation of a promise; Cancel reaches it where it can (operation-sources.md §2). */
function fromPromise<T, P>(
  promise: PromiseLike<T> & { progress(callback: (value: P) => void): unknown }, options?: FromPromiseOptions,
): IAsyncOperationWithProgress<T, P>;
function fromPromise<T>(
  promise: PromiseLike<T> & { operation: { progress: unknown } }, options?: FromPromiseOptions,
): IAsyncOperationWithProgress<T, unknown>;
function fromPromise<T>(promise: PromiseLike<T>, options?: FromPromiseOptions): IAsyncOperation<T>;
function fromPromise(promise: unknown, options?: unknown): unknown {
  return promiseOp(promise, options, fromPromise);
}

export const AsyncInfo = {
  runAction(work: (token: CancellationToken) => Promise<void>, options?: RunOptions): IAsyncAction {
    checkWork(work);
    return new AsyncOp(Kind.Action, work, givenName(options), AsyncInfo.runAction) as unknown as IAsyncAction;
  },

  runOperation<T>(work: (token: CancellationToken) => Promise<T>, options?: RunOptions): IAsyncOperation<T> {
    checkWork(work);
    return new AsyncOp(Kind.Operation, work, givenName(options), AsyncInfo.runOperation) as unknown as IAsyncOperation<T>;
  },

  runActionWithProgress<P>(
    work: (token: CancellationToken, report: (progress: P) => void) => Promise<void>,
    options?: RunOptions,
  ): IAsyncActionWithProgress<P> {
    checkWork(work);
    const kind = Kind.ActionWithProgress;
    return new AsyncOpWithProgress(kind, work, givenName(options), AsyncInfo.runActionWithProgress) as unknown as IAsyncActionWithProgress<P>;
  },

  runOperationWithProgress<T, P>(
    work: (token: CancellationToken, report: (progress: P) => void) => Promise<T>,
    options?: RunOptions,
  ): IAsyncOperationWithProgress<T, P> {
    checkWork(work);
    const kind = Kind.OperationWithProgress;
    return new AsyncOpWithProgress(kind, work, givenName(options), AsyncInfo.runOperationWithProgress) as unknown as IAsyncOperationWithProgress<T, P>;
  },

  observe,

  fromPromise,

  /** A Promise for the op's outcome, like .NET's AsTask; aborting `signal` cancels the op. */
  toPromise<T>(op: IAsyncInfo & PromiseLike<T>, options?: { signal?: AbortSignal }): Promise<T> {
    const signal = options?.signal;
    if (!signal) return new Promise<T>((resolve, reject) => op.then(resolve, reject));
    if (signal.aborted) op.cancel();
    const onAbort = () => op.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    const done = () => signal.removeEventListener('abort', onAbort);
    return new Promise<T>((resolve, reject) => {
      op.then((value) => { done(); resolve(value); }, (error: unknown) => { done(); reject(error); });
    });
  },

  /** Changes the runtime's settings for every copy loaded in this process. */
  configure(options: ConfigureOptions): void {
    if (options === null || typeof options !== 'object') throw new TypeError('configure takes an options object');
    const settings = getHub().settings;
    if (options.sites !== undefined) {
      if (!['off', 'frame', 'async'].includes(options.sites)) throw new TypeError(`sites must be 'off', 'frame' or 'async'`);
      settings.sites = options.sites;
    }
    if (options.siteBudget !== undefined) {
      if (!isSiteBudget(options.siteBudget)) throw new TypeError('siteBudget must be a number above 0 and at most 100');
      settings.siteBudget = options.siteBudget;
    }
    if (options.parents !== undefined) {
      if (!['async', 'sync'].includes(options.parents)) throw new TypeError(`parents must be 'async' or 'sync'`);
      settings.parents = options.parents;
    }
    if (options.retainTerminal !== undefined) {
      if (!Number.isInteger(options.retainTerminal) || options.retainTerminal < 0) throw new TypeError('retainTerminal must be a non-negative integer');
      settings.retainTerminal = options.retainTerminal;
    }
  },
};
