// An independent model of a Windows Runtime async op as a JavaScript projection exposes it, written
// from WRL's AsyncBase state table (not from this runtime's code): set-once `completed` that throws
// E_ILLEGAL_DELEGATE_ASSIGNMENT, `close()` that throws while Started, `getResults()` by state,
// errors reported as projections do (an Error with the HRESULT in `number`). The test drives it as
// the op's native work would: complete(), fail(), report(), and counts what the shim calls.

const STARTED = 0;
const COMPLETED = 1;
const CANCELED = 2;
const ERROR = 3;

export const HR = {
  E_ILLEGAL_METHOD_CALL: 0x8000000e | 0,
  E_ILLEGAL_STATE_CHANGE: 0x8000000d | 0,
  E_ILLEGAL_DELEGATE_ASSIGNMENT: 0x80000018 | 0,
  E_FAIL: 0x80004005 | 0,
};

function hresultError(hr: number, message: string): Error & { number: number } {
  return Object.assign(new Error(message), { number: hr });
}

let nextForeignId = 5000;

export class ForeignOp {
  readonly calls = { cancel: 0, close: 0, completedSets: 0, getResults: 0 };
  /** What the op's native work sees of cancellation. */
  readonly cancellation = new AbortController();
  private readonly foreignId = nextForeignId++;
  private state = STARTED;
  private cancelRequested = false;
  private finished = false;
  private closed = false;
  private handler: ((op: ForeignOp, status: number) => void) | null = null;
  private handlerSet = false;
  private fired = false;
  private result: unknown;
  private failure: unknown;
  private code = 0;
  protected progressHandler: ((op: ForeignOp, value: unknown) => void) | null = null;

  get id(): number {
    this.checkOpen();
    return this.foreignId;
  }

  get status(): number {
    this.checkOpen();
    return this.state;
  }

  get errorCode(): number {
    this.checkOpen();
    return this.code;
  }

  get completed(): ((op: ForeignOp, status: number) => void) | null {
    this.checkOpen();
    return this.handler;
  }

  set completed(handler: ((op: ForeignOp, status: number) => void) | null) {
    this.checkOpen();
    this.calls.completedSets++;
    if (this.handlerSet) throw hresultError(HR.E_ILLEGAL_DELEGATE_ASSIGNMENT, 'the completed handler can be set only once');
    this.handlerSet = true;
    this.handler = handler;
    if (this.state !== STARTED) this.fire(); // set after the op stopped running: fires now
  }

  cancel(): void {
    this.calls.cancel++;
    if (this.closed || this.state !== STARTED) return;
    this.cancelRequested = true;
    this.state = CANCELED; // reads Canceled at once; the handler fires when the work ends
    this.cancellation.abort();
  }

  close(): void {
    this.calls.close++;
    if (this.closed) return;
    if (this.state === STARTED) throw hresultError(HR.E_ILLEGAL_STATE_CHANGE, 'the operation is still running');
    this.closed = true;
    this.handler = this.progressHandler = null;
    this.result = this.failure = undefined;
  }

  getResults(): unknown {
    this.checkOpen();
    this.calls.getResults++;
    if (this.finished && this.state === COMPLETED) return this.result;
    if (this.finished && this.state === ERROR) throw this.failure;
    throw hresultError(HR.E_ILLEGAL_METHOD_CALL, 'no results in this state');
  }

  // ---- the native side: what the op's work does ------------------------------------------------

  complete(result?: unknown): void {
    if (this.finished || this.closed) return;
    this.finished = true;
    if (!this.cancelRequested) {
      this.state = COMPLETED;
      this.result = result;
    }
    this.fire();
  }

  fail(error: unknown): void {
    if (this.finished || this.closed) return;
    this.finished = true;
    if (!this.cancelRequested) {
      this.state = ERROR;
      this.failure = error;
      const n = (error as { number?: unknown } | null)?.number;
      this.code = typeof n === 'number' && n < 0 ? n : HR.E_FAIL;
    }
    this.fire();
  }

  report(value: unknown): void {
    if (!this.closed && this.state === STARTED && this.progressHandler) this.progressHandler(this, value);
  }

  /** A misbehaving op that calls its handler a second time (the shim must not believe it twice). */
  fireAgain(): void {
    this.handler?.(this, this.state);
  }

  private fire(): void {
    if (this.fired || !this.handler) return;
    this.fired = true;
    this.handler(this, this.state);
  }

  protected checkOpen(): void {
    if (this.closed) throw hresultError(HR.E_ILLEGAL_METHOD_CALL, 'the operation is closed');
  }
}

export class ForeignOpWithProgress extends ForeignOp {
  get progress(): ((op: ForeignOp, value: unknown) => void) | null {
    this.checkOpen();
    return this.progressHandler;
  }

  set progress(handler: ((op: ForeignOp, value: unknown) => void) | null) {
    this.checkOpen();
    this.progressHandler = handler; // replaceable
  }
}

export { STARTED, COMPLETED, CANCELED, ERROR };

/** A foreign op of `kind` whose native work is `work` (the fixtures' shape), seen through a shim. */
export function foreignFor(hasProgress: boolean): ForeignOp {
  return hasProgress ? new ForeignOpWithProgress() : new ForeignOp();
}
