// One client on a socket, whichever side dialed: reads its commands line by line, answers each
// exactly once, and carries the agent's stream once it is admitted (at once, or after `auth` when
// the agent listens on TCP).
import type { Socket } from 'net';
import { timingSafeEqual } from 'crypto';
import { LineSplitter } from '../protocol/lineSplitter';
import { MAX_LINE_BYTES } from '../protocol/messages';
import { badRequest, parseRequest, type ClientRequest } from './commands';
import { Outbox } from './outbox';

export interface ConnectionHost {
  /** Sends hello and the snapshot into `connection`, then live events. */
  admit(connection: Connection): void;
  /** Runs a command; returns the reply line. */
  execute(request: Extract<ClientRequest, { kind: 'cancel' | 'close' | 'resync' }>): string;
  remove(connection: Connection): void;
  now(): number;
}

export class Connection {
  readonly outbox: Outbox;
  private admitted = false;
  private readonly splitter: LineSplitter;

  constructor(
    readonly socket: Socket,
    private readonly host: ConnectionHost,
    /** The token the first line must carry (TCP listen), or undefined: admitted at once. */
    private readonly requiredToken: string | undefined,
  ) {
    this.outbox = new Outbox(
      (text, done) => this.write(text, done),
      host.now,
      (behind) => (behind ? socket.pause() : socket.resume()),
    );
    this.splitter = new LineSplitter({ line: (text) => this.onLine(text), tooLong: () => this.onTooLong() });
    socket.on('data', (chunk: Buffer) => guard(() => this.splitter.push(chunk)));
    socket.on('error', () => {}); // 'close' follows
    socket.on('close', () => guard(() => this.gone()));
  }

  get isAdmitted(): boolean {
    return this.admitted;
  }

  start(): void {
    if (this.requiredToken === undefined) this.admit();
  }

  private admit(): void {
    this.admitted = true;
    this.host.admit(this);
  }

  private write(text: string, done: (error?: unknown) => void): void {
    if (this.socket.destroyed) return done(new Error('closed'));
    this.socket.write(text, done);
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
      default:
        return this.outbox.send(this.host.execute(request));
    }
  }

  private onTooLong(): void {
    if (!this.admitted) this.socket.destroy();
    else this.outbox.send(badRequest('null', `line longer than ${MAX_LINE_BYTES} bytes`));
  }

  private gone(): void {
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
