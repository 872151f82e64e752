// One process's ops: the id index, the tree (children in creation order, orphans at the root
// until their parent appears), and the queue of finished ops that retention trims.
import type { HelloMessage } from '../protocol/messages';
import { ChildList } from './childList';
import type { ProcessSource, ProcessView, RetentionPolicy } from './model';
import { COUNTED_FINISHED, NESTED, OpRecord, WAITING, warningBitCount } from './opRecord';
import type { Touch } from './lifecycle';
import { DeadlineHeap } from './warnings/deadlineHeap';

/** Where structural and per-op changes are reported (the store's change tracker). */
export interface ChangeSink {
  op(key: string, id: number): void;
  process(key: string): void;
}

/** While a snapshot is being applied: which ops that existed before it the snapshot repeated. */
interface SnapshotEpoch {
  readonly firstNewSeq: number;
  readonly seen: Set<number>;
}

export class ProcessState implements ProcessView {
  readonly ops = new Map<number, OpRecord>();
  readonly roots = new ChildList();
  /** Reported parent id -> ops waiting at the root for it to appear. */
  private readonly waiting = new Map<number, OpRecord[]>();
  private finishedQueue: OpRecord[] = [];
  private finishedHead = 0;
  finishedCount = 0;
  /** Warnings holding now over all ops (the checker keeps it; dropping an op takes its share). */
  warningCount = 0;
  /** When timed warnings of its ops come due (µs on its clock): the checker's. */
  readonly deadlines = new DeadlineHeap<OpRecord>();
  /** Tells the store's warning checker what a message changed (made once per process). */
  touch: Touch | undefined = undefined;
  nextSeq = 0;
  /** Bumped on every change; filter caches are valid for one version. */
  version = 0;
  dropped = 0;
  malformed = 0;
  latestT = 0;
  connected: boolean;
  paused = false;
  ended = false;
  epoch: SnapshotEpoch | undefined;

  constructor(
    readonly key: string,
    public hello: HelloMessage,
    public source: ProcessSource,
    public debugSessionId: string | undefined,
    private readonly changes: ChangeSink,
  ) {
    this.connected = source !== 'trace';
  }

  get pendingCount(): number {
    return this.ops.size - this.finishedCount;
  }

  get opCount(): number {
    return this.ops.size;
  }

  changed(record: OpRecord): void {
    this.version++;
    this.changes.op(this.key, record.id);
  }

  /** Adds a new op under its parent (or at the root) and adopts the ops that were waiting for it. */
  insert(record: OpRecord): void {
    this.ops.set(record.id, record);
    this.place(record);
    const orphans = this.waiting.get(record.id);
    if (orphans) {
      this.waiting.delete(record.id);
      for (const orphan of orphans) {
        orphan.bits &= ~WAITING;
        this.roots.remove(orphan);
        this.place(orphan);
      }
    }
    this.changed(record);
  }

  /** Moves an op whose reported parent changed (a placeholder filled in by its `created`). */
  reparent(record: OpRecord, parent: number | null): void {
    this.unplace(record);
    record.parent = parent;
    this.place(record);
    this.changed(record);
  }

  /** Removes an op; its children move to the root for good (a later op reusing the id is not their parent). */
  drop(record: OpRecord): void {
    if (this.ops.get(record.id) !== record) return;
    this.ops.delete(record.id);
    this.unplace(record);
    if (record.bits & COUNTED_FINISHED) this.finishedCount--;
    this.warningCount -= warningBitCount(record.bits);
    const children = record.children;
    if (children) {
      record.children = undefined;
      const moved = children.toArray();
      for (const child of moved) {
        child.bits &= ~NESTED;
        this.changes.op(this.key, child.id);
      }
      this.roots.addAll(moved);
    }
    this.changed(record);
  }

  markFinished(record: OpRecord, nowMs: number): void {
    if (record.bits & COUNTED_FINISHED) return;
    record.bits |= COUNTED_FINISHED;
    record.finishedAt = nowMs;
    this.finishedCount++;
    this.finishedQueue.push(record);
  }

