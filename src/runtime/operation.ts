// One IAsyncInfo operation and its WRL state machine (see the contract's "State x call" table).
// Every op pays for what runs here: a running op is four fields, two bound reactions on its work's
// promise and its slot in the registry's table. Anything rarer (handlers, the token's signal,
// awaiters, what a debugger was told) lives in one extras object made on first need.
import * as dc from 'diagnostics_channel';
import { LIFECYCLE_CHANNEL, type CommandResult } from '../protocol/hub';
import type { CreatedMessage, ErrorMessage, LifecycleMessage, OpKind } from '../protocol/messages';
import { nowMicros } from './clock';
import {
  AsyncInfoError, AsyncStatus, E_ILLEGAL_DELEGATE_ASSIGNMENT, E_ILLEGAL_METHOD_CALL, E_ILLEGAL_STATE_CHANGE,
  abortError, errorCodeOf, messageOf,
} from './errors';
import { getHub } from './hub';
import { OpRegistry, type TrackedOp } from './registry';
import { captureSite, SiteBudget } from './sites';
import { FOREIGN_CANCELED, type Remote } from './remote';

export const KINDS: readonly OpKind[] = ['action', 'operation', 'actionWithProgress', 'operationWithProgress'];
export const enum Kind { Action = 0, Operation = 1, ActionWithProgress = 2, OperationWithProgress = 3 }

// `_s` packs the status (2 bits), these flags, and the kind (bits 8-9).
const STATUS = 3;
const CANCEL_REQUESTED = 4;
const CLOSED = 8;
const HANDLER_SET = 16;
const TERMINAL = 32; // the op reached Completed, Canceled or Error and said so
const HANDLER_FIRED = 64;
const HAS_OUTCOME = 128; // the outcome is known (before it, the op keeps its name or work)
const HAS_EXTRAS = 512 << 1; // `_v` is the Extras (bits 8-9 hold the kind)
const CANCELING = HAS_EXTRAS << 1; // a remote's cancel() is running: a cancel from inside it is a no-op
const AWAITED = CANCELING << 1; // then() ran (await, toPromise) or getResults() threw: an error is seen
const TOLD_UNSEEN = AWAITED << 1; // an `error` message said `"observed": false`
const KIND_SHIFT = 8;
const HAS_RESULT = 1 << KIND_SHIFT; // the Operation kinds
const WITH_PROGRESS = 2 << KIND_SHIFT;

const hub = getHub();
const channel = dc.channel(LIFECYCLE_CHANNEL);
export const registry = new OpRegistry(hub, nowMicros);
/** This copy's share of the program's time for creation sites (settings.siteBudget). */
export const siteBudget = new SiteBudget();
hub.addSource(registry);

export type CompletedHandler<Op> = ((op: Op, status: AsyncStatus) => void) | null;
export type ProgressHandler<Op, P> = ((op: Op, value: P) => void) | null;
type Work = (...args: never[]) => unknown;

/** What the debugger was told about an op (only for ops seen while someone listens). */
interface Observed {
  t: number; // created, or first seen by a snapshot
  parent: number | null;
  site: string | null;
  stack: string | undefined;
  progressT: number;
  progress: unknown;
  hasProgress: boolean;
  cancelT: number;
  cancelSource: 'program' | 'client';
  endT: number;
}

/** The rarely used part of an op, made on first need. */
class Extras {
  handler: CompletedHandler<AsyncOp> = null;
  progress: ProgressHandler<AsyncOp, unknown> = null;
  controller: AbortController | undefined = undefined;
  observed: Observed | undefined = undefined;
  /** What the op mirrors when its work is a foreign op or a promise (observe, fromPromise). */
  remote: Remote | undefined = undefined;
  /** The op's result or error, once the op has extras. */
  value: unknown = undefined;
  constructor(public name: string) {}
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
  _s: number;
  readonly _id: number;
  /**
   * One field for three things, to keep a running op small. With extras (HAS_EXTRAS): the Extras,
   * which hold the rest. Without: until the outcome is known, the name given, else the work
   * (named on demand: the hot path never reads `work.name`); then the result or error.
   */
  private _v: unknown;
  /** The outcome as a promise: the reaction on the work's promise, which returns or throws it. */
  private _p: Promise<unknown> | undefined = undefined;

