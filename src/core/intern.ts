// Names, sites and stacks repeat across thousands of ops (one call site creates many), and each
// parsed message brings its own copy of them; keeping one copy per distinct string is most of
// what keeps the store small.

/** Returns one shared copy per distinct string, up to `maxEntries` distinct strings (then as given). */
export class StringInterner {
  private readonly table = new Map<string, string>();

  constructor(private readonly maxEntries = 100_000) {}

  intern(text: string): string;
  intern(text: string | null): string | null;
  intern(text: string | undefined): string | undefined;
  intern(text: string | null | undefined): string | null | undefined {
    if (typeof text !== 'string') return text;
    const shared = this.table.get(text);
    if (shared !== undefined) return shared;
    // Unbounded tables would leak when names embed ids ("fetch #123"): stop sharing, not storing.
    if (this.table.size < this.maxEntries) this.table.set(text, text);
    return text;
  }

  get size(): number {
    return this.table.size;
  }
}
