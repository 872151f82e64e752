// The newest terminal ops, kept for debuggers that join late, without keeping the program's
// memory hostage. A WeakRef costs about 0.6 us to make (more than a whole op), so an op enters
// the ring strongly and is turned into a WeakRef at the end of the event-loop turn, and only if
// it is still among the newest `limit` then: a burst of a million ops makes at most `limit`
// WeakRefs, and an op the program drops is collectable one turn after it ended. One nobody wants
// any more by then (closed) just leaves.
// Finding an item by key (a debugger's close) uses an index from key to slot that is brought up
// to date only when asked: adding an op costs one array write, and a Map is paid for only by
// programs somebody sends commands to.

export class RetainedRing<T extends object> {
  /** Oldest first from `next` on; grows up to the limit (a big limit costs nothing up front). */
  private slots: (T | WeakRef<T> | undefined)[] = [];
  /** The key of each slot's item (known even when the item is gone). */
  private keys: number[] = [];
  private readonly slotOf = new Map<number, number>();
  /** Items added since the index was last brought up to date: the newest ones. */
  private unindexed = 0;
  private next = 0;
  private limit = 0;
  /** Strong entries added since the last weakening: the ones just before the write position. */
  private strong = 0;
  private weakenScheduled = false;

  constructor(
    private readonly limitNow: () => number,
    private readonly keyOf: (item: T) => number,
    /** False for an item nobody will ask for any more (a closed op): it leaves instead of being weakened. */
    private readonly wanted: (item: T) => boolean = () => true,
  ) {}

  add(item: T): void {
    const limit = this.limitNow();
    if (limit !== this.limit) this.resize(limit);
    if (limit <= 0) return;
    const slots = this.slots;
    if (slots.length < limit) {
      slots.push(item);
      this.keys.push(this.keyOf(item));
    } else {
      slots[this.next] = item;
      this.keys[this.next] = this.keyOf(item);
      this.next = (this.next + 1) % limit;
    }
    this.unindexed++;
    if (this.strong < slots.length) this.strong++;
    if (!this.weakenScheduled) {
      this.weakenScheduled = true;
      setImmediate(this.weaken).unref();
    }
  }

  /** The item with this key, if it is still here and alive. */
  get(key: number): T | undefined {
    const limit = this.limitNow();
    if (limit !== this.limit) this.resize(limit);
    this.index();
    const i = this.slotOf.get(key);
    if (i === undefined || this.keys[i] !== key) return undefined; // gone, or its slot reused since
    const slot = this.slots[i];
    return slot instanceof WeakRef ? slot.deref() : slot;
  }

  private index(): void {
    const n = this.slots.length;
    if (this.unindexed === 0 || n === 0) return;
    // Entries of reused slots linger in the map until it is rebuilt; at twice the ring, it is.
    const rebuild = this.unindexed >= n || this.slotOf.size > 2 * n;
    if (rebuild) this.slotOf.clear();
    // Oldest first, so a key added twice ends up naming its newest slot.
    const count = rebuild ? n : this.unindexed;
    const end = n < this.limit ? n : this.next; // the write position
    for (let j = count; j >= 1; j--) {
      const i = (end - j + n) % n;
      this.slotOf.set(this.keys[i], i);
    }
    this.unindexed = 0;
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
      if (slot !== undefined && !(slot instanceof WeakRef)) slots[i] = this.wanted(slot) ? new WeakRef(slot) : undefined;
    }
    this.strong = 0;
  };

  /** The ring in its new size, keeping the newest entries. */
  private resize(limitNow: number): void {
    const limit = Number.isInteger(limitNow) && limitNow > 0 ? limitNow : 0;
    const n = this.slots.length;
    const oldestFirst: (T | WeakRef<T>)[] = [];
    const oldestKeys: number[] = [];
    for (let i = 0; i < n; i++) {
      const j = (this.next + i) % n;
      const slot = this.slots[j];
      if (slot !== undefined) {
        oldestFirst.push(slot);
        oldestKeys.push(this.keys[j]);
      }
    }
    this.slots = limit > 0 ? oldestFirst.slice(-limit) : [];
    this.keys = limit > 0 ? oldestKeys.slice(-limit) : [];
    this.slotOf.clear();
    this.unindexed = this.slots.length; // indexed again on the next get
    this.next = 0;
    this.limit = limitNow;
    this.strong = this.slots.length; // weaken checks them all once
  }
}
