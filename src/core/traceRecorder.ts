// Records the streams of one or more processes into a trace file while the user debugs. Lines are
// batched and written asynchronously: recording must never stall the extension host. Each
// process's hello goes in verbatim; every other line gets `"proc": <pid>` so a multi-process
// recording says which process a line belongs to.
import { createWriteStream, type WriteStream } from 'node:fs';
import { EventEmitter } from '../common/events';
import { encodeLine } from '../protocol/codec';
import type { AgentMessage } from '../protocol/messages';

export interface TraceRecorderOptions {
  /** Buffered lines are written at least this often (default 100 ms). */
  flushMs?: number;
  /** Add to an existing file instead of replacing it. */
  append?: boolean;
}

/** Buffered text past which a write starts at once rather than on the timer. */
const WRITE_AT_CHARS = 64 * 1024;

export class TraceRecorder {
  private stream: WriteStream | undefined;
  private file: string | undefined;
  private buffer: string[] = [];
  private bufferedChars = 0;
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  private readonly failed = new EventEmitter<Error>();
  /** The file could not be written; recording has stopped taking lines. */
  readonly onDidFail = this.failed.event;

  constructor(private readonly options: TraceRecorderOptions = {}) {}

  get recording(): boolean {
    return this.stream !== undefined;
  }

  get path(): string | undefined {
    return this.file;
  }

  /** Opens the file; resolves once it is open, rejects when it cannot be. */
  async start(file: string): Promise<void> {
    if (this.stream) throw new Error(`already recording to ${this.file}`);
    this.failure = undefined;
    const stream = createWriteStream(file, { flags: this.options.append ? 'a' : 'w' });
    this.stream = stream;
    this.file = file;
    stream.on('error', (error) => this.fail(error));
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (error) => {
        this.stream = undefined;
        reject(error);
      });
    });
  }

  /** Queues one message of process `pid`; a hello should come before that process's messages. */
  write(pid: number, message: AgentMessage): void {
    if (!this.stream || this.failure) return;
    const line = encodeLine(message);
    // encodeLine ends every object with `}\n`: add the process before the closing brace
    const text = message.type === 'hello' ? line : `${line.slice(0, -2)},"proc":${pid}}\n`;
    this.buffer.push(text);
    this.bufferedChars += text.length;
    if (this.bufferedChars >= WRITE_AT_CHARS) this.writeBuffered();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.writeBuffered(), this.options.flushMs ?? 100);
      this.timer.unref();
    }
  }

  /** Writes what is buffered and closes the file; every line written before stop is in it. */
  async stop(): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    this.writeBuffered();
    this.stream = undefined;
    await new Promise<void>((resolve) => {
      if (stream.closed) return resolve();
      stream.once('close', () => resolve()); // after the last write reached the file and it was closed
      stream.end();
    });
    const failure = this.failure;
    if (failure) throw failure;
  }

  dispose(): void {
    void this.stop().catch(() => undefined);
    this.failed.dispose();
  }

  private writeBuffered(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0 || !this.stream || this.failure) return;
    const text = this.buffer.join('');
    this.buffer = [];
    this.bufferedChars = 0;
    this.stream.write(text);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.buffer = [];
    this.bufferedChars = 0;
    this.failed.fire(error);
  }
}