  /** Drops the oldest finished ops beyond the policy's count, and those past its age. */
  trim(policy: RetentionPolicy, nowMs: number): void {
    const expiredBefore = policy.finishedTtlMs > 0 ? nowMs - policy.finishedTtlMs : -Infinity;
    while (this.finishedHead < this.finishedQueue.length) {
      const oldest = this.finishedQueue[this.finishedHead];
      if (this.ops.get(oldest.id) === oldest && this.finishedCount <= policy.maxFinished && oldest.finishedAt > expiredBefore) break;
      this.finishedHead++;
      this.drop(oldest); // no-op for records already dropped or replaced
    }
    this.compactQueue();
  }

  /** Store-clock time the oldest retained finished op finished, if any. */
  oldestFinishedAt(): number | undefined {
    for (let i = this.finishedHead; i < this.finishedQueue.length; i++) {
      const r = this.finishedQueue[i];
      if (this.ops.get(r.id) === r) return r.finishedAt;
    }
    return undefined;
  }

  clearFinished(): void {
    for (let i = this.finishedHead; i < this.finishedQueue.length; i++) this.drop(this.finishedQueue[i]);
    this.finishedQueue = [];
    this.finishedHead = 0;
  }

  private place(record: OpRecord): void {
    const parentId = record.parent;
    const parent = parentId === null || parentId === record.id ? undefined : this.ops.get(parentId);
    // Only an op with children of its own can be above its would-be parent (a cycle): a new op has
    // none, so a chain 40,000 deep is placed without walking it (a walk per op made it quadratic).
    if (parent && (!record.children || !this.isAncestor(record, parent))) {
      record.bits |= NESTED;
      if (parent.children) parent.children.add(record);
      else (parent.children = new ChildList()).add(record);
      this.changed(parent);
      return;
    }
    if (parentId !== null && !parent) {
      record.bits |= WAITING;
      const list = this.waiting.get(parentId);
      if (list) list.push(record);
      else this.waiting.set(parentId, [record]);
    }
    this.roots.add(record);
    this.changes.op(this.key, record.id);
  }

  private unplace(record: OpRecord): void {
    if (record.bits & NESTED) {
      record.bits &= ~NESTED;
      const parent = this.ops.get(record.parent!);
      if (parent?.children) {
        parent.children.remove(record);
        if (parent.children.size === 0) parent.children = undefined;
        this.changed(parent);
      }
      return;
    }
    this.roots.remove(record);
    if (record.bits & WAITING) {
      record.bits &= ~WAITING;
      const list = this.waiting.get(record.parent!);
      const i = list ? list.indexOf(record) : -1;
      if (i >= 0) list!.splice(i, 1);
      if (list && list.length === 0) this.waiting.delete(record.parent!);
    }
  }

  /** True when `candidate` is `record` or nested (transitively) under it: nesting would make a cycle. */
  private isAncestor(record: OpRecord, candidate: OpRecord): boolean {
    for (let at: OpRecord | undefined = candidate; at; ) {
      if (at === record) return true;
      at = at.bits & NESTED ? this.ops.get(at.parent!) : undefined;
    }
    return false;
  }

  private compactQueue(): void {
    const queued = this.finishedQueue.length - this.finishedHead;
    if (queued > 2 * this.finishedCount + 1024) {
      // entries of ops dropped another way (clearFinished, a reused id) pile up: keep the live ones
      this.finishedQueue = this.finishedQueue.slice(this.finishedHead).filter((r) => this.ops.get(r.id) === r);
      this.finishedHead = 0;
    } else if (this.finishedHead > 1024 && this.finishedHead * 2 > this.finishedQueue.length) {
      this.finishedQueue = this.finishedQueue.slice(this.finishedHead);
      this.finishedHead = 0;
    }
  }
}
