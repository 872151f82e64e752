// The agent: takes the runtime's lifecycle events off diagnostics_channel, turns each into its
// line at once (the program may mutate a progress value later), batches the lines, and hands one
// batch per turn of the event loop (at most one per FLUSH_INTERVAL_MS while events keep coming) to
// every receiver: clients and the trace file.
import * as dc from 'diagnostics_channel';
import * as net from 'net';
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { encodeLine, encodeLines } from '../protocol/codec';
import { LineBatch } from './lineBatch';
import { LIFECYCLE_CHANNEL, type CommandResult } from '../protocol/hub';
import { formatAddress, type ChannelAddress } from '../protocol/address';
import type { HelloMessage, LifecycleMessage, ReplyFailure } from '../protocol/messages';
import { NOT_FOUND, PROTOCOL_VERSION } from '../protocol/messages';
import { getHub } from '../runtime/hub';
import type { AgentConfig } from './config';
import { MAX_ID, reply, replyMany } from './commands';
import { Connection, guard, type Command, type ConnectionHost } from './connection';
import { debugLog, describeError } from './debugLog';
import { EXIT_DEADLINE_MS } from './exitWrite';
import { writeNewFile } from './files';
import { onlyAgentKeepsAlive } from './idle';
import { isAfter, Knowledge } from './knowledge';
import { MAX_UNAUTHENTICATED } from './limits';
import { listen } from './listener';
import { observeNodeSources } from './node/sources';
import type { Outbox } from './outbox';
import { TraceFile } from './traceFile';
import { ownSetInterval, ownSetTimeout } from './ownTimers';

/** A batch this long (in bytes) is handed over at once instead of when its flush is due. */
export const FLUSH_BYTES = 64 * 1024;
/**
 * Writes at most this often while events keep coming: each write is a system call and a wakeup
 * of the client, which cost more than the events themselves when every turn of the loop has a few
 * (an HTTP server with Node's own work observed). Events after a quiet spell go out that turn.
 * 16 ms rather than 4 took about a tenth off the program's CPU in the bench's soak (a server-like
 * program doing 8,300 ops a second); the view coalesces changes over 250 ms anyway.
 */
export const FLUSH_INTERVAL_MS = 16;
/** How often a stuck write makes the agent check whether it alone keeps the program alive. */
const STUCK_CHECK_MS = 500;

export interface AgentStats {
  connections: number;
  /** Bytes of events not yet handed to the receivers (the batch waiting for its flush). */
  batchBytes: number;
  /** Bytes held for receivers now, and the most ever held by one receiver. */
  bufferedBytes: number;
  maxBufferedBytes: number;
  dropped: number;
  events: number;
  /** Where the agent listens, as written to the address file. */
  listening: string | null;
}

/** One stream going out (an admitted client or the trace file) and which ops it was told of. */
interface Receiver {
  outbox: Outbox;
  knowledge: Knowledge;
}

export class Agent implements ConnectionHost {
  private readonly hub = getHub();
  private readonly channel = dc.channel(LIFECYCLE_CHANNEL); // held strongly: Node 16 could collect it
  private readonly receivers: Receiver[] = [];
  private readonly connections: Connection[] = [];
  private trace: TraceFile | undefined;
  private readonly batch = new LineBatch();
  private flushScheduled = false;
  /** performance.now() of the last scheduled flush. */
  private lastFlushAt = -Infinity;
  private eventCount = 0;
  /** The newest op id seen created: ops after it are news to every receiver. */
  private lastId = 0;
  private listening: string | null = null;
  private listenPath: string | undefined;
  /** Receivers with a write in flight; with the batch and the listen path, what exit must finish. */
  private busyOutboxes = 0;
  private exitHooked = false;
  private stuckTimer: NodeJS.Timeout | undefined;
  private stuckSeen = new Set<Connection>();
  private stuckWrites = new WeakMap<Connection, number>();
  private retired = { dropped: 0, maxBufferedBytes: 0 };

  constructor(private readonly config: AgentConfig) {}

  readonly now = (): number => Math.round(performance.now() * 1000);

  start(): void {
    this.channel.subscribe(this.onEvent);
    const { channel, listen, trace, node, timersMinMs } = this.config;
    if (node.length > 0) observeNodeSources(node, timersMinMs); // for the program's whole life
    if (trace !== undefined) this.openTrace(trace);
    // After the program's main module has run its synchronous start: the connect request is not
    // among the resources it sees then, and still keeps the loop alive until the agent says hello.
    if (channel) process.nextTick(() => guard(() => this.connect(channel)));
    if (listen) this.listen(listen);
  }

