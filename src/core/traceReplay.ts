// Replay of an opened trace: the state of a process at any moment of its recording, as the
// lifecycle messages that rebuild it. Moments are the trace's lifecycle events in stream order;
// a moment's time is the latest `t` seen up to it (snapshot lines repeat older times, so the raw
// `t` is not monotonic). Rebuilding from the start for every step would cost the whole trace, so
// the fold is saved at checkpoints, each no more than `interval` events apart: a state costs one
// checkpoint copy plus at most `interval` events. The interval grows with the number of ops, so
// the checkpoints together hold a few times the ops, never events x ops.
import type { LifecycleMessage } from '../protocol/messages';
import { isLifecycleType } from '../protocol/schema';
import type { TraceProcess } from './traceFile';

/** What an op has said up to a moment: the latest message of each kind (references, not copies). */
type Slot = [created: LifecycleMessage, progress?: LifecycleMessage, cancel?: LifecycleMessage, terminal?: LifecycleMessage, closed?: LifecycleMessage];

const MIN_INTERVAL = 4096;

export class TraceReplay {
  private readonly events: LifecycleMessage[] = [];
  /** Per event: the latest time seen up to it (non-decreasing, for binary search). */
  private readonly times: Float64Array;
  /** Made on the first state asked for: opening a trace costs nothing until the cursor moves. */
  private checkpointList: { index: number; slots: Map<number, Slot> }[] | undefined;
  private readonly interval: number;

  constructor(process: Pick<TraceProcess, 'messages'>, interval?: number) {
    for (const m of process.messages) if (isLifecycleType(m.type)) this.events.push(m as LifecycleMessage);
    this.times = new Float64Array(this.events.length);
    let latest = -Infinity;
    const ids = new Set<number>();
    this.events.forEach((m, i) => {
      latest = Math.max(latest, m.t);
      this.times[i] = latest;
      ids.add(m.id);
    });
    this.interval = Math.max(1, interval ?? Math.max(MIN_INTERVAL, ids.size));
  }

  /** One pass over the trace, saving the fold every `interval` events. */
  private get checkpoints(): { index: number; slots: Map<number, Slot> }[] {
    if (this.checkpointList) return this.checkpointList;
    const list: { index: number; slots: Map<number, Slot> }[] = [];
    const slots = new Map<number, Slot>();
    for (let i = 0; i < this.events.length; i++) {
      if (i % this.interval === 0) list.push({ index: i - 1, slots: copySlots(slots) });
      fold(slots, this.events[i]);
    }
    this.checkpointList = list;
    return list;
  }

  /** Lifecycle events in the trace: moments are 0 .. count-1 (-1: before the first). */
  get count(): number {
    return this.events.length;
  }

  /** The time of a moment, in the process's microseconds (the time of the first event for -1). */
  timeOf(index: number): number {
    if (this.count === 0) return 0;
    return this.times[Math.max(0, Math.min(index, this.count - 1))];
  }

  get startT(): number {
    return this.timeOf(0);
  }

  get endT(): number {
    return this.timeOf(this.count - 1);
  }

  /** The last moment at or before `t` (-1 when `t` is before the first event). */
  indexAt(t: number): number {
    let lo = 0;
    let hi = this.count; // first index with time > t
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  event(index: number): LifecycleMessage | undefined {
    return this.events[index];
  }

  /** Messages that rebuild the state after the event at `index` (inclusive), in creation order.
   *  The checkpoint is read, not copied: the events after it fold into an overlay of the slots
   *  they touch. */
  stateAt(index: number): LifecycleMessage[] {
    const last = Math.max(-1, Math.min(index, this.count - 1));
    const checkpoints = this.checkpoints;
    const checkpoint = checkpoints[Math.floor((last + 1) / this.interval)] ?? checkpoints[checkpoints.length - 1];
    const base = checkpoint?.slots ?? new Map<number, Slot>();
    const overlay = new Map<number, Slot>();
    const slotOf = (id: number): Slot | undefined => {
      let slot = overlay.get(id);
      if (!slot) {
        const saved = base.get(id);
        if (saved) overlay.set(id, (slot = [...saved] as Slot));
      }
      return slot;
    };
    for (let i = (checkpoint?.index ?? -1) + 1; i <= last; i++) {
      const m = this.events[i];
      if (m.type === 'created') {
        if (!base.has(m.id) && !overlay.has(m.id)) overlay.set(m.id, [m]);
      } else {
        const slot = slotOf(m.id);
        if (slot) foldInto(slot, m);
      }
    }
    const out: LifecycleMessage[] = [];
    for (const [id, saved] of base) for (const m of overlay.get(id) ?? saved) if (m) out.push(m);
    for (const [id, slot] of overlay) if (!base.has(id)) for (const m of slot) if (m) out.push(m);
    return out;
  }

  /** The events after `from` up to `to` (inclusive): moving forward a little costs only these. */
  eventsBetween(from: number, to: number): LifecycleMessage[] {
    return this.events.slice(Math.max(0, from + 1), Math.max(0, to + 1));
  }
}

function fold(slots: Map<number, Slot>, m: LifecycleMessage): void {
  if (m.type === 'created') {
    if (!slots.has(m.id)) slots.set(m.id, [m]);
    return;
  }
  const slot = slots.get(m.id);
  if (slot) foldInto(slot, m); // else an op the trace never introduced: the store ignores it too
}

function foldInto(slot: Slot, m: LifecycleMessage): void {
  switch (m.type) {
    case 'progress':
      slot[1] = m;
      break;
    case 'cancelRequested':
      slot[2] ??= m;
      break;
    case 'completed':
    case 'canceled':
    case 'error':
      slot[3] ??= m;
      break;
    case 'closed':
      slot[4] ??= m;
      break;
  }
}

function copySlots(slots: Map<number, Slot>): Map<number, Slot> {
  const copy = new Map<number, Slot>();
  for (const [id, slot] of slots) copy.set(id, [...slot] as Slot);
  return copy;
}
