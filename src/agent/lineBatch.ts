// The agent's batch of event lines, written as UTF-8 bytes as each event happens. Building a text
// and having the socket encode it cost the program about three times more (the joined text is a
// rope that is flattened, then encoded, then collected): the hot messages' lines are written here
// byte by byte from their fields, with the exact bytes `encodeLine` gives (a test holds them to it).
import { encodeLine, isJsonNumber, keyCount } from '../protocol/codec';
import { OP_KINDS, type AgentMessage } from '../protocol/messages';

/** Bytes of a chunk: lines are written into it until full, so one allocation serves many batches. */
const CHUNK_BYTES = 128 * 1024;
/** Names and sites whose JSON bytes are kept, and the longest kept: they repeat across ops (at most
 *  about 400 KB, in the worst case of every one 256 characters that each take 3 bytes). */
const MAX_CACHED = 512;
const MAX_CACHED_CHARS = 256;

const ascii = (text: string): Uint8Array => Buffer.from(text, 'latin1');
const TERMINAL_HEADS: Record<string, Uint8Array> = {
  completed: ascii('{"type":"completed","id":'),
  canceled: ascii('{"type":"canceled","id":'),
  closed: ascii('{"type":"closed","id":'),
};
const CREATED_HEAD = ascii('{"type":"created","id":');
const T = ascii(',"t":');
const KIND_THEN_NAME = new Map(OP_KINDS.map((kind) => [kind, ascii(`,"kind":"${kind}","name":`)]));
const PARENT = ascii(',"parent":');
const SITE = ascii(',"site":');
const NULL = ascii('null');
const END = ascii('}\n');
/** Room a fast line needs besides its name and site: its fixed text (about 110 bytes at most) and
 *  three numbers as long as JavaScript prints them (24 characters, as in -2.2250738585072014e-308). */
const FAST_LINE_BYTES = 200;

export class LineBatch {
  private chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  private start = 0;
  private pos = 0;
  /** Parts of this batch in earlier chunks (a line did not fit), in order. */
  private parts: Buffer[] = [];
  private partBytes = 0;
  private readonly json = new Map<string, Uint8Array>();
  /** Lines in the batch. */
  count = 0;

  /** Bytes in the batch. */
  get length(): number {
    return this.partBytes + this.pos - this.start;
  }

  /** Appends the message's line (with its `\n`); throws, adding nothing, where `encodeLine` would. */
  add(msg: AgentMessage): void {
    if (!this.addFast(msg)) this.addText(encodeLine(msg));
    this.count++;
  }

  /** The batch's bytes, and an empty batch. The bytes are never written again: they may be shared. */
  take(): Buffer {
    let out = this.chunk.subarray(this.start, this.pos);
    if (this.parts.length > 0) {
      this.parts.push(out);
      out = Buffer.concat(this.parts, this.partBytes + out.length);
      this.parts = [];
      this.partBytes = 0;
    }
    this.start = this.pos;
    this.count = 0;
    return out;
  }

  private addText(line: string): void {
    const need = line.length * 3; // UTF-8 takes at most 3 bytes per UTF-16 unit
    this.room(need <= CHUNK_BYTES ? need : Buffer.byteLength(line));
    this.pos += this.chunk.write(line, this.pos, 'utf8');
  }

  /** The line of a hot message written from its fields (each read once, before any byte is
   *  written: a line is whole or absent); false (nothing written) for any other. */
  private addFast(msg: AgentMessage): boolean {
    switch (msg.type) {
      case 'completed':
      case 'canceled':
      case 'closed': {
        const { id, t } = msg;
        if (keyCount(msg) !== 3 || !isJsonNumber(id) || !isJsonNumber(t)) return false;
        this.room(FAST_LINE_BYTES);
        this.put(TERMINAL_HEADS[msg.type]);
        this.number(id);
        this.put(T);
        this.number(t);
        this.put(END);
        return true;
      }
      case 'created': {
        const { id, t, kind, name, parent, site } = msg;
        const kindThenName = KIND_THEN_NAME.get(kind);
        if (kindThenName === undefined || keyCount(msg) !== 7 || !isJsonNumber(id) || !isJsonNumber(t)
          || typeof name !== 'string' || (parent !== null && !isJsonNumber(parent)) || (site !== null && typeof site !== 'string')) return false;
        const nameJson = this.jsonOf(name);
        const siteJson = site === null ? NULL : this.jsonOf(site);
        this.room(FAST_LINE_BYTES + nameJson.length + siteJson.length);
        this.put(CREATED_HEAD);
        this.number(id);
        this.put(T);
        this.number(t);
        this.put(kindThenName);
        this.put(nameJson);
        this.put(PARENT);
        if (parent === null) this.put(NULL);
        else this.number(parent);
        this.put(SITE);
        this.put(siteJson);
        this.put(END);
        return true;
      }
      default:
        return false;
    }
  }

  /** At least `bytes` free after the batch: a new chunk when this one is short (the batch so far stays a part). */
  private room(bytes: number): void {
    if (this.chunk.length - this.pos >= bytes) return;
    if (this.pos > this.start) {
      this.parts.push(this.chunk.subarray(this.start, this.pos));
      this.partBytes += this.pos - this.start;
    }
    this.chunk = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, bytes));
    this.start = this.pos = 0;
  }

  private put(bytes: Uint8Array): void {
    const chunk = this.chunk;
    let pos = this.pos;
    for (let i = 0; i < bytes.length; i++) chunk[pos++] = bytes[i];
    this.pos = pos;
  }

  /** A JSON number as JSON.stringify prints it: digits for the safe non-negative integers (ids and times). */
  private number(n: number): void {
    if (n >= 0 && n <= Number.MAX_SAFE_INTEGER && Math.floor(n) === n) {
      // In int32 halves: V8 divides an int32 by 10 with a multiply, a double by 10 with a division.
      if (n < 1e8) return this.digits(n | 0);
      const high = Math.floor(n / 1e8); // below 1e8 too, as n is a safe integer
      this.digits(high | 0);
      this.eightDigits((n - high * 1e8) | 0);
      return;
    }
    this.pos += this.chunk.write(String(n), this.pos, 'latin1');
  }

  /** `n`: an int32 from 0 to 99,999,999. */
  private digits(n: number): void {
    const count = n < 1e4 ? (n < 100 ? (n < 10 ? 1 : 2) : n < 1000 ? 3 : 4) : n < 1e6 ? (n < 1e5 ? 5 : 6) : n < 1e7 ? 7 : 8;
    const chunk = this.chunk;
    let p = (this.pos += count);
    do {
      const q = (n / 10) | 0;
      chunk[--p] = 48 + n - q * 10;
      n = q;
    } while (n > 0);
  }

  /** `n`: an int32 from 0 to 99,999,999, zero-padded to eight digits. */
  private eightDigits(n: number): void {
    const chunk = this.chunk;
    let p = (this.pos += 8);
    for (let i = 0; i < 8; i++) {
      const q = (n / 10) | 0;
      chunk[--p] = 48 + n - q * 10;
      n = q;
    }
  }

  /** The UTF-8 bytes of a string's JSON text: kept for strings that repeat (names, sites), within a bound. */
  private jsonOf(text: string): Uint8Array {
    const cached = this.json.get(text);
    if (cached !== undefined) return cached;
    const bytes = Buffer.from(JSON.stringify(text), 'utf8');
    if (text.length <= MAX_CACHED_CHARS) {
      if (this.json.size >= MAX_CACHED) this.json.clear();
      this.json.set(text, bytes);
    }
    return bytes;
  }
}
