// AsyncInfo.observe: a shim over a foreign IAsyncInfo (a Windows Runtime projection's op). The shim
// is an op of this runtime, so it keeps the whole contract; it takes the foreign op's single
// `completed` slot (and its `progress` slot) and carries cancel() and close() back to it.
import { AsyncInfoError, AsyncStatus, E_FAIL, E_ILLEGAL_DELEGATE_ASSIGNMENT, errorCodeOf, messageOf } from './errors';
import { getHub } from './hub';
import { checkAsyncInfo, checkOptions, kindOption, nameOption } from './inputs';
import { AsyncOp, AsyncOpWithProgress, KINDS, Kind } from './operation';
import { FOREIGN_CANCELED, boundedAttributes, remoteWork, tryRead, type Attributes, type Remote } from './remote';

/** The members of a foreign IAsyncInfo the shim uses. */
interface ForeignInfo {
  readonly id: unknown;
  readonly status: unknown;
  readonly errorCode: unknown;
  completed: unknown;
  progress?: unknown;
  cancel(): void;
  close(): void;
  getResults(): unknown;
}

const hub = getHub();
/**
 * How a shim is found again: the completed handler it put in the foreign op's slot knows it (by
 * this key, shared by every copy). A projection whose getter hands back a wrapper instead of that
 * function gets a hub WeakMap entry: about a microsecond and GC work, so only where needed. The
 * foreign object itself is never written to.
 */
const SHIM = Symbol.for('asyncinfo.shim.v1');

type CompletedHandler = ((sender: unknown, status: unknown) => void) & { [SHIM]?: AsyncOp };

function knownShim(info: object, handler: unknown): AsyncOp | undefined {
  return (typeof handler === 'function' && (handler as CompletedHandler)[SHIM]) || hub.shims.get(info) as AsyncOp | undefined;
}

class ObservedRemote implements Remote {
  readonly source = 'observed' as const;
  readonly canCancel = true;
  private readonly promise: Promise<unknown>;
  private resolve!: (value: unknown) => void;
  private reject!: (error: unknown) => void;
  private report: ((value: unknown) => void) | undefined = undefined;
  private ended = false;
  /** True while the slot is being taken: a foreign op that had finished fires then. */
  private taking = true;
  /** What the shim put in the foreign op's completed slot. */
  readonly handler: CompletedHandler;
  /** Set when the foreign op had already finished: it fired while its slot was being taken. */
  early: { ok: boolean; value: unknown } | undefined = undefined;

  /** Takes the foreign op's slots; throws (taking nothing) when `completed` is already set. */
  constructor(private readonly info: ForeignInfo, current: unknown, withProgress: boolean) {
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (current != null) throw slotTaken();
    this.handler = (_sender: unknown, status: unknown) => this.foreignCompleted(status);
    try {
      info.completed = this.handler;
    } catch (error) {
      if (isDelegateAssignmentError(error)) throw slotTaken();
      throw error; // the foreign op's own refusal (closed, say): nothing was taken
    } finally {
      this.taking = false;
    }
    // Progress handlers are replaceable: the program sets its own on the shim.
    if (withProgress) info.progress = (_sender: unknown, value: unknown) => this.report?.(value);
  }

  get attributes(): Attributes | undefined {
    const id = tryRead(() => this.info.id);
    return typeof id === 'number' ? boundedAttributes({ foreignId: id }) : undefined;
  }

  begin(report: ((value: unknown) => void) | undefined): PromiseLike<unknown> {
    this.report = report;
    return this.promise;
  }

  cancel(): void {
    this.info.cancel();
  }

  close(): void {
    this.info.close();
    // A closed foreign op never fires: a shim closed while its cancel was pending ends canceled now.
    this.end(true, FOREIGN_CANCELED);
  }

  private foreignCompleted(status: unknown): void {
    if (this.ended) return; // a foreign op that fires twice is not believed twice
    const info = this.info;
    const s = typeof status === 'number' ? status : tryRead(() => info.status);
    let ok = true;
    let value: unknown;
    if (s === AsyncStatus.Completed) {
      try {
        value = info.getResults();
      } catch (error) {
        ok = false;
        value = error;
      }
    } else if (s === AsyncStatus.Canceled) {
      value = FOREIGN_CANCELED;
    } else {
      ok = false;
      value = s === AsyncStatus.Error ? foreignError(info) : new Error(`the observed operation completed with status ${String(s)}`);
    }
    if (this.taking) this.early = { ok, value };
    this.end(ok, value);
  }

  private end(ok: boolean, value: unknown): void {
    if (this.ended) return;
    this.ended = true;
    if (ok) this.resolve(value);
    else this.reject(value);
    this.report = undefined;
  }
}

/** The foreign op's error: what its getResults() throws, carrying its errorCode. */
function foreignError(info: ForeignInfo): unknown {
  const code = tryRead(() => info.errorCode);
  const failure = typeof code === 'number' && Number.isInteger(code) && code < 0 ? code : E_FAIL;
  try {
    info.getResults();
  } catch (thrown) {
    if (errorCodeOf(thrown) === failure) return thrown;
    const error = new AsyncInfoError(failure, messageOf(thrown));
    (error as Error & { cause?: unknown }).cause = thrown;
    return error;
  }
  return new AsyncInfoError(failure, `the observed operation failed with 0x${(failure >>> 0).toString(16).toUpperCase()}`);
}

function isDelegateAssignmentError(error: unknown): boolean {
  const e = error as { number?: unknown; hresult?: unknown; code?: unknown } | null;
  return e != null && (e.number === E_ILLEGAL_DELEGATE_ASSIGNMENT || e.hresult === E_ILLEGAL_DELEGATE_ASSIGNMENT
    || e.code === 'E_ILLEGAL_DELEGATE_ASSIGNMENT');
}

function slotTaken(): AsyncInfoError {
  return new AsyncInfoError(E_ILLEGAL_DELEGATE_ASSIGNMENT,
    'the operation already has a completed handler: observe it before setting a handler, and set handlers on the shim');
}

/** See operation-sources.md §2. Checks everything before it makes or takes anything. */
export function observeInfo(info: unknown, options: unknown, factory: Function): AsyncOp {
  checkAsyncInfo(info);
  const given = checkOptions('AsyncInfo.observe', options);
  const name = nameOption('AsyncInfo.observe', given);
  const kindName = kindOption(given);
  if (info instanceof AsyncOp) return info; // already an op of this runtime
  const foreign = info as unknown as ForeignInfo;
  const current = foreign.completed;
  const known = knownShim(foreign, current);
  if (known !== undefined) return known;
  const kind: Kind = kindName !== undefined ? KINDS.indexOf(kindName) : 'progress' in foreign ? Kind.OperationWithProgress : Kind.Operation;
  const withProgress = kind === Kind.ActionWithProgress || kind === Kind.OperationWithProgress;
  const remote = new ObservedRemote(foreign, current, withProgress);
  const op = withProgress
    ? new AsyncOpWithProgress(kind, remoteWork, name ?? KINDS[kind], factory, remote) as AsyncOp
    : new AsyncOp(kind, remoteWork, name ?? KINDS[kind], factory, remote);
  remote.handler[SHIM] = op;
  if (foreign.completed !== remote.handler) hub.shims.set(foreign, op);
  if (remote.early !== undefined) op._settleNow(remote.early.ok, remote.early.value);
  return op;
}
