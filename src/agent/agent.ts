// The agent: takes the runtime's lifecycle events off diagnostics_channel, turns each into its
// line at once (the program may mutate a progress value later), batches the lines, and hands one
// batch per turn of the event loop to every receiver: clients and the trace file.
import * as dc from 'diagnostics_channel';
import * as net from 'net';
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { encodeLine } from '../protocol/codec';
import { LIFECYCLE_CHANNEL, type CommandResult } from '../protocol/hub';
import { formatAddress, type ChannelAddress } from '../protocol/address';
import type { HelloMessage, LifecycleMessage } from '../protocol/messages';
import { NOT_FOUND, PROTOCOL_VERSION } from '../protocol/messages';
import { getHub } from '../runtime/hub';
import type { AgentConfig } from './config';
import { MAX_ID, reply, type ClientRequest } from './commands';
import { Connection, guard, type ConnectionHost } from './connection';
import { onlyAgentKeepsAlive } from './idle';
import type { Outbox } from './outbox';
import { TraceFile } from './traceFile';

/** A batch this long (in characters) is handed over at once instead of at the end of the turn. */
export const FLUSH_CHARS = 64 * 1024;
/** How often a stuck write makes the agent check whether it alone keeps the program alive. */
const STUCK_CHECK_MS = 500;

export interface AgentStats {
  connections: number;
  /** Text held for receivers now, and the most ever held by one receiver. */
  bufferedChars: number;
  maxBufferedChars: number;
  dropped: number;
  events: number;
  /** Where the agent listens, as written to the address file. */
  listening: string | null;
}

export class Agent implements ConnectionHost {
  private readonly hub = getHub();
  private readonly channel = dc.channel(LIFECYCLE_CHANNEL); // held strongly: Node 16 could collect it
  private readonly outboxes: Outbox[] = [];
  private readonly connections: Connection[] = [];
  private trace: TraceFile | undefined;
  private batch = '';
  private batchCount = 0;
  private flushScheduled = false;
  private eventCount = 0;
  private warned = false;
  private listening: string | null = null;
  private listenPath: string | undefined;
  private stuckTimer: NodeJS.Timeout | undefined;
  private stuckSeen = new Set<Connection>();
  private stuckWrites = new WeakMap<Connection, number>();
  private retired = { dropped: 0, maxBufferedChars: 0 };

  constructor(private readonly config: AgentConfig) {}

  readonly now = (): number => Math.round(performance.now() * 1000);

  start(): void {
    this.channel.subscribe(this.onEvent);
    process.on('exit', () => guard(() => this.atExit()));
    const { channel, listen, trace } = this.config;
    if (trace !== undefined) this.openTrace(trace);
    if (channel) this.connect(channel);
    if (listen) this.listen(listen);
  }

  stats(): AgentStats {
    const all = this.allOutboxes();
    return {
      connections: this.connections.length,
      bufferedChars: all.reduce((sum, o) => sum + o.bufferedChars, 0),
      maxBufferedChars: Math.max(this.retired.maxBufferedChars, ...all.map((o) => o.maxBufferedChars)),
      dropped: this.retired.dropped + all.reduce((sum, o) => sum + o.totalDropped, 0),
      events: this.eventCount,
      listening: this.listening,
    };
  }

  // ---- the stream ------------------------------------------------------------------------------

