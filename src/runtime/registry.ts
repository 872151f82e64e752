// The ops this runtime copy tracks, for late-joining clients and commands by id. Started ops sit
// in an intrusive list (two fields per op, no allocation); terminal ops are remembered in a
// bounded ring of WeakRefs (see retainedRing.ts), and only while someone listens, so the program
// can still collect any op it dropped.
import type { CommandResult, OpSource } from '../protocol/hub';
import type { LifecycleMessage } from '../protocol/messages';
import type { RuntimeHub } from './hub';
import { RetainedRing } from './retainedRing';

/** What the registry needs of an op; implemented by AsyncOp. */
export interface TrackedOp {
  readonly _id: number;
  _prev: TrackedOp | null;
  _next: TrackedOp | null;
  readonly _closed: boolean;
  _snapshot(into: LifecycleMessage[], now: number): void;
  _tryCancel(): CommandResult;
  _tryClose(): CommandResult;
}

export class OpRegistry implements OpSource {
  private head: TrackedOp | null = null;
  private tail: TrackedOp | null = null;
  private readonly ring: RetainedRing<TrackedOp>;

  constructor(hub: RuntimeHub, private readonly now: () => number) {
    this.ring = new RetainedRing(() => hub.settings.retainTerminal);
  }

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

  /** Remembers a terminal op for late joiners (only called while someone listens). */
  retain(op: TrackedOp): void {
    this.ring.add(op);
  }

  /** Retained ops still alive and not closed, oldest first. */
  private *retained(): Generator<TrackedOp> {
    for (const op of this.ring.items()) if (!op._closed) yield op;
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
    return this.find(id)?._tryCancel();
  }

  close(id: number): CommandResult | undefined {
    return this.find(id)?._tryClose();
  }
}
