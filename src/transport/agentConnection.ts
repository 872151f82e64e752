// One agent on the other end of a socket: its hello, its messages, and commands with replies.
import type { Socket } from 'net';
import { EventEmitter } from '../common/events';
import type { IDisposable } from '../common/disposable';
import { LineSplitter } from '../protocol/lineSplitter';
import { BAD_REQUEST, MAX_IDS_PER_COMMAND, type AgentMessage, type ClientMessage, type HelloMessage, type ReplyMessage } from '../protocol/messages';
import { decodeLine } from '../protocol/validate';

/** The program did not answer in time (paused or busy); the request still applies when it runs. */
export const NO_ANSWER = 'NO_ANSWER';

export class CommandError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

type Pending = { resolve: (reply: ReplyMessage) => void; reject: (error: Error) => void };

/** An op a many-op command could not act on, and why. */
export interface OpFailure {
  readonly id: number;
  readonly error: CommandError;
}

export class AgentConnection implements IDisposable {
  private static nextKey = 1;
  readonly key = `conn:${AgentConnection.nextKey++}`;
  private readonly messages = new EventEmitter<AgentMessage>();
  private readonly closed = new EventEmitter<void>();
  private readonly helloEmitter = new EventEmitter<HelloMessage>();
  private readonly invalidEmitter = new EventEmitter<string>();
  private readonly pending = new Map<number, Pending>();
  private nextReq = 1;
  /** Whether the agent answers `cancelMany`: unknown until it first does or refuses it. */
  private cancelManyKnown: boolean | undefined;
  private isClosed = false;
  hello: HelloMessage | undefined;
  /** Lines that were not valid protocol messages: dropped, never half-applied. */
  badLines = 0;

  /** Messages that came before anyone listened (a snapshot often shares a chunk with hello):
   *  held until the first listener, then given to every listener added in that same turn. */
  private backlog: AgentMessage[] | undefined = [];
  private backlogFlush = false;

  readonly onHello = this.helloEmitter.event;
  /** A line was dropped: why (the first few words of the problem, never the line itself). */
  readonly onInvalid = this.invalidEmitter.event;
  readonly onClose = this.closed.event;

  onMessage(listener: (message: AgentMessage) => void, thisArg?: unknown): IDisposable {
    const subscription = this.messages.event(listener, thisArg);
    if (this.backlog && !this.backlogFlush) {
      this.backlogFlush = true;
      queueMicrotask(() => this.flushBacklog());
    }
    return subscription;
  }

  private flushBacklog(): void {
    const backlog = this.backlog ?? [];
    for (const message of backlog) this.messages.fire(message);
    this.backlog = undefined;
  }

  constructor(private readonly socket: Socket, private readonly answerMs = 5000) {
    const splitter = new LineSplitter({
      line: (text) => this.receive(text),
      tooLong: () => this.invalid('a line longer than 1 MiB'),
    });
    socket.on('data', (chunk: Buffer) => splitter.push(chunk));
    socket.on('error', () => this.dispose());
    socket.on('close', () => this.dispose());
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  private receive(text: string): void {
    const decoded = decodeLine(text);
    if (decoded.kind !== 'message') {
      if (decoded.kind === 'invalid') this.invalid(decoded.problem);
      return; // a type this version does not know: ignored, as receivers do
    }
    const message = decoded.message;
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

  private invalid(problem: string): void {
    this.badLines++;
    this.invalidEmitter.fire(problem);
  }

  private settle(reply: ReplyMessage): void {
    if (typeof reply.req !== 'number') return;
    const pending = this.pending.get(reply.req);
    if (!pending) return;
    this.pending.delete(reply.req);
    if (reply.ok) pending.resolve(reply);
    else pending.reject(new CommandError(reply.error?.code ?? 'ERROR', reply.error?.message ?? 'the program refused the command'));
  }

  send(message: ClientMessage): void {
    if (!this.isClosed) this.socket.write(JSON.stringify(message) + '\n');
  }

  /** Sends `cancel` or `close` for an op; resolves on an ok reply, rejects with the program's error. */
  async command(type: 'cancel' | 'close', id: number): Promise<void> {
    await this.request((req) => ({ type, id, req }));
  }

  /** Cancels many ops in as few commands as the agent takes (`cancelMany`, a protocol extension;
   *  an agent that does not know it gets one `cancel` per op). Resolves with the ops it refused. */
  async cancelMany(ids: readonly number[]): Promise<OpFailure[]> {
    const failures: OpFailure[] = [];
    for (let start = 0; start < ids.length; start += MAX_IDS_PER_COMMAND) {
      const chunk = ids.slice(start, start + MAX_IDS_PER_COMMAND);
      if (this.cancelManyKnown !== false) {
        try {
          const reply = await this.request((req) => ({ type: 'cancelMany', ids: chunk, req }));
          this.cancelManyKnown = true;
          for (const f of reply.failed ?? []) failures.push({ id: f.id, error: new CommandError(f.code, f.message) });
          continue;
        } catch (error) {
          // BAD_REQUEST from an agent that has answered cancelMany before is a real error; from one
          // that never has, it is an older agent: fall back to one cancel per op, from now on.
          if (!(error instanceof CommandError) || error.code !== BAD_REQUEST || this.cancelManyKnown) throw error;
          this.cancelManyKnown = false;
        }
      }
      const outcomes = await Promise.all(chunk.map((id) => this.command('cancel', id).then(() => undefined, (error: unknown) =>
        ({ id, error: error instanceof CommandError ? error : new CommandError('ERROR', String(error)) }))));
      for (const outcome of outcomes) if (outcome) failures.push(outcome);
    }
    return failures;
  }

  /** Asks for the whole state again (a protocol extension): after events were dropped. */
  async resync(): Promise<void> {
    await this.request((req) => ({ type: 'resync', req }));
  }

  private request(make: (req: number) => ClientMessage): Promise<ReplyMessage> {
    if (this.isClosed) return Promise.reject(new CommandError('DISCONNECTED', 'the process is no longer connected'));
    const req = this.nextReq++;
    return new Promise<ReplyMessage>((resolve, reject) => {
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
      this.pending.set(req, { resolve: (reply) => done(() => resolve(reply)), reject: (error) => done(() => reject(error)) });
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
    this.invalidEmitter.dispose();
    this.closed.dispose();
  }
}
