// A binary min-heap of (due, item): the clock-driven checker pops only what is due, so a recheck
// costs the ops whose deadline passed, not every live op. Deadlines mostly arrive in order (an
// op's creation time plus a fixed delay), so a push usually stops at once.
export class DeadlineHeap<T> {
  private dues: number[] = [];
  private items: T[] = [];

  get size(): number {
    return this.dues.length;
  }

  /** The earliest due, or undefined when empty. */
  peek(): number | undefined {
    return this.dues[0];
  }

  push(due: number, item: T): void {
    const dues = this.dues;
    const items = this.items;
    let i = dues.length;
    dues.push(due);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (dues[parent] <= due) break;
      dues[i] = dues[parent];
      items[i] = items[parent];
      i = parent;
    }
    dues[i] = due;
    items[i] = item;
  }

  /** Removes and returns the earliest item if it is due at `now`. */
  popDue(now: number): T | undefined {
    const dues = this.dues;
    if (dues.length === 0 || dues[0] > now) return undefined;
    const top = this.items[0];
    const lastDue = dues.pop()!;
    const lastItem = this.items.pop()!;
    if (dues.length > 0) this.siftDown(lastDue, lastItem);
    return top;
  }

  clear(): void {
    this.dues = [];
    this.items = [];
  }

  private siftDown(due: number, item: T): void {
    const dues = this.dues;
    const items = this.items;
    const n = dues.length;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && dues[child + 1] < dues[child]) child++;
      if (dues[child] >= due) break;
      dues[i] = dues[child];
      items[i] = items[child];
      i = child;
    }
    dues[i] = due;
    items[i] = item;
  }
}
