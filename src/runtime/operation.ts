// One IAsyncInfo operation and its WRL state machine (see the contract's "State x call" table).
// Every op pays for what runs here, so the common path allocates nothing beyond the op and the
// reaction on its work's promise, reads no clock and builds no event unless someone listens.
import * as dc from 'diagnostics_channel';
import { LIFECYCLE_CHANNEL, type CommandResult } from '../protocol/hub';
import type { LifecycleMessage, OpKind } from '../protocol/messages';
import { nowMicros } from './clock';
import {
  AsyncInfoError, AsyncStatus, E_ILLEGAL_DELEGATE_ASSIGNMENT, E_ILLEGAL_METHOD_CALL, E_ILLEGAL_STATE_CHANGE,
  abortError, errorCodeOf, messageOf,
} from './errors';
import { getHub } from './hub';
import { OpRegistry, type TrackedOp } from './registry';
import { captureSite } from './sites';

export const KINDS: readonly OpKind[] = ['action', 'operation', 'actionWithProgress', 'operationWithProgress'];
export const enum Kind { Action = 0, Operation = 1, ActionWithProgress = 2, OperationWithProgress = 3 }

// `_s` packs the status (2 bits), these flags, and the kind (bits 8-9).
const STATUS = 3;
const CANCEL_REQUESTED = 4;
const CLOSED = 8;
const HANDLER_SET = 16;
const TERMINAL = 32; // the op reached Completed, Canceled or Error and said so
const HANDLER_FIRED = 64;
const HAS_RESULT = 1 << 8; // kind bit 0: the Operation kinds

const hub = getHub();
const channel = dc.channel(LIFECYCLE_CHANNEL);
export const registry = new OpRegistry(hub, nowMicros);
hub.addSource(registry);

export type CompletedHandler<Op> = ((op: Op, status: AsyncStatus) => void) | null;
export type ProgressHandler<Op, P> = ((op: Op, value: P) => void) | null;

/** Kept only for ops seen while someone listens: what the snapshot needs besides the op itself. */
interface Observed {
  t: number; // created; NaN when created unobserved
  parent: number | null;
  site: string | null;
  stack?: string;
  progressT: number;
  progress: unknown;
  hasProgress: boolean;
  cancelT: number;
  cancelSource: 'program' | 'client';
  endT: number;
}

interface Awaiters {
  promise: Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

let capturedResolve: Awaiters['resolve'];
let capturedReject: Awaiters['reject'];
function captureResolvers(resolve: Awaiters['resolve'], reject: Awaiters['reject']): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

/** A rejection nobody awaits must not crash the program: errors surface through `status` too. */
function ignore(): void {}

/** Reports an error thrown by a user's handler the way Node reports one thrown from a callback. */
function reportHandlerError(error: unknown): void {
  process.nextTick(() => {
    throw error;
  });
}

export class AsyncOp implements TrackedOp {
  _prev: TrackedOp | null = null;
  _next: TrackedOp | null = null;
  /** Result (Completed) or error (Error), until closed. */
  private _v: unknown = undefined;
  private _handler: CompletedHandler<this> = null;
  private _controller: AbortController | undefined = undefined;
  private _awaiters: Awaiters | undefined = undefined;
  private _m: Observed | undefined = undefined;
  private _s: number;
  readonly _id: number;
  readonly name: string;

  constructor(kind: Kind, name: string, work: (...args: never[]) => unknown, factory: Function) {
    this._id = hub.nextId();
    this._s = kind << 8;
    this.name = name;
    registry.link(this);
    if (channel.hasSubscribers) this.observeCreation(factory);
    this.start(work);
  }

  // ---- IAsyncInfo ----------------------------------------------------------------------------

  get id(): number {
    this.checkOpen();
    return this._id;
  }

  get status(): AsyncStatus {
    this.checkOpen();
    return this._s & STATUS;
  }