  private readonly onEvent = (message: unknown): void => {
    if (this.outboxes.length === 0) return; // subscribed anyway: the runtime then keeps ended ops for late joiners
    try {
      this.batch += encodeLine(message as LifecycleMessage);
      this.batchCount++;
      this.eventCount++;
      if (this.batch.length >= FLUSH_CHARS) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.scheduledFlush);
      }
    } catch {
      // an event the codec cannot encode is lost, never thrown into the program
    }
  };

  private readonly scheduledFlush = (): void => {
    this.flushScheduled = false;
    guard(() => this.flush());
  };

  /** Hands the batch to every receiver: one write each, or queued behind the one in flight. */
  private flush(): void {
    const text = this.batch;
    if (text === '') return;
    const count = this.batchCount;
    this.batch = '';
    this.batchCount = 0;
    for (const outbox of this.outboxes) outbox.events(text, count);
    if (this.connections.length > 0) this.watchStuckWrites();
  }

  private hello(withToken: boolean): string {
    let cwd = '';
    try {
      cwd = process.cwd();
    } catch {
      // the directory was removed under the program
    }
    const hello: HelloMessage = {
      type: 'hello', protocol: PROTOCOL_VERSION, pid: process.pid, ppid: process.ppid, title: process.title,
      argv: process.argv.slice(), cwd, node: process.version, session: this.config.session, timeOrigin: performance.timeOrigin,
    };
    if (withToken && this.config.token !== undefined) hello.token = this.config.token;
    return JSON.stringify(hello) + '\n';
  }

  /** Every tracked op's snapshot messages, then snapshotEnd. */
  private snapshotLines(): string {
    let text = '';
    for (const message of this.hub.snapshot()) text += encodeLine(message);
    return text + `{"type":"snapshotEnd","t":${this.now()}}\n`;
  }

  /** hello, the snapshot, snapshotEnd, then live events (the batch so far predates the snapshot). */
  private join(outbox: Outbox, withToken: boolean): void {
    this.flush();
    outbox.send(this.hello(withToken) + this.snapshotLines());
    this.outboxes.push(outbox);
  }

  // ---- ConnectionHost ----------------------------------------------------------------------------

  admit(connection: Connection): void {
    this.join(connection.outbox, this.tokenInHello.has(connection));
  }

  execute(request: Extract<ClientRequest, { kind: 'cancel' | 'close' | 'resync' }>): string {
    if (request.kind === 'resync') {
      // The client lost events (it read too slowly): the whole state again, then the reply.
      this.flush();
      return `{"type":"snapshotStart","t":${this.now()}}\n${this.snapshotLines()}${reply(request.req, { ok: true })}`;
    }
    const { id } = request;
    const result: CommandResult = id > MAX_ID ? { ok: false, code: NOT_FOUND, message: `no live operation with id ${id}` }
      : request.kind === 'cancel' ? this.hub.cancel(id) : this.hub.close(id);
    this.flush(); // the events the command caused come before its reply
    return reply(request.req, result);
  }

  remove(connection: Connection): void {
    remove(this.connections, connection);
    remove(this.outboxes, connection.outbox);
    this.stuckSeen.delete(connection);
    this.retired.dropped += connection.outbox.totalDropped;
    this.retired.maxBufferedChars = Math.max(this.retired.maxBufferedChars, connection.outbox.maxBufferedChars);
  }

  // ---- receivers ---------------------------------------------------------------------------------

  /** Connections the agent dialed over TCP: their hello carries the token. */
  private readonly tokenInHello = new WeakSet<Connection>();

  private connect(address: ChannelAddress): void {
    const socket = address.kind === 'tcp' ? net.connect({ host: address.host, port: address.port }) : net.connect(address.path);
    socket.unref();
    socket.once('error', (error) => this.warn(`cannot reach ${formatAddress(address)}: ${describe(error)}`));
    socket.once('connect', () => guard(() => {
      socket.removeAllListeners('error');
      if (address.kind === 'tcp') socket.setNoDelay(true);
      this.accept(socket, undefined, address.kind === 'tcp');
    }));
  }

  private listen(address: ChannelAddress): void {
    if (address.kind === 'tcp' && !this.config.token) {
      this.warn(`not listening on ${formatAddress(address)}: TCP needs ASYNCINFO_TOKEN`);
      return;
    }
    const server = net.createServer((socket) => guard(() => {
      socket.unref();
      if (address.kind === 'tcp') socket.setNoDelay(true);
      this.accept(socket, address.kind === 'tcp' ? this.config.token : undefined, false);
    }));
    server.unref();
    server.on('error', (error) => this.warn(`cannot listen on ${formatAddress(address)}: ${describe(error)}`));
    server.on('listening', () => guard(() => this.listened(server, address)));
    if (address.kind === 'tcp') server.listen({ host: address.host, port: address.port });
    else server.listen(address.path);
  }

  private listened(server: net.Server, address: ChannelAddress): void {
    const bound = server.address();
    const actual: ChannelAddress = bound && typeof bound === 'object' && address.kind === 'tcp'
      ? { kind: 'tcp', host: bound.address, port: bound.port }
      : address;
    this.listening = formatAddress(actual);
    if (address.kind === 'path') this.listenPath = address.path;
    const file = this.config.listenFile;
    if (file === undefined) return;
    try {
      // Written once, whole: a client polling the file never reads half an address.
      const temp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temp, this.listening + '\n', { mode: 0o600 });
      fs.renameSync(temp, file);
    } catch (error) {
      this.warn(`cannot write ${file}: ${describe(error)}`);
    }
  }

  private accept(socket: net.Socket, requiredToken: string | undefined, helloWithToken: boolean): void {
    const connection = new Connection(socket, this, requiredToken);
    if (helloWithToken) this.tokenInHello.add(connection);
    this.connections.push(connection);
    connection.start();
  }

  private openTrace(path: string): void {
    try {
      this.trace = new TraceFile(path, this.now);
      this.join(this.trace.outbox, false);
    } catch (error) {
      this.warn(`cannot write the trace ${path}: ${describe(error)}`);
    }
  }

  // ---- never keep the program alive, never lose the tail ----------------------------------------

  /** While a write to a client is in flight, check now and then that the program has more to do. */
  private watchStuckWrites(): void {
    if (this.stuckTimer !== undefined) return;
    this.stuckTimer = setInterval(() => guard(() => this.checkStuckWrites()), STUCK_CHECK_MS);
    this.stuckTimer.unref();
  }

  private checkStuckWrites(): void {
    const writing = this.connections.filter((c) => c.outbox.writing);
    if (writing.length === 0) {
      clearInterval(this.stuckTimer);
      this.stuckTimer = undefined;
      this.stuckSeen.clear();
      return;
    }
    // Stuck: in flight at two checks in a row with no write finished in between.
    const stuck = writing.filter((c) => this.stuckSeen.has(c) && c.outbox.writesDone === this.stuckWrites.get(c));
    this.stuckSeen = new Set(writing);
    for (const c of writing) this.stuckWrites.set(c, c.outbox.writesDone);
    if (stuck.length > 0 && onlyAgentKeepsAlive(stuck.map((c) => c.socket))) {
      for (const c of stuck) c.socket.destroy();
    }
  }

  private atExit(): void {
    this.flush();
    this.trace?.flushSync();
    // A socket write tries the kernel synchronously first: the tail reaches a client that keeps up.
    for (const connection of this.connections) {
      if (!connection.outbox.writing) {
        const rest = connection.outbox.takeRest();
        if (rest !== '') connection.socket.write(rest);
      }
    }
    if (this.listenPath !== undefined) {
      try {
        fs.unlinkSync(this.listenPath);
      } catch {
        // already gone
      }
    }
  }

  private allOutboxes(): Outbox[] {
    return this.outboxes.concat(this.connections.filter((c) => !c.isAdmitted).map((c) => c.outbox));
  }

  /** At most one line on stderr in the life of the process. */
  private warn(text: string): void {
    if (this.warned) return;
    this.warned = true;
    try {
      process.stderr.write(`asyncinfo agent: ${text} (the program runs on without it)\n`);
    } catch {
      // no stderr
    }
  }
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i !== -1) list.splice(i, 1);
}

function describe(error: unknown): string {
  return (error as { code?: string })?.code ?? String((error as Error)?.message ?? error);
}