  constructor(kind: Kind, work: Work, name: string | undefined, factory: Function, remote?: Remote) {
    this._s = kind << KIND_SHIFT;
    this._id = hub.nextId();
    this._v = name || work;
    if (remote !== undefined) this.extras().remote = remote;
    registry.link(this);
    if (channel.hasSubscribers) this.observeCreation(factory);
    this.start(work);
  }

  // ---- IAsyncInfo ----------------------------------------------------------------------------

  get id(): number {
    if (this._s & CLOSED) throw closedError(this._id);
    return this._id;
  }

  get status(): AsyncStatus {
    if (this._s & CLOSED) throw closedError(this._id);
    return this._s & STATUS;
  }

  get errorCode(): number {
    const s = this._s;
    if (s & CLOSED) throw closedError(this._id);
    return (s & STATUS) === AsyncStatus.Error ? errorCodeOf(this.value) : 0;
  }

  cancel(): void {
    this._cancelFrom('program');
  }

  close(): void {
    const s = this._s;
    if (s & CLOSED) return;
    if ((s & (STATUS | CANCEL_REQUESTED)) === AsyncStatus.Started) {
      throw new AsyncInfoError(E_ILLEGAL_STATE_CHANGE, `operation ${this._id} is still running`);
    }
    this.x?.remote?.close(); // the real thing refuses: the op stays open, as it does
    this.closeNow();
  }

  get completed(): CompletedHandler<this> {
    if (this._s & CLOSED) throw closedError(this._id);
    return (this.x?.handler ?? null) as CompletedHandler<this>;
  }

  set completed(handler: CompletedHandler<this>) {
    const s = this._s;
    if (s & CLOSED) throw closedError(this._id);
    if (s & HANDLER_SET) {
      throw new AsyncInfoError(E_ILLEGAL_DELEGATE_ASSIGNMENT, `operation ${this._id} already has a completed handler`);
    }
    checkHandler(handler, 'completed');
    this._s = s | HANDLER_SET;
    this.extras().handler = handler as CompletedHandler<AsyncOp>;
    if (s & TOLD_UNSEEN) this.seen();
    // Set after the op stopped running (CancelRequested included): it fires now, as WRL does.
    if ((s & STATUS) !== AsyncStatus.Started) this.fireHandler();
  }

  getResults(): unknown {
    const s = this._s;
    if (s & CLOSED) throw closedError(this._id);
    if (s & TERMINAL) {
      const status = s & STATUS;
      if (status === AsyncStatus.Completed) return this.value;
      if (status === AsyncStatus.Error) {
        if (!(s & AWAITED)) this.seen();
        throw this.value;
      }
    }
    throw new AsyncInfoError(E_ILLEGAL_METHOD_CALL, `operation ${this._id} has no results: it is ${AsyncStatus[s & STATUS]}`);
  }