  get errorCode(): number {
    this.checkOpen();
    return (this._s & STATUS) === AsyncStatus.Error ? errorCodeOf(this._v) : 0;
  }

  cancel(): void {
    this._cancelFrom('program');
  }

  close(): void {
    if (this._s & CLOSED) return;
    if ((this._s & (STATUS | CANCEL_REQUESTED)) === AsyncStatus.Started) {
      throw new AsyncInfoError(E_ILLEGAL_STATE_CHANGE, `operation ${this._id} is still running`);
    }
    this.closeNow();
  }

  get completed(): CompletedHandler<this> {
    this.checkOpen();
    return this._handler;
  }

  set completed(handler: CompletedHandler<this>) {
    this.checkOpen();
    if (this._s & HANDLER_SET) {
      throw new AsyncInfoError(E_ILLEGAL_DELEGATE_ASSIGNMENT, `operation ${this._id} already has a completed handler`);
    }
    this._s |= HANDLER_SET;
    this._handler = handler;
    // Set after the op stopped running (CancelRequested included): it fires now, as WRL does.
    if ((this._s & STATUS) !== AsyncStatus.Started) this.fireHandler();
  }

  getResults(): unknown {
    this.checkOpen();
    switch (this._s & (STATUS | CANCEL_REQUESTED)) {
      case AsyncStatus.Completed:
        return this._v;
      case AsyncStatus.Error:
        throw this._v;
      default:
        throw new AsyncInfoError(E_ILLEGAL_METHOD_CALL, `operation ${this._id} has no results: it is ${AsyncStatus[this._s & STATUS]}`);
    }
  }

