// The ops this runtime copy tracks, for late-joining clients and commands by id. Started ops sit
// in an intrusive list (two fields per op, no allocation); terminal ops are remembered through
// WeakRefs in a bounded ring, and only while someone listens, so the program can still collect
// any op it dropped.
import type { CommandResult, OpSource } from '../protocol/hub';
import type { LifecycleMessage } from '../protocol/messages';
import { NOT_FOUND } from '../protocol/messages';
import type { RuntimeHub } from './hub';

/** What the registry needs of an op; implemented by AsyncOp. */
export interface TrackedOp {
  readonly _id: number;
  _prev: TrackedOp | null;
  _next: TrackedOp | null;
  readonly _closed: boolean;
  _snapshot(into: LifecycleMessage[], now: number): void;
  _cancelFrom(source: 'client' | 'program'): void;
  _tryClose(): CommandResult;
}

export class OpRegistry implements OpSource {
  private head: TrackedOp | null = null;
  private tail: TrackedOp | null = null;
  private ring: (WeakRef<TrackedOp> | undefined)[] = [];
  private ringNext = 0;

  constructor(private readonly hub: RuntimeHub, private readonly now: () => number) {}

  link(op: TrackedOp): void {
    op._prev = this.tail;
    if (this.tail) this.tail._next = op;
    else this.head = op;
    this.tail = op;
  }

  unlink(op: TrackedOp): void {
    const { _prev: prev, _next: next } = op;
    if (prev) prev._next = next;
    else if (this.head === op) this.head = next;
    if (next) next._prev = prev;
    else if (this.tail === op) this.tail = prev;
    op._prev = op._next = null;
  }

  /** Remembers a terminal op for late joiners, weakly, dropping the oldest past the limit. */
  retain(op: TrackedOp): void {
    const limit = this.hub.settings.retainTerminal;
    if (this.ring.length !== limit) this.resizeRing(limit);
    if (limit <= 0) return;
    this.ring[this.ringNext] = new WeakRef(op);
    this.ringNext = (this.ringNext + 1) % limit;
  }

  /** The ring in a new size, oldest first, keeping the newest entries. */
  private resizeRing(limit: number): void {
    const oldestFirst = [...this.ring.slice(this.ringNext), ...this.ring.slice(0, this.ringNext)].filter((r) => r !== undefined);
    const kept = limit > 0 ? oldestFirst.slice(-limit) : [];
    this.ring = kept.length < limit ? [...kept, ...new Array<undefined>(limit - kept.length)] : kept;
    this.ringNext = kept.length % Math.max(limit, 1);
  }

  /** Retained ops still alive and not closed, oldest first. */
  private *retained(): Generator<TrackedOp> {
    const limit = this.hub.settings.retainTerminal;
    if (this.ring.length !== limit) this.resizeRing(limit);
    const n = this.ring.length;
    for (let i = 0; i < n; i++) {
      const op = this.ring[(this.ringNext + i) % n]?.deref();
      if (op && !op._closed) yield op;
    }
  }

  private *live(): Generator<TrackedOp> {
    for (let op = this.head; op; op = op._next) yield op;
  }

  find(id: number): TrackedOp | undefined {
    for (const op of this.live()) if (op._id === id) return op;
    for (const op of this.retained()) if (op._id === id) return op;
    return undefined;
  }

  snapshot(into: LifecycleMessage[]): void {
    const now = this.now();
    const ops = [...this.retained(), ...this.live()].sort((a, b) => a._id - b._id);
    for (const op of ops) op._snapshot(into, now);
  }

  cancel(id: number): CommandResult | undefined {
    const op = this.find(id);
    if (!op) return undefined;
    op._cancelFrom('client');
    return { ok: true };
  }

  close(id: number): CommandResult | undefined {
    return this.find(id)?._tryClose();
  }

  static notFound(id: number): CommandResult {
    return { ok: false, code: NOT_FOUND, message: `no live operation with id ${id}` };
  }
}