  /** `await op`: the result, the work's error, or an AbortError; never uses the handler slot. */
  then<R1 = unknown, R2 = never>(
    onFulfilled?: ((value: any) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    if (!(this._s & AWAITED)) this.seen();
    const p = this._p;
    return (p !== undefined ? p.then(onFulfilled, onRejected) : this.outcome(this._s).then(onFulfilled, onRejected)) as Promise<R1 | R2>;
  }

  // ---- CancellationToken: the op is its own work's token (saves an object per op) -------------

  get isCancellationRequested(): boolean {
    return (this._s & CANCEL_REQUESTED) !== 0;
  }

  get signal(): AbortSignal {
    const x = this.extras();
    let controller = x.controller;
    if (controller === undefined) {
      controller = x.controller = new AbortController();
      if (this._s & CANCEL_REQUESTED) controller.abort(abortError(this._id));
    }
    return controller.signal;
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  private start(work: Work): void {
    let result: unknown;
    const saved = hub.current;
    hub.current = this._id;
    try {
      const report = this._s & WITH_PROGRESS ? (this as AsyncOp as AsyncOpWithProgress).report.bind(this) : undefined;
      result = this._s & HAS_EXTRAS && this.x!.observed !== undefined && hub.settings.parents === 'async'
        ? hub.context().run(this._id, work as (t: unknown, r: unknown) => unknown, this, report)
        : (work as (t: unknown, r: unknown) => unknown)(this, report);
    } catch (error) {
      this.settle(false, error); // the op is in Error before the factory returns
      return;
    } finally {
      hub.current = saved;
    }
    // Bound methods: the cheapest handlers V8 offers (two closures and their context cost more).
    // Their promise is the outcome `then` chains on: no promise of our own, no awaiter list.
    const promise = result instanceof Promise ? result : Promise.resolve(result);
    this._p = promise.then(this.workDone.bind(this), this.workFailed.bind(this));
  }

  // What `_p` settles with comes from the arguments, not the op: the completion handler runs
  // inside settle() and may close() the op, which drops its result, error and `_p`.
  private workDone(value: unknown): unknown {
    const p = this._p;
    if (value === FOREIGN_CANCELED) this.markCanceled();
    this.settle(true, value);
    const s = this._s;
    if ((s & STATUS) === AsyncStatus.Completed) return s & HAS_RESULT ? value : undefined;
    p?.then(undefined, ignore); // canceled: unawaited is fine (p is gone when close() came first: see closeNow)
    throw abortError(this._id);
  }

  private workFailed(error: unknown): unknown {
    const p = this._p;
    this.settle(false, error);
    p?.then(undefined, ignore); // failures surface through status and handlers: unawaited is fine
    throw (this._s & STATUS) === AsyncStatus.Error ? error : abortError(this._id);
  }

  /** The work finished (`ok`) or failed. A cancel requested before wins over both. */
  private settle(ok: boolean, value: unknown): void {
    const s = this._s;
    if (s & (TERMINAL | CLOSED)) return;
    const observing = channel.hasSubscribers;
    // A subscriber may ask for the name later (snapshots): keep it before `_v` takes the outcome.
    if (observing) this.extras();
    let status: AsyncStatus;
    if (s & CANCEL_REQUESTED) status = AsyncStatus.Canceled;
    else status = ok ? AsyncStatus.Completed : AsyncStatus.Error;
    this._s = (s & ~STATUS) | status | TERMINAL | HAS_OUTCOME;
    // Actions have no result: whatever their work resolves with is not theirs to return.
    const outcome = status === AsyncStatus.Error || (status === AsyncStatus.Completed && s & HAS_RESULT) ? value : undefined;
    if (this._s & HAS_EXTRAS) (this._v as Extras).value = outcome;
    else this._v = outcome;
    registry.unlink(this);
    if (observing) this.publishTerminal(status);
    if (s & HANDLER_SET) this.fireHandler();
  }

  /** Throws what a remote's cancel() throws; the op is then still Started. */
  _cancelFrom(source: 'program' | 'client'): void {
    const s = this._s;
    if (s & (STATUS | CANCEL_REQUESTED | CLOSED | CANCELING)) return; // only Started ops can be canceled
    if (s & HAS_EXTRAS) {
      const remote = (this._v as Extras).remote;
      if (remote !== undefined) {
        this._s = s | CANCELING;
        try {
          remote.cancel();
        } finally {
          this._s &= ~CANCELING;
        }
      }
    }
    this.requestCancel(source);
  }

  /** The debugger's Cancel: E_NOTIMPL where nothing can stop the work, else what cancel() does. */
  _tryCancel(): CommandResult {
    const remote = this.x?.remote;
    if (remote !== undefined && !remote.canCancel) {
      return { ok: false, code: 'E_NOTIMPL', message: `operation ${this._id} has no way to cancel its work` };
    }
    try {
      this._cancelFrom('client');
      return { ok: true };
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      return { ok: false, code: typeof code === 'string' ? code : 'E_FAIL', message: messageOf(error) };
    }
  }

  /** The outcome is known as the op is made (an observed op that had already finished). */
  _settleNow(ok: boolean, value: unknown): void {
    if (ok && value === FOREIGN_CANCELED) this.markCanceled();
    this.settle(ok, value);
  }

  /** The real work ended canceled without this op asking: it reads as a cancel by the program. */
  private markCanceled(): void {
    if (!(this._s & (STATUS | CANCEL_REQUESTED | CLOSED))) this.requestCancel('program');
  }

  private requestCancel(source: 'program' | 'client'): void {
    const s = this._s;
    this._s = (s & ~STATUS) | AsyncStatus.Canceled | CANCEL_REQUESTED;
    if (channel.hasSubscribers) {
      const t = nowMicros();
      const m = this.observed();
      m.cancelT = t;
      m.cancelSource = source;
      channel.publish({ type: 'cancelRequested', id: this._id, t, source });
    }
    this.x?.controller?.abort(abortError(this._id));
  }

  _tryClose(): CommandResult {
    try {
      this.close();
      return { ok: true };
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      return { ok: false, code: typeof code === 'string' ? code : 'E_FAIL', message: messageOf(error) };
    }
  }

  private closeNow(): void {
    if (!(this._s & TERMINAL)) {
      // Closing a canceled op whose work still runs ends it now: canceled, then closed.
      this._s |= TERMINAL | HANDLER_FIRED;
      registry.unlink(this);
      this._p?.then(undefined, ignore); // it rejects with an AbortError once the work ends, awaited or not
      if (channel.hasSubscribers) this.publishTerminal(AsyncStatus.Canceled);
      // Awaiters settle when the work ends (the outcome promise is the work's reaction).
    }
    // `closed` only for ops a subscriber was told about: it always follows their terminal message.
    const told = this.x?.observed !== undefined; // read after publishTerminal, which may have told it
    this._s = (this._s | CLOSED | HAS_OUTCOME) & ~HAS_EXTRAS;
    this._v = this._p = undefined;
    if (told && channel.hasSubscribers) channel.publish({ type: 'closed', id: this._id, t: nowMicros() });
  }

  /** Someone can see the outcome from now on; a debugger told the error went unseen hears otherwise.
   *  (`await op` calls then() a microtask late, so an op that fails at once is reported unseen and,
   *  a microtask later, seen: the extension shows the warning only while it stays unseen.) */
  private seen(): void {
    const s = this._s;
    this._s = (s | AWAITED) & ~TOLD_UNSEEN;
    if (s & TOLD_UNSEEN && channel.hasSubscribers) channel.publish({ type: 'errorObserved', id: this._id, t: nowMicros() });
  }

  private fireHandler(): void {
    const s = this._s;
    const handler = this.x?.handler;
    if (s & HANDLER_FIRED || !handler) return;
    this._s = s | HANDLER_FIRED;
    try {
      handler(this, s & STATUS);
    } catch (error) {
      reportHandlerError(error);
    }
  }

  private outcome(s: number): Promise<unknown> {
    const status = s & STATUS;
    // `await op` calls then() a microtask late, so it may meet an op canceled and closed since:
    // it still learns it was canceled. A closed op's result or error is gone.
    if (status === AsyncStatus.Canceled) return Promise.reject(abortError(this._id));
    if (s & CLOSED) return Promise.reject(closedError(this._id));
    return status === AsyncStatus.Completed ? Promise.resolve(this.value) : Promise.reject(this.value);
  }

  /** The extras, if made. */
  protected get x(): Extras | undefined {
    return this._s & HAS_EXTRAS ? (this._v as Extras) : undefined;
  }

  /** The result or error; undefined before the outcome and after close. */
  private get value(): unknown {
    return this._s & HAS_EXTRAS ? (this._v as Extras).value : this._s & HAS_OUTCOME ? this._v : undefined;
  }

  /** The extras, made on first need; the name, or the outcome, moves there from `_v`. */
  protected extras(): Extras {
    const s = this._s;
    if (s & HAS_EXTRAS) return this._v as Extras;
    const x = new Extras(this.name);
    if (s & HAS_OUTCOME) x.value = this._v;
    this._v = x;
    this._s = s | HAS_EXTRAS;
    return x;
  }

  get name(): string {
    const s = this._s;
    const v = this._v;
    if (s & HAS_EXTRAS) return (v as Extras).name;
    if (!(s & HAS_OUTCOME)) {
      if (typeof v === 'string') return v;
      if (typeof v === 'function' && typeof v.name === 'string' && v.name) return v.name;
    }
    return this.kind;
  }

  protected get isRunning(): boolean {
    return (this._s & (STATUS | CANCEL_REQUESTED | CLOSED)) === AsyncStatus.Started;
  }

  protected checkOpen(): void {
    if (this._s & CLOSED) throw closedError(this._id);
  }

  get _remote(): Remote | undefined {
    return this.x?.remote;
  }

  get _closed(): boolean {
    return (this._s & CLOSED) !== 0;
  }

  get kind(): OpKind {
    return KINDS[(this._s >> KIND_SHIFT) & 3];
  }

  // ---- observation (only while someone listens) ----------------------------------------------

  private observed(): Observed {
    const x = this.extras();
    return (x.observed ??= {
      t: NaN, parent: null, site: null, stack: undefined, progressT: 0, progress: undefined, hasProgress: false,
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
    if (settings.sites !== 'off' && (siteBudget.allows(m.t, settings.siteBudget) || siteBudget.firstOfName(this.name))) {
      const { site, stack } = captureSite(settings.sites, factory);
      m.site = site;
      m.stack = stack;
      if (settings.siteBudget < 100) siteBudget.spend(m.t, nowMicros());
    }
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
    const x = this.x;
    const m = x?.observed;
    const msg: CreatedMessage = { type: 'created', id: this._id, t, kind: this.kind, name: this.name, parent: m?.parent ?? null, site: m?.site ?? null };
    if (m?.stack !== undefined) (msg as CreatedMessage & { stack?: string }).stack = m.stack;
    // Ops of the factories carry none of these: their bytes (and the agent's fast encoder) stay as they were.
    const remote = x?.remote;
    if (remote !== undefined) {
      msg.source = remote.source;
      if (!remote.canCancel) msg.canCancel = false;
      if (remote.attributes !== undefined) msg.attributes = remote.attributes;
    }
    return msg;
  }

  private terminalMessage(status: AsyncStatus, t: number): LifecycleMessage {
    const id = this._id;
    if (status === AsyncStatus.Completed) return { type: 'completed', id, t };
    if (status === AsyncStatus.Canceled) return { type: 'canceled', id, t };
    const error = this.value;
    const msg: ErrorMessage = { type: 'error', id, t, errorCode: errorCodeOf(error), message: messageOf(error) };
    // Nobody could see it: no completed handler, no awaiter, no toPromise. Ops mirroring a promise
    // or a foreign op are left out: their owner may be watching the original.
    if (!(this._s & (HANDLER_SET | AWAITED)) && this.x?.remote === undefined) {
      msg.observed = false;
      this._s |= TOLD_UNSEEN;
    }
    return msg;
  }

  _snapshot(into: LifecycleMessage[], now: number): void {
    const m = this.observed();
    if (Number.isNaN(m.t)) m.t = now; // first seen now; later snapshots say the same
    into.push(this.createdMessage(m.t));
    if (m.hasProgress) into.push({ type: 'progress', id: this._id, t: m.progressT, value: m.progress });
    if (this._s & CANCEL_REQUESTED) {
      into.push({ type: 'cancelRequested', id: this._id, t: Number.isNaN(m.cancelT) ? now : m.cancelT, source: m.cancelSource });
    }
    if (this._s & TERMINAL) into.push(this.terminalMessage(this._s & STATUS, Number.isNaN(m.endT) ? now : m.endT));
  }
}

/** A handler is a function, or null (undefined reads as null); anything else is refused, as the
 *  projection refuses a value that is not a delegate, and takes no slot. */
function checkHandler(handler: unknown, what: string): void {
  if (handler != null && typeof handler !== 'function') throw new TypeError(`${what} must be a function or null, got ${typeof handler}`);
}

function closedError(id: number): AsyncInfoError {
  return new AsyncInfoError(E_ILLEGAL_METHOD_CALL, `operation ${id} is closed`);
}

export class AsyncOpWithProgress extends AsyncOp {
  get progress(): ProgressHandler<this, unknown> {
    this.checkOpen();
    return (this.x?.progress ?? null) as ProgressHandler<this, unknown>;
  }

  set progress(handler: ProgressHandler<this, unknown>) {
    this.checkOpen();
    checkHandler(handler, 'progress');
    this.extras().progress = handler as ProgressHandler<AsyncOp, unknown>;
  }

  /** The `report` function handed to the work (bound to the op). */
  report(value: unknown): void {
    if (!this.isRunning) return; // not delivered once canceled, finished or closed
    this.reportProgress(value);
    const handler = this.x?.progress;
    if (!handler) return;
    try {
      handler(this as AsyncOp, value);
    } catch (error) {
      reportHandlerError(error);
    }
  }
}
