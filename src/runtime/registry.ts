// The ops this runtime copy tracks, for late-joining clients and commands by id. Started ops sit
// in a table keyed by id (see opTable.ts: found at once, about 16 bytes per op, no allocation);
// terminal ops are remembered in a bounded ring of WeakRefs indexed by id (see retainedRing.ts),
// and only while someone listens, so the program can still collect any op it dropped.
import type { CommandResult, OpSource } from '../protocol/hub';
import type { LifecycleMessage } from '../protocol/messages';
import type { RuntimeHub } from './hub';
import { OpTable } from './opTable';
import { RetainedRing } from './retainedRing';

/** What the registry needs of an op; implemented by AsyncOp. */
export interface TrackedOp {
  readonly _id: number;
  readonly _closed: boolean;
  _snapshot(into: LifecycleMessage[], now: number): void;
  _tryCancel(): CommandResult;
  _tryClose(): CommandResult;
}

export class OpRegistry implements OpSource {
  private readonly started = new OpTable<TrackedOp>();
  private readonly ring: RetainedRing<TrackedOp>;

  constructor(hub: RuntimeHub, private readonly now: () => number) {
    // An op closed by the end of its turn (`await op; op.close()`) is in no snapshot and takes no
    // command: it leaves the ring then, without the WeakRef (about 0.6 µs) an op kept for late joiners costs.
    this.ring = new RetainedRing(() => hub.settings.retainTerminal, (op) => op._id, (op) => !op._closed);
  }

  link(op: TrackedOp): void {
    this.started.add(op);
  }

  unlink(op: TrackedOp): void {
    this.started.delete(op);
  }

  /** Remembers a terminal op for late joiners (only called while someone listens). */
  retain(op: TrackedOp): void {
    this.ring.add(op);
  }

  find(id: number): TrackedOp | undefined {
    const op = this.started.get(id) ?? this.ring.get(id);
    return op && !op._closed ? op : undefined;
  }

  snapshot(into: LifecycleMessage[]): void {
    const now = this.now();
    const ops: TrackedOp[] = [];
    for (const op of this.ring.items()) if (!op._closed) ops.push(op);
    this.started.forEach((op) => ops.push(op));
    ops.sort((a, b) => a._id - b._id);
    for (const op of ops) op._snapshot(into, now);
  }

  cancel(id: number): CommandResult | undefined {
    return this.find(id)?._tryCancel();
  }

  close(id: number): CommandResult | undefined {
    return this.find(id)?._tryClose();
  }
}
