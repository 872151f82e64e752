// The newest terminal ops, kept for debuggers that join late, without keeping the program's
// memory hostage. A WeakRef costs about 0.6 us to make (more than a whole op), so an op enters
// the ring strongly and is turned into a WeakRef at the end of the event-loop turn, and only if
// it is still among the newest `limit` then: a burst of a million ops makes at most `limit`
// WeakRefs, and an op the program drops is collectable one turn after it ended.

export class RetainedRing<T extends object> {
  /** Oldest first from `next` on; grows up to the limit (a big limit costs nothing up front). */
  private slots: (T | WeakRef<T> | undefined)[] = [];
  private next = 0;
  private limit = 0;
  /** Strong entries added since the last weakening: the ones just before the write position. */
  private strong = 0;
  private weakenScheduled = false;

  constructor(private readonly limitNow: () => number) {}

  add(item: T): void {
    const limit = this.limitNow();
    if (limit !== this.limit) this.resize(limit);
    if (limit <= 0) return;
    const slots = this.slots;
    if (slots.length < limit) slots.push(item);
    else {
      slots[this.next] = item;
      this.next = (this.next + 1) % limit;
    }
    if (this.strong < slots.length) this.strong++;
    if (!this.weakenScheduled) {
      this.weakenScheduled = true;
      setImmediate(this.weaken).unref();
    }
  }

  /** The items still alive, oldest first. */
  *items(): Generator<T> {
    const limit = this.limitNow();
    if (limit !== this.limit) this.resize(limit);
    const n = this.slots.length;
    for (let i = 0; i < n; i++) {
      const slot = this.slots[(this.next + i) % n];
      const item = slot instanceof WeakRef ? slot.deref() : slot;
      if (item !== undefined) yield item;
    }
  }

  private readonly weaken = (): void => {
    this.weakenScheduled = false;
    const slots = this.slots;
    const n = slots.length;
    // The write position: the end while growing, else `next`; the strong entries precede it.
    const end = n < this.limit ? n : this.next;
    for (let j = 1; j <= this.strong; j++) {
      const i = (end - j + n) % n;
      const slot = slots[i];
      if (slot !== undefined && !(slot instanceof WeakRef)) slots[i] = new WeakRef(slot);
    }
    this.strong = 0;
  };

  /** The ring in its new size, keeping the newest entries. */
  private resize(limitNow: number): void {
    const limit = Number.isInteger(limitNow) && limitNow > 0 ? limitNow : 0;
    const n = this.slots.length;
    const oldestFirst: (T | WeakRef<T>)[] = [];
    for (let i = 0; i < n; i++) {
      const slot = this.slots[(this.next + i) % n];
      if (slot !== undefined) oldestFirst.push(slot);
    }
    this.slots = limit > 0 ? oldestFirst.slice(-limit) : [];
    this.next = 0;
    this.limit = limitNow;
    this.strong = this.slots.length; // weaken checks them all once
  }
}
