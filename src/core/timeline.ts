// What the timeline draws of one process: each op's bar (creation to end, open while pending),
// status and marks. Folded from lifecycle messages (a trace whole, or a live stream), or seeded
// from the store's view of ops that existed before the timeline opened. Plain data: it crosses
// to the webview as JSON.
import type { LifecycleMessage } from '../protocol/messages';
import type { OpStatusName, OpView } from './model';

export interface TimelineOp {
  readonly id: number;
  readonly parent: number | null;
  readonly name: string;
  /** Microseconds since the process's `hello.timeOrigin`. */
  readonly start: number;
  /** Null while pending: the bar runs to the process's latest time. */
  end: number | null;
  status: OpStatusName;
  /** When a cancel was requested (null: never). */
  cancelT: number | null;
  /** When progress was reported: the latest MAX_PROGRESS_MARKS only (a chatty op stays bounded). */
  progressT: number[];
  readonly site: string | null;
}

export const MAX_PROGRESS_MARKS = 64;

/** Ops of one process as the timeline draws them, with the ids changed since last taken. */
export class TimelineBuilder {
  private readonly ops = new Map<number, TimelineOp>();
  private readonly changed = new Set<number>();
  private readonly removed = new Set<number>();
  /** The latest time the process has reached (pending bars end here). */
  latestT = 0;

  get size(): number {
    return this.ops.size;
  }

  apply(m: LifecycleMessage): void {
    this.latestT = Math.max(this.latestT, m.t);
    if (m.type === 'created') {
      if (this.ops.has(m.id)) return; // repeated by a snapshot
      this.ops.set(m.id, { id: m.id, parent: m.parent, name: m.name, start: m.t, end: null, status: 'Started', cancelT: null, progressT: [], site: m.site });
      this.touch(m.id);
      return;
    }
    const op = this.ops.get(m.id);
    if (!op) return;
    switch (m.type) {
      case 'progress':
        if (op.progressT.length > 0 && op.progressT[op.progressT.length - 1] >= m.t) return; // a snapshot's repeat
        op.progressT.push(m.t);
        if (op.progressT.length > MAX_PROGRESS_MARKS) op.progressT.shift();
        break;
      case 'cancelRequested':
        if (op.cancelT !== null) return;
        op.cancelT = m.t;
        break;
      case 'completed':
      case 'canceled':
      case 'error':
        if (op.end !== null) return;
        op.end = m.t;
        op.status = m.type === 'completed' ? 'Completed' : m.type === 'canceled' ? 'Canceled' : 'Error';
        break;
      default:
        return; // closed: the bar ends at the op's end, not at its release
    }
    this.touch(m.id);
  }

  /** An op the store knew before the timeline listened: its marks' times are not known, so a
   *  cancel request shows at the op's end (or its start while pending). */
  seed(op: OpView): void {
    const known = this.ops.get(op.id);
    // Ended once it has an end time; a cancel request alone (the store reads it Canceled while the
    // work still runs) keeps the bar open and Started, with its cancel mark, as a trace folds it.
    const end = op.endT ?? null;
    const status = end === null ? 'Started' : op.status;
    if (known && known.end === end && known.status === status && (known.cancelT !== null) === op.cancelRequested) return;
    this.ops.set(op.id, {
      id: op.id, parent: op.parent, name: op.name, start: op.createdT, end, status,
      cancelT: known?.cancelT ?? (op.cancelRequested ? (end ?? op.createdT) : null), progressT: known?.progressT ?? [], site: op.site,
    });
    this.latestT = Math.max(this.latestT, end ?? op.createdT);
    this.touch(op.id);
  }

  /** The store dropped it (retention, Clear Finished): the timeline lets it go too. */
  remove(id: number): void {
    if (!this.ops.delete(id)) return;
    this.changed.delete(id);
    this.removed.add(id);
  }

  has(id: number): boolean {
    return this.ops.has(id);
  }

  all(): TimelineOp[] {
    return [...this.ops.values()];
  }

  /** What changed since the last call: ops to add or replace, ids to drop. */
  takeChanges(): { upserts: TimelineOp[]; removed: number[] } {
    const upserts: TimelineOp[] = [];
    for (const id of this.changed) {
      const op = this.ops.get(id);
      if (op) upserts.push(op);
    }
    const removed = [...this.removed];
    this.changed.clear();
    this.removed.clear();
    return { upserts, removed };
  }

  private touch(id: number): void {
    this.removed.delete(id);
    this.changed.add(id);
  }
}

export interface LaneLayout {
  /** Op ids, one per lane, top to bottom. */
  readonly ids: number[];
  /** Nesting depth of each lane's op (0: a root). */
  readonly depths: number[];
}

/**
 * One lane per op: roots (and ops whose parent is not known) in creation order, each op's
 * children right below it, also in creation order. Iterative, so a chain 100,000 deep lays out
 * without recursion; an op caught in a parent cycle (a malformed stream) still gets its lane.
 */
export function layoutLanes(ops: readonly Pick<TimelineOp, 'id' | 'parent' | 'start'>[]): LaneLayout {
  const byStart = [...ops].sort((a, b) => a.start - b.start || a.id - b.id);
  const known = new Set(byStart.map((op) => op.id));
  const children = new Map<number | null, number[]>();
  for (const op of byStart) {
    const parent = op.parent !== null && op.parent !== op.id && known.has(op.parent) ? op.parent : null;
    let list = children.get(parent);
    if (!list) children.set(parent, (list = []));
    list.push(op.id);
  }
  const ids: number[] = [];
  const depths: number[] = [];
  const placed = new Set<number>();
  const walk = (root: number, depth: number) => {
    const stack: [number, number][] = [[root, depth]];
    while (stack.length > 0) {
      const [id, d] = stack.pop()!;
      if (placed.has(id)) continue;
      placed.add(id);
      ids.push(id);
      depths.push(d);
      const kids = children.get(id);
      if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i], d + 1]);
    }
  };
  for (const root of children.get(null) ?? []) walk(root, 0);
  for (const op of byStart) if (!placed.has(op.id)) walk(op.id, 0); // cycles: no root reaches them
  return { ids, depths };
}
