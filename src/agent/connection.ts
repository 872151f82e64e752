// One client on a socket, whichever side dialed: reads its commands line by line, answers each
// exactly once, and carries the agent's stream once it is admitted (at once, or after `auth` when
// the agent listens on TCP).
import type { Socket } from 'net';
import { timingSafeEqual } from 'crypto';
import { LineSplitter } from '../protocol/lineSplitter';
import { MAX_LINE_BYTES } from '../protocol/messages';
import { badRequest, parseRequest, reply, type ClientRequest } from './commands';
import { AUTH_TIMEOUT_MS, MAX_BYTES_BEFORE_AUTH } from './limits';
import { rawSocket, writeBeforeExit } from './exitWrite';
import { Outbox } from './outbox';
import { ownSetTimeout } from './ownTimers';

export type Command = Extract<ClientRequest, { kind: 'cancel' | 'close' | 'resync' | 'cancelMany' }>;

export interface ConnectionHost {
  /** Sends hello and the snapshot into `connection`, then live events. */
  admit(connection: Connection): void;
  /** Runs a command; returns the text to send back (the reply, after a snapshot for resync). */
  execute(request: Command, connection: Connection): string;
  remove(connection: Connection): void;
  now(): number;
}

export class Connection {
  readonly outbox: Outbox;
  private admitted = false;
  private readonly splitter: LineSplitter;
  private bytesBeforeAuth = 0;
  private authTimer: NodeJS.Timeout | undefined;
  /** The outbox's mark at the end of the last resync's snapshot: until written, resyncs merge into it. */
  private resyncUntil = 0;

  constructor(
    readonly socket: Socket,
    private readonly host: ConnectionHost,
    /** The token the first line must carry (TCP listen), or undefined: admitted at once. */
    private readonly requiredToken: string | undefined,
    onIdle?: (idle: boolean) => void,
  ) {
    this.outbox = new Outbox(
      (bytes, done, early) => this.write(bytes, done, early),
      host.now,
      (behind) => (behind ? socket.pause() : socket.resume()),
      onIdle,
    );
    this.splitter = new LineSplitter({ line: (text) => this.onLine(text), tooLong: () => this.onTooLong() });
    socket.on('data', (chunk: Buffer) => guard(() => this.onData(chunk)));
    socket.on('error', () => {}); // 'close' follows
    socket.on('close', () => guard(() => this.gone()));
  }

  get isAdmitted(): boolean {
    return this.admitted;
  }

  /**
   * At process exit: what this client has not got yet, written before the process ends while the
   * client keeps reading (Unix sockets); elsewhere, one last write the kernel may take whole.
   */
  finishAtExit(deadline: number): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    const raw = rawSocket(socket);
    // More unsent than our write in flight: bytes we cannot place; the socket's own way, then.
    if (raw === undefined || raw.unsent > this.outbox.inFlightLength) {
      if (this.outbox.writing) return;
      const rest = this.outbox.takeRest();
      if (rest.length > 0) socket.write(rest);
      return;
    }
    const unsent = this.outbox.takeUnsent(raw.unsent);
    if (unsent.length === 0) return;
    writeBeforeExit(raw.fd, unsent, deadline);
    socket.destroy(); // the handle's own copy of the in-flight tail must not follow ours
  }

  start(): void {
    if (this.requiredToken === undefined) return this.admit();
    this.authTimer = ownSetTimeout(() => guard(() => this.socket.destroy()), AUTH_TIMEOUT_MS);
    this.authTimer.unref();
  }

  private admit(): void {
    this.admitted = true;
    clearTimeout(this.authTimer);
    this.host.admit(this);
  }

  private write(bytes: Buffer, done: (error?: unknown) => void, early: boolean): void {
    const socket = this.socket;
    if (socket.destroyed) return done(new Error('closed'));
    let handedOver = false;
    socket.write(bytes, (error) => {
      if (!handedOver) done(error);
    });
    // The kernel took it all at once (the usual case for a client that keeps up): nothing of it is
    // ours to hold, so the next batch may follow in this same turn. Node tells the write's callback
    // only after the program's microtasks run out, and a burst of ops (a server catching up after
    // a stall) would otherwise fill the outbox and drop events although the client reads them all.
    // Live events only: a snapshot stays in flight until written, so resyncs meanwhile share it.
    if (early && socket.writableLength === 0 && !socket.destroyed) {
      handedOver = true;
      done();
    }
  }

  /** Before `auth`, reads no more than its budget: what follows a valid auth is read as commands. */
  private onData(chunk: Buffer): void {
    if (this.admitted) return this.splitter.push(chunk);
    const budget = MAX_BYTES_BEFORE_AUTH - this.bytesBeforeAuth;
    const head = chunk.length > budget ? chunk.subarray(0, budget) : chunk;
    this.bytesBeforeAuth += head.length;
    this.splitter.push(head);
    if (head === chunk || this.socket.destroyed) return;
    if (this.admitted) this.splitter.push(chunk.subarray(budget));
    else this.socket.destroy();
  }

  private onLine(text: string): void {
    if (this.socket.destroyed) return;
    const request = parseRequest(text);
    if (!this.admitted) {
      if (request.kind === 'auth' && tokensEqual(request.token, this.requiredToken ?? '')) this.admit();
      else this.socket.destroy(); // strangers learn nothing, not even that they were wrong
      return;
    }
    switch (request.kind) {
      case 'auth':
        return; // already admitted: nothing to do, nothing to answer
      case 'bad':
        return this.outbox.send(badRequest(request.req, request.message));
      case 'resync':
        // A resync while the last one's snapshot is still going out gets that snapshot: the client
        // is exact once it has read it and the events after it. Resyncs cost one snapshot per read.
        if (this.outbox.writtenBytes < this.resyncUntil) return this.outbox.send(reply(request.req, { ok: true }));
        this.outbox.send(this.host.execute(request, this));
        this.resyncUntil = this.outbox.acceptedBytes;
        return;
      default:
        return this.outbox.send(this.host.execute(request, this));
    }
  }

  private onTooLong(): void {
    if (!this.admitted) this.socket.destroy();
    else this.outbox.send(badRequest('null', `line longer than ${MAX_LINE_BYTES} bytes`));
  }

  private gone(): void {
    clearTimeout(this.authTimer);
    this.outbox.close();
    this.host.remove(this);
  }
}

function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && b.length > 0 && timingSafeEqual(a, b);
}

/** Runs agent code from a socket callback: whatever it throws stays in the agent. */
export function guard(run: () => void): void {
  try {
    run();
  } catch {
    // the agent must never throw into the program
  }
}