  stats(): AgentStats {
    const all = this.allOutboxes();
    return {
      connections: this.connections.length,
      batchBytes: this.batch.length,
      bufferedBytes: all.reduce((sum, o) => sum + o.bufferedBytes, 0),
      maxBufferedBytes: Math.max(this.retired.maxBufferedBytes, ...all.map((o) => o.maxBufferedBytes)),
      dropped: this.retired.dropped + all.reduce((sum, o) => sum + o.totalDropped, 0),
      events: this.eventCount,
      listening: this.listening,
    };
  }

  // ---- the stream ------------------------------------------------------------------------------

  private readonly onEvent = (message: unknown): void => {
    const m = message as LifecycleMessage;
    if (m.type === 'created' && isAfter(m.id, this.lastId)) this.lastId = m.id;
    if (this.receivers.length === 0) return; // subscribed anyway: the runtime then keeps ended ops for late joiners
    try {
      if (m.type === 'closed' && !this.allKnow(m.id)) return this.closedForSome(m);
      this.batch.add(m);
      this.eventCount++;
      if (this.batch.length >= FLUSH_BYTES) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        const wait = this.lastFlushAt + FLUSH_INTERVAL_MS - performance.now();
        if (wait <= 0) setImmediate(this.scheduledFlush);
        else ownSetTimeout(this.scheduledFlush, wait).unref(); // exit flushes what is left
        this.hookExit();
      }
    } catch {
      // an event the codec cannot encode is lost, never thrown into the program
    }
  };

  /** Whether every receiver was told of the op (a loop: this runs for every `closed`). */
  private allKnow(id: number): boolean {
    for (const r of this.receivers) if (!r.knowledge.knows(id)) return false;
    return true;
  }

  /** `closed` for an op some receivers never heard of (it left the runtime's tracking before they joined). */
  private closedForSome(m: LifecycleMessage): void {
    this.flush();
    const line = Buffer.from(encodeLine(m), 'utf8');
    this.eventCount++;
    for (const r of this.receivers) if (r.knowledge.knows(m.id)) r.outbox.events(line, 1);
  }

  private readonly scheduledFlush = (): void => {
    this.flushScheduled = false;
    this.lastFlushAt = performance.now();
    guard(() => this.flush());
  };

  /** Hands the batch to every receiver: one write each, or queued behind the one in flight. */
  private flush(): void {
    if (this.batch.length === 0) return;
    const count = this.batch.count;
    const bytes = this.batch.take();
    for (const r of this.receivers) r.outbox.events(bytes, count);
    if (this.connections.length > 0) this.watchStuckWrites();
    this.hookExit();
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

  /** Every tracked op's snapshot messages, then snapshotEnd; `outbox` now knows exactly those ops. */
  private snapshotFor(outbox: Outbox): string {
    const messages = this.hub.snapshot();
    const knowledge = new Knowledge(messages, this.lastId);
    const receiver = this.receivers.find((r) => r.outbox === outbox);
    if (receiver) receiver.knowledge = knowledge;
    else this.receivers.push({ outbox, knowledge });
    return `${encodeLines(messages)}{"type":"snapshotEnd","t":${this.now()}}\n`;
  }

  /** hello, the snapshot, snapshotEnd, then live events (the batch so far predates the snapshot). */
  private join(outbox: Outbox, withToken: boolean): void {
    this.flush();
    const hello = this.hello(withToken);
    outbox.send(hello + this.snapshotFor(outbox));
  }

  // ---- ConnectionHost ----------------------------------------------------------------------------

  admit(connection: Connection): void {
    this.join(connection.outbox, this.tokenInHello.has(connection));
  }

  execute(request: Command, connection: Connection): string {
    this.flush(); // what happened before the command comes before its answer
    switch (request.kind) {
      case 'resync':
        // The client lost events (it read too slowly): the whole state again, then the reply.
        return `{"type":"snapshotStart","t":${this.now()}}\n${this.snapshotFor(connection.outbox)}${reply(request.req, { ok: true })}`;
      case 'cancelMany': {
        const failed: ReplyFailure[] = [];
        for (const id of request.ids) {
          const result = this.command('cancel', id);
          if (!result.ok) failed.push({ id, code: result.code, message: result.message });
        }
        this.flush(); // the events the command caused come before its reply
        return replyMany(request.req, failed);
      }
      default: {
        const result = this.command(request.kind, request.id);
        this.flush();
        return reply(request.req, result);
      }
    }
  }

  private command(kind: 'cancel' | 'close', id: number): CommandResult {
    if (id > MAX_ID) return { ok: false, code: NOT_FOUND, message: `no live operation with id ${id}` };
    return kind === 'cancel' ? this.hub.cancel(id) : this.hub.close(id);
  }

  remove(connection: Connection): void {
    remove(this.connections, connection);
    const i = this.receivers.findIndex((r) => r.outbox === connection.outbox);
    if (i !== -1) this.receivers.splice(i, 1);
    this.stuckSeen.delete(connection);
    this.retired.dropped += connection.outbox.totalDropped;
    this.retired.maxBufferedBytes = Math.max(this.retired.maxBufferedBytes, connection.outbox.maxBufferedBytes);
  }

  // ---- receivers ---------------------------------------------------------------------------------

  /** Connections the agent dialed: their hello carries the token, so a client can refuse strangers. */
  private readonly tokenInHello = new WeakSet<Connection>();

  private connect(address: ChannelAddress): void {
    const socket = address.kind === 'tcp' ? net.connect({ host: address.host, port: address.port }) : net.connect(address.path);
    socket.unref();
    socket.once('error', (error) => debugLog(`cannot reach ${formatAddress(address)}: ${describeError(error)}`));
    socket.once('connect', () => guard(() => {
      socket.removeAllListeners('error');
      if (address.kind === 'tcp') socket.setNoDelay(true);
      this.accept(socket, undefined, true);
    }));
  }

  private listen(address: ChannelAddress): void {
    if (address.kind === 'tcp' && !this.config.token) {
      debugLog(`not listening on ${formatAddress(address)}: TCP needs ASYNCINFO_TOKEN`);
      return;
    }
    const token = address.kind === 'tcp' ? this.config.token : undefined;
    listen(address, {
      connection: (socket) => guard(() => {
        socket.unref();
        if (token !== undefined && this.connections.filter((c) => !c.isAdmitted).length >= MAX_UNAUTHENTICATED) {
          socket.destroy(); // the program's file descriptors are its own
          return;
        }
        if (address.kind === 'tcp') socket.setNoDelay(true);
        this.accept(socket, token, false);
      }),
      listening: (actual) => guard(() => this.listened(actual, address)),
    });
  }

  private listened(actual: string, address: ChannelAddress): void {
    this.listening = actual;
    if (address.kind === 'path') {
      this.listenPath = address.path;
      this.hookExit();
    }
    const file = this.config.listenFile;
    if (file === undefined) return;
    try {
      writeNewFile(file, actual + '\n');
    } catch (error) {
      debugLog(`cannot write ${file}: ${describeError(error)}`);
    }
  }

  private accept(socket: net.Socket, requiredToken: string | undefined, helloWithToken: boolean): void {
    const connection = new Connection(socket, this, requiredToken, this.onIdle);
    if (helloWithToken) this.tokenInHello.add(connection);
    this.connections.push(connection);
    connection.start();
  }

  private openTrace(path: string): void {
    try {
      this.trace = new TraceFile(path, this.now, this.onIdle);
      this.join(this.trace.outbox, false);
    } catch (error) {
      debugLog(`cannot write the trace ${path}: ${describeError(error)}`);
    }
  }

  // ---- never keep the program alive, never lose the tail ----------------------------------------

  /** While a write to a client is in flight, check now and then that the program has more to do. */
  private watchStuckWrites(): void {
    if (this.stuckTimer !== undefined) return;
    this.stuckTimer = ownSetInterval(() => guard(() => this.checkStuckWrites()), STUCK_CHECK_MS);
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

  private readonly onIdle = (idle: boolean): void => {
    this.busyOutboxes += idle ? -1 : 1;
    this.hookExit();
  };

  /**
   * An `exit` listener only while exit would lose something: a batch not yet handed over, a write
   * in flight, or a socket file to remove. A program that counts its exit listeners sees none
   * from the agent at rest.
   */
  private hookExit(): void {
    const needed = this.batch.length > 0 || this.busyOutboxes > 0 || this.listenPath !== undefined;
    if (needed === this.exitHooked) return;
    this.exitHooked = needed;
    if (needed) process.on('exit', this.onExit);
    else process.removeListener('exit', this.onExit);
  }

  private readonly onExit = (): void => guard(() => this.atExit());

  private atExit(): void {
    this.flush();
    this.trace?.flushSync();
    // The loop never runs again: what each client has not got yet goes out now (see exitWrite.ts).
    const deadline = Date.now() + EXIT_DEADLINE_MS;
    for (const connection of this.connections) connection.finishAtExit(deadline);
    if (this.listenPath !== undefined) {
      try {
        fs.unlinkSync(this.listenPath);
      } catch {
        // already gone
      }
    }
  }

  private allOutboxes(): Outbox[] {
    return this.receivers.map((r) => r.outbox).concat(this.connections.filter((c) => !c.isAdmitted).map((c) => c.outbox));
  }
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i !== -1) list.splice(i, 1);
}
