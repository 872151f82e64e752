// The children of one parent (or a process's roots) in creation order. Chunked, so paging to
// child 90,000 of 100,000 skips whole chunks and removing one child shifts at most one chunk,
// instead of copying or splicing a 100,000-entry array on every page or drop.
import type { OpRecord } from './opRecord';

const CHUNK_SIZE = 512;

export class ChildList {
  private chunks: OpRecord[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Inserts in creation (`seq`) order; appending, the common case, is O(1). */
  add(record: OpRecord): void {
    this.count++;
    const last = this.chunks[this.chunks.length - 1];
    if (!last) {
      this.chunks = [[record]]; // exact-size literals: most parents have a child or two
      return;
    }
    if (last[last.length - 1].seq < record.seq) {
      if (last.length < CHUNK_SIZE) last.push(record);
      else this.chunks.push([record]);
      return;
    }
    const c = this.chunkFor(record.seq);
    const chunk = this.chunks[c];
    chunk.splice(lowerBound(chunk, record.seq), 0, record);
    if (chunk.length > 2 * CHUNK_SIZE) this.chunks.splice(c + 1, 0, chunk.splice(CHUNK_SIZE));
  }

  /** Adds many records; `records` need not be sorted. */
  addAll(records: readonly OpRecord[]): void {
    if (records.length === 0) return;
    if (records.length < 64) {
      for (const r of records) this.add(r);
      return;
    }
    const merged = mergeBySeq(this.toArray(), [...records].sort((a, b) => a.seq - b.seq));
    this.chunks = [];
    for (let i = 0; i < merged.length; i += CHUNK_SIZE) this.chunks.push(merged.slice(i, i + CHUNK_SIZE));
    this.count = merged.length;
  }

  remove(record: OpRecord): boolean {
    if (this.count === 0) return false;
    const c = this.chunkFor(record.seq);
    const chunk = this.chunks[c];
    const i = lowerBound(chunk, record.seq);
    if (chunk[i] !== record) return false;
    chunk.splice(i, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(c, 1);
    return true;
  }

  /** Up to `limit` records from `offset`, in order: O(chunks + limit). */
  page(offset: number, limit: number): OpRecord[] {
    const out: OpRecord[] = [];
    let skip = Math.max(0, offset);
    for (const chunk of this.chunks) {
      if (out.length >= limit) break;
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      const end = Math.min(chunk.length, skip + limit - out.length);
      for (let i = skip; i < end; i++) out.push(chunk[i]);
      skip = 0;
    }
    return out;
  }

  forEach(visit: (record: OpRecord) => void): void {
    for (const chunk of this.chunks) for (const r of chunk) visit(r);
  }

  toArray(): OpRecord[] {
    return this.chunks.length === 1 ? this.chunks[0].slice() : ([] as OpRecord[]).concat(...this.chunks);
  }

  /** Index of the chunk that holds (or would hold) `seq`. */
  private chunkFor(seq: number): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunks[mid][0].seq <= seq) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

function lowerBound(chunk: readonly OpRecord[], seq: number): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (chunk[mid].seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function mergeBySeq(a: readonly OpRecord[], b: readonly OpRecord[]): OpRecord[] {
  const out: OpRecord[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i].seq < b[j].seq ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}
