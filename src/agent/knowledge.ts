// Which ops a receiver has been told of, so it is never sent `closed` for one it never saw: a
// terminal op the runtime stopped tracking (past the retained bound) is in no snapshot, yet the
// program may close it later. A receiver knows the ops of its last snapshot, and every op created
// after it (their `created` went out live, or was dropped and counted, which the client repairs
// with a resync). Costs 4 bytes per op in the snapshot, per receiver; nothing per live event.
import type { LifecycleMessage } from '../protocol/messages';

export class Knowledge {
  private readonly ids: Uint32Array;
  private readonly last: number;

  /** `snapshot`: the messages the receiver was just sent; `lastId`: the newest op id known to exist then. */
  constructor(snapshot: readonly LifecycleMessage[], lastId: number) {
    let n = 0;
    for (const m of snapshot) if (m.type === 'created') n++;
    const ids = new Uint32Array(n);
    let i = 0;
    let last = lastId;
    for (const m of snapshot) {
      if (m.type !== 'created') continue;
      ids[i++] = m.id;
      if (isAfter(m.id, last)) last = m.id;
    }
    this.ids = ids.sort();
    this.last = last;
  }

  knows(id: number): boolean {
    return isAfter(id, this.last) || this.inSnapshot(id);
  }

  private inSnapshot(id: number): boolean {
    const ids = this.ids;
    let lo = 0;
    let hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (ids[mid] === id) return true;
      if (ids[mid] < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

/** Ids count up modulo 2^32: `id` came after `than` when it is less than 2^31 ahead. */
export function isAfter(id: number, than: number): boolean {
  const ahead = (id - than) >>> 0;
  return ahead !== 0 && ahead < 0x80000000;
}
