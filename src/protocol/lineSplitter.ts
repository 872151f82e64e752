// Splits a byte stream into NDJSON lines, refusing lines longer than a limit without ever holding
// more than the limit: the agent uses it on commands, the extension on the agent's stream.
import { MAX_LINE_BYTES } from './messages';

export interface LineHandlers {
  /** A complete line, decoded as UTF-8 (invalid bytes become U+FFFD), without `\n` or a final `\r`; never empty. */
  line(text: string): void;
  /** A line grew past the limit: called once, as soon as it does; its bytes up to the next `\n` are discarded. */
  tooLong(): void;
}

export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private discarding = false;

  constructor(private readonly handlers: LineHandlers, private readonly maxBytes = MAX_LINE_BYTES) {}

  /** Bytes held for the current, unfinished line (at most the limit, and a `\r`). */
  get bufferedBytes(): number {
    return this.partBytes;
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl === -1 ? chunk.length : nl;
      if (!this.discarding) this.append(chunk, start, end);
      if (nl === -1) return;
      if (this.discarding) this.discarding = false;
      else this.emit();
      start = nl + 1;
    }
  }

  private append(chunk: Buffer, start: number, end: number): void {
    if (end === start) return;
    // One byte of slack, for a `\r` that may be the first half of a CRLF line end (not part of the line).
    const bytes = this.partBytes + (end - start);
    if (bytes > this.maxBytes + 1 || (bytes === this.maxBytes + 1 && chunk[end - 1] !== 13)) {
      this.parts = [];
      this.partBytes = 0;
      this.discarding = true;
      this.handlers.tooLong();
      return;
    }
    this.parts.push(chunk.subarray(start, end));
    this.partBytes += end - start;
  }

  private emit(): void {
    const bytes = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.partBytes);
    this.parts = [];
    this.partBytes = 0;
    let text = bytes.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() !== '') this.handlers.line(text);
  }
}
