// The extension's record of debugged processes and their ops, fed by live channels, paused-session
// snapshots and trace files through the same protocol messages. No vscode here: the UI reads it
// through OperationStoreApi and refreshes on its coalesced change events.
import { EventEmitter } from '../common/events';
import type { AgentMessage, HelloMessage, LifecycleMessage } from '../protocol/messages';
import { isLifecycleType } from '../protocol/schema';
import { ChangeTracker } from './changeTracker';
import { StringInterner } from './intern';
import { applyLifecycle } from './lifecycle';
import type {
  OperationStoreApi, OpFilter, OpView, ProcessSource, ProcessView, RetentionPolicy, SiblingGroup, StoreChange,
} from './model';
import { FilterCache, isActive } from './opFilter';
import { RELEASED, type OpRecord } from './opRecord';
import { ProcessState } from './processState';
import { snapshotOf } from './snapshot';
import type { WarningDelays } from './warnings/rules';
import { WarningChecker } from './warnings/warningChecker';

export interface OperationStoreOptions {
  /** At most one change event per this many ms (default 250). */
  coalesceMs?: number;
  /** Default: 10,000 finished ops per process, no age limit. */
  retention?: RetentionPolicy;
  /** Wall clock in ms, for finished-op ages and warnings (tests pass their own). */
  now?: () => number;
  /** Warning thresholds; default the contract's. */
  warningDelays?: WarningDelays;
}

export const DEFAULT_RETENTION: RetentionPolicy = { maxFinished: 10_000, finishedTtlMs: 0 };

export class OperationStore implements OperationStoreApi {
  private readonly emitter = new EventEmitter<StoreChange>();
  readonly onDidChange = this.emitter.event;
  private readonly changes: ChangeTracker;
  private readonly states = new Map<string, ProcessState>();
  private readonly filterCaches = new Map<string, FilterCache>();
  private readonly strings = new StringInterner();
  private readonly warnings: WarningChecker;
  private readonly now: () => number;
  /** Finished-at times are kept relative to this, so they stay small integers. */
  private readonly startMs: number;
  private retention: RetentionPolicy;
  private ttlTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(options: OperationStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.startMs = this.now();
    this.retention = { ...(options.retention ?? DEFAULT_RETENTION) };
    this.changes = new ChangeTracker(options.coalesceMs ?? 250, (change) => this.emitter.fire(change));
    this.warnings = new WarningChecker(() => this.states.values(), this.now, options.warningDelays);
  }

  addProcess(key: string, hello: HelloMessage, source: ProcessSource, debugSessionId?: string): void {
    if (this.disposed) return;
    let state = this.states.get(key);
    if (state) {
      state.hello = hello;
      state.source = source;
      state.debugSessionId = debugSessionId;
      state.connected = source !== 'trace';
      this.warnings.rescan(state); // judged again from what it holds (a trace reloaded, a process back)
    } else {
      this.states.set(key, (state = new ProcessState(key, hello, source, debugSessionId, this.changes)));
    }
    beginSnapshot(state); // a hello is followed by the agent's snapshot
    this.processChanged(state);
  }

  apply(key: string, message: AgentMessage): void {
    const state = this.states.get(key);
    if (!state || !message || typeof message !== 'object') return;
    if ('t' in message && typeof message.t === 'number' && message.t > state.latestT) state.latestT = message.t;
    switch (message.type) {
      case 'hello': // the agent (re)connected: a snapshot follows
        state.hello = message;
        beginSnapshot(state);
        this.processChanged(state);
        return;
      case 'snapshotStart': // a resync: the whole state follows, as after hello
        beginSnapshot(state);
        state.dropped = 0; // what was lost is in the snapshot
        this.processChanged(state);
        return;
      case 'snapshotEnd':
        this.endSnapshot(state);
        return;
      case 'dropped':
        state.dropped += typeof message.count === 'number' ? message.count : 0;
        this.processChanged(state);
        return;
      case 'reply':
        return; // answers to commands: the sender awaits them, not the store
      default:
        if (isLifecycleType(message.type)) this.applyLifecycle(state, message as LifecycleMessage);
    }
  }

