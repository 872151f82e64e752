// Lanes for the Chrome trace export: ops become slices on "threads" (lanes) of their process, and
// a lane's slices must nest or follow each other. An op goes on top of its parent when the parent
// is the innermost slice open in its lane at the child's start and outlasts it, so nesting in a
// lane always means parent and child; any other op takes a lane that is free by then (the one free
// the longest), or a new one. One pass in start order, a heap of lanes by when they free up.
import type { OpHistory } from './opHistory';

interface Lane {
  readonly index: number;
  /** Slice ends (Infinity: still pending), outermost first. */
  readonly open: { id: number; end: number }[];
  /** When the outermost slice ends: the lane is free from then on. */
  busyUntil: number;
}

export interface LaneLayout {
  /** Lane (0-based) of each op. */
  readonly laneOf: Map<number, number>;
  readonly count: number;
}

/** The ops (in any order) in the fewest lanes this greedy pass finds, children on their parents. */
export function assignLanes(ops: readonly OpHistory[]): LaneLayout {
  const order = [...ops].sort((a, b) => a.createdT - b.createdT || a.id - b.id);
  const lanes: Lane[] = [];
  const laneOf = new Map<number, Lane>();
  const free = new LaneHeap();
  for (const op of order) {
    const start = op.createdT;
    const end = op.endT ?? Infinity;
    let lane = op.parent === null ? undefined : laneOf.get(op.parent);
    if (lane) {
      while (lane.open.length > 0 && lane.open[lane.open.length - 1].end <= start) lane.open.pop(); // ended by now
      const top = lane.open[lane.open.length - 1];
      if (!top || top.id !== op.parent || top.end < end) lane = undefined;
    }
    if (!lane) {
      lane = free.takeFreeBy(start) ?? newLane(lanes);
      lane.open.length = 0;
      lane.busyUntil = end;
      free.push(lane);
    }
    lane.open.push({ id: op.id, end });
    laneOf.set(op.id, lane);
  }
  const result = new Map<number, number>();
  for (const [id, lane] of laneOf) result.set(id, lane.index);
  return { laneOf: result, count: lanes.length };
}

function newLane(lanes: Lane[]): Lane {
  const lane: Lane = { index: lanes.length, open: [], busyUntil: Infinity };
  lanes.push(lane);
  return lane;
}

/** Min-heap of (busyUntil, index); entries go stale when a lane is taken again and are skipped. */
class LaneHeap {
  private readonly items: { at: number; lane: Lane }[] = [];

  push(lane: Lane): void {
    if (lane.busyUntil === Infinity) return; // a pending op's lane never frees up
    this.items.push({ at: lane.busyUntil, lane });
    this.up(this.items.length - 1);
  }

  /** The lane free the longest by `time`, taken out of the heap; undefined when none is free. */
  takeFreeBy(time: number): Lane | undefined {
    while (this.items.length > 0) {
      const top = this.items[0];
      if (top.at !== top.lane.busyUntil) { this.pop(); continue; } // stale
      if (top.at > time) return undefined;
      this.pop();
      return top.lane;
    }
    return undefined;
  }

  private less(i: number, j: number): boolean {
    const a = this.items[i];
    const b = this.items[j];
    return a.at < b.at || (a.at === b.at && a.lane.index < b.lane.index);
  }

  private pop(): void {
    const last = this.items.pop()!;
    if (this.items.length === 0) return;
    this.items[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.items.length && this.less(l, m)) m = l;
      if (r < this.items.length && this.less(r, m)) m = r;
      if (m === i) return;
      [this.items[i], this.items[m]] = [this.items[m], this.items[i]];
      i = m;
    }
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) return;
      [this.items[i], this.items[p]] = [this.items[p], this.items[i]];
      i = p;
    }
  }
}