  /** `await op`: the result, the work's error, or an AbortError; never uses the handler slot. */
  then<R1 = unknown, R2 = never>(
    onFulfilled?: ((value: any) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    let awaiters = this._awaiters;
    if (awaiters === undefined) {
      const s = this._s;
      if (s & CLOSED) {
        // `await op` calls then() a microtask late, so it may meet an op canceled and closed since:
        // it still learns it was canceled. A closed op's result or error is gone.
        const reason = (s & STATUS) === AsyncStatus.Canceled
          ? abortError(this._id)
          : new AsyncInfoError(E_ILLEGAL_METHOD_CALL, `operation ${this._id} is closed`);
        return Promise.reject(reason).then(onFulfilled, onRejected);
      }
      if (s & TERMINAL) return this.outcome().then(onFulfilled, onRejected);
      const promise = new Promise(captureResolvers);
      awaiters = this._awaiters = { promise, resolve: capturedResolve, reject: capturedReject };
    }
    return awaiters.promise.then(onFulfilled, onRejected) as Promise<R1 | R2>;
  }

  // ---- CancellationToken: the op is its own work's token (saves an object per op) -------------

  get isCancellationRequested(): boolean {
    return (this._s & CANCEL_REQUESTED) !== 0;
  }

  get signal(): AbortSignal {
    let controller = this._controller;
    if (controller === undefined) {
      controller = this._controller = new AbortController();
      if (this._s & CANCEL_REQUESTED) controller.abort(abortError(this._id));
    }
    return controller.signal;
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  private start(work: (...args: never[]) => unknown): void {
    let result: unknown;
    const saved = hub.current;
    hub.current = this._id;
    try {
      result = this._m !== undefined && hub.settings.parents === 'async'
        ? hub.context().run(this._id, callWork, work, this)
        : callWork(work, this);
    } catch (error) {
      this.settle(false, error); // the op is in Error before the factory returns
      return;
    } finally {
      hub.current = saved;
    }
    // Bound methods: the cheapest handlers V8 offers (two closures and their context cost more).
    const onDone = this.workDone.bind(this);
    const onFailed = this.workFailed.bind(this);
    if (result instanceof Promise) result.then(onDone, onFailed);
    else Promise.resolve(result).then(onDone, onFailed);
  }

  private workDone(value: unknown): void {
    this.settle(true, value);
  }

  private workFailed(error: unknown): void {
    this.settle(false, error);
  }

  /** The work finished (`ok`) or failed. A cancel requested before wins over both. */
  private settle(ok: boolean, value: unknown): void {
    const s = this._s;
    if (s & (TERMINAL | CLOSED)) return;
    let status: AsyncStatus;
    if (s & CANCEL_REQUESTED) status = AsyncStatus.Canceled;
    else {
      status = ok ? AsyncStatus.Completed : AsyncStatus.Error;
      // Actions have no result: whatever their work resolves with is not theirs to return.
      this._v = ok && !(s & HAS_RESULT) ? undefined : value;
    }
    this._s = (s & ~STATUS) | status | TERMINAL;
    registry.unlink(this);
    if (channel.hasSubscribers) this.publishTerminal(status);
    this.settleAwaiters();
    this.fireHandler();
  }

  _cancelFrom(source: 'program' | 'client'): void {
    const s = this._s;
    if (s & (STATUS | CANCEL_REQUESTED | CLOSED)) return; // only Started ops can be canceled
    this._s = (s & ~STATUS) | AsyncStatus.Canceled | CANCEL_REQUESTED;
    if (channel.hasSubscribers) {
      const t = nowMicros();
      const m = this.observed();
      m.cancelT = t;
      m.cancelSource = source;
      channel.publish({ type: 'cancelRequested', id: this._id, t, source });
    }
    this._controller?.abort(abortError(this._id));
  }

  _tryClose(): CommandResult {
    try {
      this.close();
      return { ok: true };
    } catch (error) {
      const e = error as AsyncInfoError;
      return { ok: false, code: e.code, message: e.message };
    }
  }

  private closeNow(): void {
    if (!(this._s & TERMINAL)) {
      // Closing a canceled op whose work still runs ends it now: canceled, then closed.
      this._s |= TERMINAL | HANDLER_FIRED;
      registry.unlink(this);
      if (channel.hasSubscribers) this.publishTerminal(AsyncStatus.Canceled);
      this.settleAwaiters();
    }
    // `closed` only for ops a subscriber was told about: it always follows their terminal message.
    const told = this._m !== undefined;
    this._s |= CLOSED;
    this._v = this._handler = this._m = undefined as never;
    this.dropProgressHandler();
    if (told && channel.hasSubscribers) channel.publish({ type: 'closed', id: this._id, t: nowMicros() });
  }

  protected dropProgressHandler(): void {}

  private fireHandler(): void {
    const s = this._s;
    const handler = this._handler;
    if (!(s & HANDLER_SET) || (s & HANDLER_FIRED) || handler === null) return;
    this._s = s | HANDLER_FIRED;
    try {
      handler(this, s & STATUS);
    } catch (error) {
      reportHandlerError(error);
    }
  }

  private outcome(): Promise<unknown> {
    switch (this._s & STATUS) {
      case AsyncStatus.Completed:
        return Promise.resolve(this._v);
      case AsyncStatus.Error:
        return Promise.reject(this._v);
      default:
        return Promise.reject(abortError(this._id));
    }
  }

  private settleAwaiters(): void {
    const awaiters = this._awaiters;
    if (awaiters === undefined) return;
    this._awaiters = undefined;
    const status = this._s & STATUS;
    if (status === AsyncStatus.Completed) awaiters.resolve(this._v);
    else {
      awaiters.promise.then(undefined, ignore);
      awaiters.reject(status === AsyncStatus.Error ? this._v : abortError(this._id));
    }
  }

  protected get isRunning(): boolean {
    return (this._s & (STATUS | CANCEL_REQUESTED | CLOSED)) === AsyncStatus.Started;
  }

  protected checkOpen(): void {
    if (this._s & CLOSED) throw new AsyncInfoError(E_ILLEGAL_METHOD_CALL, `operation ${this._id} is closed`);
  }

  get _closed(): boolean {
    return (this._s & CLOSED) !== 0;
  }

  get kind(): OpKind {
    return KINDS[this._s >> 8];
  }

  // ---- observation (only while someone listens) ----------------------------------------------

  private observed(): Observed {
    return (this._m ??= {
      t: NaN, parent: null, site: null, progressT: 0, progress: undefined, hasProgress: false,
      cancelT: NaN, cancelSource: 'program', endT: NaN,
    });
  }

  private observeCreation(factory: Function): void {
    const m = this.observed();
    m.t = nowMicros();
    const settings = hub.settings;
    // The innermost work running synchronously wins; across awaits, the async context knows.
    const parent = hub.current || (settings.parents === 'async' ? hub.context().getStore() : 0);
    m.parent = parent || null;
    const { site, stack } = captureSite(settings.sites, factory);
    m.site = site;
    if (stack !== undefined) m.stack = stack;
    channel.publish(this.createdMessage(m.t));
  }

  protected reportProgress(value: unknown): void {
    if (!channel.hasSubscribers) return;
    const t = nowMicros();
    const m = this.observed();
    m.progressT = t;
    m.progress = value;
    m.hasProgress = true;
    channel.publish({ type: 'progress', id: this._id, t, value });
  }

  private publishTerminal(status: AsyncStatus): void {
    const t = nowMicros();
    this.observed().endT = t;
    channel.publish(this.terminalMessage(status, t));
    registry.retain(this);
  }

  private createdMessage(t: number): LifecycleMessage {
    const m = this._m;
    const msg = { type: 'created' as const, id: this._id, t, kind: this.kind, name: this.name, parent: m?.parent ?? null, site: m?.site ?? null };
    return m?.stack !== undefined ? { ...msg, stack: m.stack } as LifecycleMessage : msg;
  }

  private terminalMessage(status: AsyncStatus, t: number): LifecycleMessage {
    const id = this._id;
    if (status === AsyncStatus.Completed) return { type: 'completed', id, t };
    if (status === AsyncStatus.Canceled) return { type: 'canceled', id, t };
    return { type: 'error', id, t, errorCode: errorCodeOf(this._v), message: messageOf(this._v) };
  }

  _snapshot(into: LifecycleMessage[], now: number): void {
    const m = this._m;
    const known = (t: number | undefined) => (t === undefined || Number.isNaN(t) ? now : t);
    into.push(this.createdMessage(known(m?.t)));
    if (m?.hasProgress) into.push({ type: 'progress', id: this._id, t: m.progressT, value: m.progress });
    if (this._s & CANCEL_REQUESTED) {
      into.push({ type: 'cancelRequested', id: this._id, t: known(m?.cancelT), source: m?.cancelSource ?? 'program' });
    }
    if (this._s & TERMINAL) into.push(this.terminalMessage(this._s & STATUS, known(m?.endT)));
  }
}

function callWork(work: (...args: never[]) => unknown, op: AsyncOp): unknown {
  return op instanceof AsyncOpWithProgress
    ? (work as (token: unknown, report: unknown) => unknown)(op, op.reporter())
    : (work as (token: unknown) => unknown)(op);
}

export class AsyncOpWithProgress extends AsyncOp {
  private _progress: ProgressHandler<this, unknown> = null;

  get progress(): ProgressHandler<this, unknown> {
    this.checkOpen();
    return this._progress;
  }

  set progress(handler: ProgressHandler<this, unknown>) {
    this.checkOpen();
    this._progress = handler;
  }

  /** The `report` function handed to the work. */
  reporter(): (value: unknown) => void {
    return (value) => this.report(value);
  }

  private report(value: unknown): void {
    if (!this.isRunning) return; // not delivered once canceled, finished or closed
    this.reportProgress(value);
    const handler = this._progress;
    if (!handler) return; // also while the work's synchronous part runs, before fields exist
    try {
      handler(this, value);
    } catch (error) {
      reportHandlerError(error);
    }
  }

  protected override dropProgressHandler(): void {
    this._progress = null;
  }
}