  replaceWithSnapshot(key: string, messages: readonly AgentMessage[]): void {
    const state = this.states.get(key);
    if (!state) return;
    beginSnapshot(state);
    for (const m of messages) {
      if (m.type === 'dropped') state.dropped += m.count;
      else if (isLifecycleType(m.type)) this.applyLifecycle(state, m as LifecycleMessage);
    }
    this.endSnapshot(state);
  }

  setConnected(key: string, connected: boolean): void {
    const state = this.states.get(key);
    if (!state || state.connected === connected) return;
    state.connected = connected;
    if (!connected) state.paused = false;
    this.warnings.rescan(state); // gone while it is away, judged afresh when it is back
    this.processChanged(state);
  }

  setPaused(key: string, paused: boolean): void {
    const state = this.states.get(key);
    if (!state || state.paused === paused) return;
    state.paused = paused;
    if (!paused) this.warnings.recheck(); // its clock runs again
    this.processChanged(state);
  }

  setEnded(key: string): void {
    const state = this.states.get(key);
    if (!state || state.ended) return;
    state.ended = true;
    state.connected = false;
    state.paused = false;
    this.warnings.clear(state); // the session is over: nothing to fix any more
    this.processChanged(state);
  }

  markReleased(key: string, id: number): void {
    const state = this.states.get(key);
    const record = state?.ops.get(id);
    if (!state || !record || record.closed || record.released) return;
    this.release(state, record, this.clockMs());
    this.trim(state);
  }

  private release(state: ProcessState, record: OpRecord, nowMs: number): void {
    record.bits |= RELEASED;
    state.markFinished(record, nowMs);
    state.changed(record);
    this.warnings.touched(state, record, false);
  }

  countMalformed(key: string): void {
    const state = this.states.get(key);
    if (!state) return;
    state.malformed++;
    this.processChanged(state);
  }

  removeProcess(key: string): void {
    if (!this.states.delete(key)) return;
    this.filterCaches.delete(key);
    this.changes.process(key);
  }

  resetProcess(key: string, hello: HelloMessage, source: ProcessSource): void {
    if (this.disposed) return;
    if (!this.states.has(key)) return this.addProcess(key, hello, source);
    this.filterCaches.delete(key);
    // Set on a key it has, a Map keeps the key's place: the process is listed where it was.
    const state = new ProcessState(key, hello, source, undefined, this.changes);
    this.states.set(key, state);
    beginSnapshot(state);
    this.processChanged(state);
  }

  processes(): ProcessView[] {
    return [...this.states.values()];
  }

  process(key: string): ProcessView | undefined {
    return this.states.get(key);
  }

  op(key: string, id: number): OpView | undefined {
    return this.states.get(key)?.ops.get(id);
  }

  forEachOp(key: string, visit: (op: OpView) => void): void {
    const state = this.states.get(key);
    if (state) for (const record of state.ops.values()) visit(record);
  }

  setWarningDelays(delays: WarningDelays): void {
    this.warnings.setDelays(delays);
  }

  /** Pops due warning deadlines now (tests; the store's own clock does it a few times a second). */
  recheckWarnings(): void {
    this.warnings.recheck();
  }

  children(key: string, parent: number | null, offset: number, limit: number, filter?: OpFilter): OpView[] {
    const state = this.states.get(key);
    if (!state || limit <= 0) return [];
    if (isActive(filter)) {
      const start = Math.max(0, offset);
      return this.filterCache(key).children(state, parent, filter).slice(start, start + limit);
    }
    const list = parent === null ? state.roots : state.ops.get(parent)?.children;
    return list ? list.page(offset, limit) : [];
  }

  childCount(key: string, parent: number | null, filter?: OpFilter): number {
    const state = this.states.get(key);
    if (!state) return 0;
    if (isActive(filter)) return this.filterCache(key).children(state, parent, filter).length;
    const list = parent === null ? state.roots : state.ops.get(parent)?.children;
    return list?.size ?? 0;
  }

