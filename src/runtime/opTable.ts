// The Started ops, found by id at once (a debugger's cancel/close must not walk them all), at
// about the memory the intrusive list it replaces cost (two fields, 16 bytes per op): one array
// slot per op at a load of 3/8 to 3/4, so 11-21 bytes per op, no allocation per op, and no key
// object (a Map would cost 30-60 bytes per entry, ids past 2^31 boxed on top).
//
// Open addressing with linear probing. Ids are mostly consecutive, but a program may keep every
// n-th op alive, so slots come from a multiplicative (Fibonacci) hash, which spreads any stride.
// Removal shifts the entries after the hole back (no tombstones), so probes stay short forever.

export interface Keyed {
  readonly _id: number;
}

const MIN_BITS = 6; // 64 slots
const GOLDEN = 0x9e3779b1;

export class OpTable<T extends Keyed> {
  private slots: (T | null)[];
  private bits = MIN_BITS;
  private mask = (1 << MIN_BITS) - 1;
  private count = 0;

  constructor() {
    this.slots = emptySlots(1 << MIN_BITS);
  }

  get size(): number {
    return this.count;
  }

  add(item: T): void {
    if ((this.count + 1) * 4 > this.slots.length * 3) this.rehash(this.bits + 1);
    this.place(item);
    this.count++;
  }

  get(id: number): T | undefined {
    const slots = this.slots;
    const mask = this.mask;
    for (let i = this.home(id); ; i = (i + 1) & mask) {
      const item = slots[i];
      if (item === null) return undefined;
      if (item._id === id) return item;
    }
  }

  /** Removes `item` (by identity); a no-op when it is not here. */
  delete(item: T): void {
    const slots = this.slots;
    const mask = this.mask;
    let hole = this.home(item._id);
    for (;;) {
      const at = slots[hole];
      if (at === null) return;
      if (at === item) break;
      hole = (hole + 1) & mask;
    }
    // Backward shift: move each later entry of the cluster into the hole unless its home lies
    // cyclically in (hole, j], where it must stay to remain reachable.
    for (let j = (hole + 1) & mask; ; j = (j + 1) & mask) {
      const next = slots[j];
      if (next === null) break;
      const home = this.home(next._id);
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      slots[hole] = next;
      hole = j;
    }
    slots[hole] = null;
    this.count--;
    // Give memory back after a burst: an eighth full halves the table (then a quarter full).
    if (this.bits > MIN_BITS && this.count * 8 < this.slots.length) this.rehash(this.bits - 1);
  }

  forEach(visit: (item: T) => void): void {
    for (const item of this.slots) if (item !== null) visit(item);
  }

  private home(id: number): number {
    return Math.imul(id, GOLDEN) >>> (32 - this.bits);
  }

  private place(item: T): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = this.home(item._id);
    while (slots[i] !== null) i = (i + 1) & mask;
    slots[i] = item;
  }

  private rehash(bits: number): void {
    const old = this.slots;
    this.bits = bits;
    this.mask = (1 << bits) - 1;
    this.slots = emptySlots(1 << bits);
    for (const item of old) if (item !== null) this.place(item);
  }
}

/** Packed (no holes): V8 then never checks the prototype chain for a missing slot. */
function emptySlots(n: number): null[] {
  const slots: null[] = [];
  for (let i = 0; i < n; i++) slots.push(null);
  return slots;
}
