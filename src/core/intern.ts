// Names, sites and stacks repeat across thousands of ops (one call site creates many), and each
// parsed message brings its own copy of them; keeping one copy per distinct string is most of
// what keeps the store small.

/**
 * Returns one shared copy per distinct string. The table is bounded (distinct strings and their
 * total length): error messages and names that embed ids ("fetch #123") never repeat, and an
 * unbounded table would keep them alive after their ops are gone. Past the bound strings are
 * stored as given.
 */
export class StringInterner {
  private readonly table = new Map<string, string>();
  private chars = 0;

  constructor(
    private readonly maxEntries = 50_000,
    private readonly maxChars = 4_000_000,
  ) {}

  intern(text: string): string;
  intern(text: string | null): string | null;
  intern(text: string | undefined): string | undefined;
  intern(text: string | null | undefined): string | null | undefined {
    if (typeof text !== 'string') return text;
    const shared = this.table.get(text);
    if (shared !== undefined) return shared;
    if (this.table.size < this.maxEntries && this.chars + text.length <= this.maxChars) {
      this.table.set(text, text);
      this.chars += text.length;
    }
    return text;
  }

  get size(): number {
    return this.table.size;
  }
}