  siblingGroups(key: string, parent: number | null, min: number, hideFinished = false): SiblingGroup[] {
    const state = this.states.get(key);
    return state ? this.filterCache(key).groups(state, parent, min, hideFinished) : [];
  }

  clearFinished(key?: string): void {
    for (const state of key === undefined ? this.states.values() : [this.states.get(key)]) state?.clearFinished();
  }

  setRetention(policy: RetentionPolicy): void {
    this.retention = { ...policy };
    this.trimAll();
  }

  /** Fires pending changes now (tests; a UI that just became visible). */
  flushChanges(): void {
    this.changes.flush();
  }

  /** A process's ops as the agent's snapshot messages, oldest first: what a recorder started
   *  mid-session writes after the process's hello. Progress and cancel times are not kept: they
   *  carry the op's creation or end time. */
  snapshotMessages(key: string): LifecycleMessage[] {
    const state = this.states.get(key);
    return state ? snapshotOf(state) : [];
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.ttlTimer) clearTimeout(this.ttlTimer);
    this.ttlTimer = undefined;
    this.warnings.dispose();
    this.changes.dispose();
    this.emitter.dispose();
    this.states.clear();
    this.filterCaches.clear();
  }

  private applyLifecycle(state: ProcessState, message: LifecycleMessage): void {
    const finishedBefore = state.finishedCount;
    applyLifecycle(state, message, this.strings, this.clock, (state.touch ??= (record, started) => this.warnings.touched(state, record, started)));
    if (state.finishedCount > finishedBefore) this.trim(state);
  }

  private endSnapshot(state: ProcessState): void {
    const epoch = state.epoch;
    if (!epoch) return;
    state.epoch = undefined;
    const nowMs = this.clockMs();
    // The snapshot lists every op the program still tracks: it let go of the others meanwhile
    // (closed them, or dropped and collected them: it does not say which).
    for (const record of state.ops.values()) {
      if (record.seq >= epoch.firstNewSeq || epoch.seen.has(record.id) || record.closed || record.released) continue;
      this.release(state, record, nowMs);
    }
    this.trim(state);
  }

  private trim(state: ProcessState): void {
    state.trim(this.retention, this.ttlNowMs());
    this.armTtlTimer();
  }

  private trimAll(): void {
    const nowMs = this.ttlNowMs();
    for (const state of this.states.values()) state.trim(this.retention, nowMs);
    this.armTtlTimer();
  }

  /** The clock, when ages matter (reading it for every finished op costs a tenth of ingest). */
  private ttlNowMs(): number {
    return this.retention.finishedTtlMs > 0 ? this.clockMs() : 0;
  }

  /** One timer for the whole store, due when the oldest finished op expires. */
  private armTtlTimer(): void {
    if (this.ttlTimer || this.disposed || this.retention.finishedTtlMs <= 0) return;
    let oldest = Infinity;
    for (const state of this.states.values()) oldest = Math.min(oldest, state.oldestFinishedAt() ?? Infinity);
    if (oldest === Infinity) return;
    const delay = Math.max(0, oldest + this.retention.finishedTtlMs - this.clockMs()) + 1;
    this.ttlTimer = setTimeout(() => {
      this.ttlTimer = undefined;
      this.trimAll();
    }, delay);
    this.ttlTimer.unref();
  }

  private clockMs(): number {
    return this.now() - this.startMs;
  }

  private readonly clock = (): number => this.clockMs();

  private processChanged(state: ProcessState): void {
    state.version++;
    this.changes.process(state.key);
  }

  private filterCache(key: string): FilterCache {
    let cache = this.filterCaches.get(key);
    if (!cache) this.filterCaches.set(key, (cache = new FilterCache()));
    return cache;
  }
}

function beginSnapshot(state: ProcessState): void {
  state.epoch = { firstNewSeq: state.nextSeq, seen: new Set() };
}
