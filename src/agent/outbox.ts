// One receiver's queue (a client connection or the trace file): one write in flight at a time,
// everything that arrives meanwhile joined into the next write, and a bound on live events, so a
// receiver that reads slowly costs the program dropped events, never memory or time.

/**
 * Most bytes of live events held for one receiver, the write in flight included. Past it, events
 * are dropped and counted until the receiver has caught up; then `dropped` says how many.
 * Snapshot, replies and `dropped` itself are never dropped (the snapshot is bounded by the ops the
 * runtime tracks, replies by reading no more commands while the receiver is behind).
 */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * Writes `bytes`; calls `done` once it is handed over (or failed: then nothing more is written).
 * `early`: live events only, which may count as handed over once the kernel has them, even before
 * Node says so (a snapshot stays in flight until written: resyncs meanwhile share it).
 */
export type WriteFn = (bytes: Buffer, done: (error?: unknown) => void, early: boolean) => void;

export class Outbox {
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private inFlightBytes = 0;
  /** The write in flight (until written: its tail may still be queued below Node at exit). */
  private inFlight: Buffer | undefined;
  private droppedCount = 0;
  private closed = false;
  /** The queue holds text that must arrive (snapshot, replies), not only live events. */
  private queueHasSends = false;
  private behind = false;
  private busy = false;
  /** Most bytes ever held at once, for the stats. */
  maxBufferedBytes = 0;
  /** Writes finished so far: a write in flight that does not move this is stuck. */
  writesDone = 0;
  /** Events dropped over this receiver's life. */
  totalDropped = 0;
  /** Bytes taken for writing and bytes written, over the receiver's life: marks to tell what has gone out. */
  acceptedBytes = 0;
  writtenBytes = 0;

  constructor(
    private readonly write: WriteFn,
    private readonly now: () => number,
    /** Told when the receiver falls behind (true) and catches up (false): stop reading its commands meanwhile. */
    private readonly onBehind: (behind: boolean) => void = () => {},
    /** Told when a write starts with nothing in flight (false) and when everything is written (true). */
    private readonly onIdle: (idle: boolean) => void = () => {},
  ) {}

  get bufferedBytes(): number {
    return this.queuedBytes + this.inFlightBytes;
  }

  get writing(): boolean {
    return this.inFlightBytes > 0;
  }

  /** Bytes of the write in flight (0: none). */
  get inFlightLength(): number {
    return this.inFlightBytes;
  }

  /** Live events (`count` of them, as UTF-8 lines): dropped when the receiver is behind. */
  events(bytes: Buffer, count: number): void {
    if (this.closed) return;
    if (this.droppedCount > 0 || this.bufferedBytes + bytes.length > MAX_BUFFERED_BYTES) {
      this.droppedCount += count;
      this.totalDropped += count;
      return;
    }
    this.enqueue(bytes, true);
  }

  /** Text that must arrive: hello, snapshot, replies. */
  send(text: string): void {
    if (!this.closed) this.enqueue(Buffer.from(text, 'utf8'), false);
  }

  private enqueue(bytes: Buffer, live: boolean): void {
    if (this.closed || bytes.length === 0) return;
    this.acceptedBytes += bytes.length;
    if (this.inFlightBytes === 0) this.start(bytes, live);
    else {
      this.queue.push(bytes);
      this.queuedBytes += bytes.length;
      if (!live) this.queueHasSends = true;
      this.track();
    }
  }

  /** Nothing more will be written (the receiver is gone). */
  close(): void {
    this.closed = true;
    this.queue = [];
    this.queuedBytes = 0;
    this.queueHasSends = false;
  }

  /** What is queued and not yet written, taken out (for a last synchronous write at exit). */
  takeQueued(): Buffer {
    const bytes = this.queue.length === 1 ? this.queue[0] : Buffer.concat(this.queue, this.queuedBytes);
    this.queue = [];
    this.queuedBytes = 0;
    this.queueHasSends = false;
    return bytes;
  }

  /**
   * At process exit, for one last synchronous write: the last `unsentOfInFlight` bytes of the write
   * in flight (what the socket has not handed to the kernel yet), the queue, and how many events were
   * dropped after it. Nothing more is written through the outbox.
   */
  takeUnsent(unsentOfInFlight: number): Buffer {
    const inFlight = this.inFlight;
    const tail = inFlight !== undefined && unsentOfInFlight > 0 ? inFlight.subarray(Math.max(0, inFlight.length - unsentOfInFlight)) : undefined;
    const rest = this.takeRest();
    this.close();
    if (tail === undefined || tail.length === 0) return rest;
    return rest.length === 0 ? tail : Buffer.concat([tail, rest]);
  }

  /** At process exit: the queue, and how many events were dropped after it, for one last write. */
  takeRest(): Buffer {
    const queued = this.takeQueued();
    if (this.droppedCount === 0) return queued;
    const dropped = Buffer.from(this.droppedLine(), 'utf8');
    return queued.length === 0 ? dropped : Buffer.concat([queued, dropped]);
  }

  /** The `dropped` message for the events dropped since the last one, and a fresh count. */
  private droppedLine(): string {
    const count = this.droppedCount;
    this.droppedCount = 0;
    return `{"type":"dropped","count":${count},"t":${this.now()}}\n`;
  }

  private start(bytes: Buffer, live: boolean): void {
    if (this.inFlightBytes === 0 && !this.busy) {
      this.busy = true;
      this.onIdle(false);
    }
    this.inFlightBytes = bytes.length;
    this.inFlight = bytes;
    this.track();
    this.write(bytes, (error) => this.written(error), live);
  }

  private written(error: unknown): void {
    this.writtenBytes += this.inFlightBytes;
    this.inFlightBytes = 0;
    this.inFlight = undefined;
    this.writesDone++;
    if (error !== undefined && error !== null) this.close();
    if (this.closed) return this.idle();
    if (this.queuedBytes > 0) {
      const live = !this.queueHasSends;
      this.start(this.takeQueued(), live);
      return;
    }
    if (this.droppedCount > 0) {
      const dropped = Buffer.from(this.droppedLine(), 'utf8');
      this.acceptedBytes += dropped.length;
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
    const buffered = this.bufferedBytes;
    if (buffered > this.maxBufferedBytes) this.maxBufferedBytes = buffered;
    if (!this.behind && this.queuedBytes > MAX_BUFFERED_BYTES / 2) {
      this.behind = true;
      this.onBehind(true);
    }
  }
}
