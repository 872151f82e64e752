// Splits a byte stream into NDJSON lines, refusing any line longer than MAX_LINE_BYTES without
// ever holding more than that limit of it in memory.
import { MAX_LINE_BYTES } from './messages';

export interface LineSink {
  line(text: string): void;
  /** A line over the limit was skipped whole; `bytes` is how long it was up to now. */
  tooLong(bytes: number): void;
}

export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private skipping = false;
  private skipped = 0;

  constructor(private readonly sink: LineSink, private readonly limit = MAX_LINE_BYTES) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) {
        this.keep(chunk.subarray(start));
        return;
      }
      this.keep(chunk.subarray(start, nl));
      this.endLine();
      start = nl + 1;
    }
  }

  private keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.skipping) {
      this.skipped += bytes.length;
      return;
    }
    if (this.partBytes + bytes.length > this.limit) {
      this.skipping = true;
      this.skipped = this.partBytes + bytes.length;
      this.parts = [];
      this.partBytes = 0;
      return;
    }
    this.parts.push(bytes);
    this.partBytes += bytes.length;
  }

  private endLine(): void {
    if (this.skipping) {
      this.skipping = false;
      this.sink.tooLong(this.skipped);
      this.skipped = 0;
      return;
    }
    const text = (this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.partBytes)).toString('utf8');
    this.parts = [];
    this.partBytes = 0;
    if (text.trim() !== '') this.sink.line(text.endsWith('\r') ? text.slice(0, -1) : text);
  }

  /** Bytes of an unfinished last line (a truncated stream when the peer has gone). */
  get pendingBytes(): number {
    return this.skipping ? this.skipped : this.partBytes;
  }
}
