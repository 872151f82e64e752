// One agent on the other end of a socket: its hello, its messages, and commands with replies.
import type { Socket } from 'net';
import { EventEmitter } from '../common/events';
import type { IDisposable } from '../common/disposable';
import { LineSplitter } from '../protocol/lineSplitter';
import type { AgentMessage, ClientMessage, HelloMessage, ReplyMessage } from '../protocol/messages';

/** The program did not answer in time (paused or busy); the request still applies when it runs. */
export const NO_ANSWER = 'NO_ANSWER';

export class CommandError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

type Pending = { resolve: () => void; reject: (error: Error) => void };

export class AgentConnection implements IDisposable {
  private static nextKey = 1;
  readonly key = `conn:${AgentConnection.nextKey++}`;
  private readonly messages = new EventEmitter<AgentMessage>();
  private readonly closed = new EventEmitter<void>();
  private readonly helloEmitter = new EventEmitter<HelloMessage>();
  private readonly pending = new Map<number, Pending>();
  private nextReq = 1;
  private isClosed = false;
  hello: HelloMessage | undefined;
  /** Lines that were not valid protocol messages (kept as a count: the view says so). */
  badLines = 0;

  /** Messages that came before anyone listened (a snapshot often shares a chunk with hello). */
  private backlog: AgentMessage[] | undefined = [];

  readonly onHello = this.helloEmitter.event;

  /** The first listener also receives, at once, every message that arrived before it. */
  onMessage(listener: (message: AgentMessage) => void): IDisposable {
    const subscription = this.messages.event(listener);
    const backlog = this.backlog;
    this.backlog = undefined;
    for (const message of backlog ?? []) listener(message);
    return subscription;
  }
  readonly onClose = this.closed.event;

  constructor(private readonly socket: Socket, private readonly answerMs = 5000) {
    const splitter = new LineSplitter({
      line: (text) => this.receive(text),
      tooLong: () => this.badLines++,
    });
    socket.on('data', (chunk: Buffer) => splitter.push(chunk));
    socket.on('error', () => this.dispose());
    socket.on('close', () => this.dispose());
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  private receive(text: string): void {
    let message: AgentMessage;
    try {
      message = JSON.parse(text) as AgentMessage;
    } catch {
      this.badLines++;
      return;
    }
    if (message === null || typeof message !== 'object' || typeof message.type !== 'string') {
      this.badLines++;
      return;
    }
    if (message.type === 'hello') {
      if (this.hello) return; // one hello per connection
      this.hello = message;
      this.helloEmitter.fire(message);
      return;
    }
    if (!this.hello) return; // nothing counts before hello
    if (message.type === 'reply') this.settle(message);
    if (this.backlog) this.backlog.push(message);
    else this.messages.fire(message);
  }

  private settle(reply: ReplyMessage): void {
    if (typeof reply.req !== 'number') return;
    const pending = this.pending.get(reply.req);
    if (!pending) return;
    this.pending.delete(reply.req);
    if (reply.ok) pending.resolve();
    else pending.reject(new CommandError(reply.error?.code ?? 'ERROR', reply.error?.message ?? 'the program refused the command'));
  }

  send(message: ClientMessage): void {
    if (!this.isClosed) this.socket.write(JSON.stringify(message) + '\n');
  }

  /** Sends `cancel` or `close` for an op; resolves on an ok reply, rejects with the program's error. */
  command(type: 'cancel' | 'close', id: number): Promise<void> {
    return this.request((req) => ({ type, id, req }));
  }

  /** Asks for the whole state again (a protocol extension): after events were dropped. */
  resync(): Promise<void> {
    return this.request((req) => ({ type: 'resync', req }));
  }

  private request(make: (req: number) => ClientMessage): Promise<void> {
    if (this.isClosed) return Promise.reject(new CommandError('DISCONNECTED', 'the process is no longer connected'));
    const req = this.nextReq++;
    return new Promise<void>((resolve, reject) => {
      // A program that runs no JavaScript (paused, or busy in a long synchronous stretch) answers
      // late: say so instead of leaving the user waiting; the command still applies when it runs.
      const timer = setTimeout(() => {
        this.pending.delete(req);
        reject(new CommandError(NO_ANSWER, `the program has not answered in ${this.answerMs / 1000} s (paused or busy?); it applies the request when it runs again`));
      }, this.answerMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        settle();
      };
      this.pending.set(req, { resolve: () => done(resolve), reject: (error) => done(() => reject(error)) });
      this.send(make(req));
    });
  }

  dispose(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.socket.destroy();
    for (const { reject } of this.pending.values()) {
      reject(new CommandError('DISCONNECTED', 'the process exited before it answered'));
    }
    this.pending.clear();
    this.closed.fire();
    this.messages.dispose();
    this.helloEmitter.dispose();
    this.closed.dispose();
  }
}
