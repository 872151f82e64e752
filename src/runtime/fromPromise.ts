// AsyncInfo.fromPromise: an IAsyncOperation of any promise, recognising the shapes today's
// Windows Runtime projections hand out (operation-sources.md §2):
// - react-native-winrt: a thenable whose then() takes a third, progress, callback, with `cancel()`
//   and `operation` (the projected IAsyncInfo, whose completed and progress slots the projection
//   itself already holds: so the outcome comes from the promise, the rest from the operation);
// - dynwinrt: WithProgress methods return a promise with `cancel()` and a chainable `progress(cb)`.
import { AsyncStatus } from './errors';
import { checkOptions, checkThenable, controllerOption, cancelOption, isAsyncInfoShaped, nameOption } from './inputs';
import { AsyncOp, AsyncOpWithProgress, Kind } from './operation';
import { FOREIGN_CANCELED, boundedAttributes, remoteWork, tryRead, type Attributes, type Remote } from './remote';

type Thenable = PromiseLike<unknown> & Record<string, unknown>;
type Operation = { readonly id: unknown; readonly status: unknown; cancel(): void; close(): void };

class PromiseRemote implements Remote {
  readonly source = 'promise' as const;
  readonly canCancel: boolean;

  constructor(
    private readonly promise: Thenable,
    private readonly operation: Operation | undefined,
    private readonly controller: AbortController | undefined,
    private readonly cancelCallback: (() => void) | undefined,
  ) {
    this.canCancel = typeof promise.cancel === 'function' || operation !== undefined || controller !== undefined
      || cancelCallback !== undefined;
  }

  get attributes(): Attributes | undefined {
    const operation = this.operation;
    const id = operation && tryRead(() => operation.id);
    return typeof id === 'number' ? boundedAttributes({ foreignId: id }) : undefined;
  }

  begin(report: ((value: unknown) => void) | undefined): PromiseLike<unknown> {
    const promise = this.promise;
    let work: PromiseLike<unknown> = promise;
    if (report !== undefined) {
      if (typeof promise.progress === 'function') (promise.progress as (cb: (value: unknown) => void) => unknown)(report);
      else work = new Promise((resolve, reject) => (promise.then as Function)(resolve, reject, report));
    }
    // Only where the promise can end canceled without this op asking: its operation, its controller.
    if (this.operation === undefined && this.controller === undefined) return work;
    return Promise.resolve(work).then(undefined, (error: unknown) => {
      if (this.endedCanceled()) return FOREIGN_CANCELED;
      throw error;
    });
  }

  private endedCanceled(): boolean {
    const operation = this.operation;
    if (operation !== undefined && tryRead(() => operation.status) === AsyncStatus.Canceled) return true;
    return this.controller?.signal.aborted === true;
  }

  cancel(): void {
    if (typeof this.promise.cancel === 'function') (this.promise.cancel as () => void)();
    else this.operation?.cancel();
    this.cancelCallback?.();
    this.controller?.abort();
  }

  close(): void {
    this.operation?.close();
  }
}

/** See operation-sources.md §2. Checks everything before it makes anything. */
export function promiseOp(promise: unknown, options: unknown, factory: Function): AsyncOp {
  checkThenable(promise);
  const given = checkOptions('AsyncInfo.fromPromise', options);
  const name = nameOption('AsyncInfo.fromPromise', given);
  const controller = controllerOption(given);
  const cancel = cancelOption(given);
  if (promise instanceof AsyncOp) return promise; // already an op of this runtime
  let candidate: unknown;
  try {
    candidate = promise.operation;
  } catch {
    // a host object that throws on unknown keys: no operation
  }
  const operation = isAsyncInfoShaped(candidate) ? candidate as Operation : undefined;
  const withProgress = typeof promise.progress === 'function' || (operation !== undefined && 'progress' in operation);
  const remote = new PromiseRemote(promise, operation, controller, cancel);
  return withProgress
    ? new AsyncOpWithProgress(Kind.OperationWithProgress, remoteWork, name ?? 'operationWithProgress', factory, remote) as AsyncOp
    : new AsyncOp(Kind.Operation, remoteWork, name ?? 'operation', factory, remote);
}
