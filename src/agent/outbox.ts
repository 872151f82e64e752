// One receiver's queue (a client connection or the trace file): one write in flight at a time,
// everything that arrives meanwhile joined into the next write, and a bound on live events, so a
// receiver that reads slowly costs the program dropped events, never memory or time.

/**
 * Most text (in UTF-16 code units, about bytes for this ASCII-heavy format) of live events held for
 * one receiver, the write in flight included. Past it, events are dropped and counted until the
 * receiver has caught up; then `dropped` says how many. Snapshot, replies and `dropped` itself are
 * never dropped (the snapshot is bounded by the ops the runtime tracks, replies by reading no more
 * commands while the receiver is behind).
 */
export const MAX_BUFFERED_CHARS = 1024 * 1024;

/**
 * Writes `text`; calls `done` once it is handed over (or failed: then nothing more is written).
 * `early`: live events only, which may count as handed over once the kernel has them, even before
 * Node says so (a snapshot stays in flight until written: resyncs meanwhile share it).
 */
export type WriteFn = (text: string, done: (error?: unknown) => void, early: boolean) => void;

export class Outbox {
  private queue: string[] = [];
  private queuedChars = 0;
  private inFlightChars = 0;
  private droppedCount = 0;
  private closed = false;
  /** The queue holds text that must arrive (snapshot, replies), not only live events. */
  private queueHasSends = false;
  private behind = false;
  private busy = false;
  /** Most text ever held at once, for the stats. */
  maxBufferedChars = 0;
  /** Writes finished so far: a write in flight that does not move this is stuck. */
  writesDone = 0;
  /** Events dropped over this receiver's life. */
  totalDropped = 0;
  /** Text taken for writing and text written, over the receiver's life: marks to tell what has gone out. */
  acceptedChars = 0;
  writtenChars = 0;

  constructor(
    private readonly write: WriteFn,
    private readonly now: () => number,
    /** Told when the receiver falls behind (true) and catches up (false): stop reading its commands meanwhile. */
    private readonly onBehind: (behind: boolean) => void = () => {},
    /** Told when a write starts with nothing in flight (false) and when everything is written (true). */
    private readonly onIdle: (idle: boolean) => void = () => {},
  ) {}

  get bufferedChars(): number {
    return this.queuedChars + this.inFlightChars;
  }

  get writing(): boolean {
    return this.inFlightChars > 0;
  }

  /** Live events (`count` of them): dropped when the receiver is behind. */
  events(text: string, count: number): void {
    if (this.closed) return;
    if (this.droppedCount > 0 || this.bufferedChars + text.length > MAX_BUFFERED_CHARS) {
      this.droppedCount += count;
      this.totalDropped += count;
      return;
    }
    this.enqueue(text, true);
  }

  /** Text that must arrive: hello, snapshot, replies. */
  send(text: string): void {
    this.enqueue(text, false);
  }

  private enqueue(text: string, live: boolean): void {
    if (this.closed) return;
    this.acceptedChars += text.length;
    if (this.inFlightChars === 0) this.start(text, live);
    else {
      this.queue.push(text);
      this.queuedChars += text.length;
      if (!live) this.queueHasSends = true;
      this.track();
    }
  }

  /** Nothing more will be written (the receiver is gone). */
  close(): void {
    this.closed = true;
    this.queue = [];
    this.queuedChars = 0;
    this.queueHasSends = false;
  }

  /** What is queued and not yet written, taken out (for a last synchronous write at exit). */
  takeQueued(): string {
    const text = this.queue.join('');
    this.queue = [];
    this.queuedChars = 0;
    this.queueHasSends = false;
    return text;
  }

  /** At process exit: the queue, and how many events were dropped after it, for one last write. */
  takeRest(): string {
    const text = this.takeQueued();
    if (this.droppedCount === 0) return text;
    const count = this.droppedCount;
    this.droppedCount = 0;
    return `${text}{"type":"dropped","count":${count},"t":${this.now()}}\n`;
  }

  private start(text: string, live: boolean): void {
    if (this.inFlightChars === 0 && !this.busy) {
      this.busy = true;
      this.onIdle(false);
    }
    this.inFlightChars = text.length;
    this.track();
    this.write(text, (error) => this.written(error), live);
  }

  private written(error: unknown): void {
    this.writtenChars += this.inFlightChars;
    this.inFlightChars = 0;
    this.writesDone++;
    if (error !== undefined && error !== null) this.close();
    if (this.closed) return this.idle();
    if (this.queuedChars > 0) {
      const live = !this.queueHasSends;
      this.start(this.takeQueued(), live);
      return;
    }
    if (this.droppedCount > 0) {
      const count = this.droppedCount;
      this.droppedCount = 0;
      const dropped = `{"type":"dropped","count":${count},"t":${this.now()}}\n`;
      this.acceptedChars += dropped.length;
      this.start(dropped, false);
      return;
    }
    if (this.behind) {
      this.behind = false;
      this.onBehind(false);
    }
    this.idle();
  }

  private idle(): void {
    if (!this.busy) return;
    this.busy = false;
    this.onIdle(true);
  }

  private track(): void {
    const buffered = this.bufferedChars;
    if (buffered > this.maxBufferedChars) this.maxBufferedChars = buffered;
    if (!this.behind && this.queuedChars > MAX_BUFFERED_CHARS / 2) {
      this.behind = true;
      this.onBehind(true);
    }
  }
}
