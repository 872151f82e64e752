// The newest terminal ops, kept for debuggers that join late, without keeping the program's
// memory hostage. A WeakRef costs about 0.6 us to make (more than a whole op), so an op enters
// the ring strongly and is turned into a WeakRef at the end of the event-loop turn, and only if
// it is still among the newest `limit` then: a burst of a million ops makes at most `limit`
// WeakRefs, and an op the program drops is collectable one turn after it ended.

export class RetainedRing<T extends object> {
  private slots: (T | WeakRef<T> | undefined)[] = [];
  private next = 0;
  private weakenScheduled = false;

  constructor(private readonly limitNow: () => number) {}

  add(item: T): void {
    if (this.slots.length !== this.limitNow()) this.resize();
    const limit = this.slots.length;
    if (limit === 0) return;
    this.slots[this.next] = item;
    this.next = (this.next + 1) % limit;
    if (!this.weakenScheduled) {
      this.weakenScheduled = true;
      setImmediate(this.weaken).unref();
    }
  }

  /** The items still alive, oldest first. */
  *items(): Generator<T> {
    if (this.slots.length !== this.limitNow()) this.resize();
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
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i];
      if (slot !== undefined && !(slot instanceof WeakRef)) slots[i] = new WeakRef(slot);
    }
  };

  /** The ring in its new size, keeping the newest entries. */
  private resize(): void {
    const limit = Math.max(0, this.limitNow());
    const oldestFirst = [...this.slots.slice(this.next), ...this.slots.slice(0, this.next)].filter((s) => s !== undefined);
    const kept = limit > 0 ? oldestFirst.slice(-limit) : [];
    this.slots = kept.length < limit ? [...kept, ...new Array<undefined>(limit - kept.length)] : kept;
    this.next = limit > 0 ? kept.length % limit : 0;
  }
}
