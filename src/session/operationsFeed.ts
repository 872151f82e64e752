// The session layer: every agent connection becomes a process in the store, debug sessions say
// which processes belong together, when a program is paused (then its state is read through the
// debugger) and when its processes leave the view. Cancel/Close go to the program by whichever
// path works right now: the live channel while it runs, the debug session while it is paused.
// No vscode here: the UI hands in a DebugEvents port (see ../transport/debugPort.ts).
import { randomUUID } from 'crypto';
import { DisposableList, type IDisposable } from '../common/disposable';
import { EventEmitter } from '../common/events';
import type { LifecycleLog } from '../core/lifecycleLog';
import type { OperationStoreApi, ProcessSource } from '../core/model';
import type { AgentMessage, HelloMessage } from '../protocol/messages';
import { CommandError, type AgentConnection, type OpFailure } from '../transport/agentConnection';
import { loadAgentThroughDebugger } from '../transport/attachLoader';
import { isAttachTarget, launchToken, rootOf, type DebugEvents, type DebugSessionLike, type PausedTarget } from '../transport/debugPort';
import { cancelManyWhilePaused, commandWhilePaused, readPausedSnapshot } from '../transport/pausedReader';
import { Resync } from '../transport/resync';
import type { ChannelCredentials } from '../transport/channelServer';
import type { NodeSource } from '../protocol/environment';

/** Processes that exited or whose session ended kept in the view by default; the oldest beyond leave. */
export const DEFAULT_MAX_EXITED = 20;

export interface ReceivedMessage {
  readonly key: string;
  readonly pid: number;
  readonly message: AgentMessage;
}

export interface FeedOptions {
  /** Processes that exited or whose session ended to keep (the oldest beyond go). */
  readonly maxExited?: () => number;
}

export interface AttachInjectionOptions {
  readonly agentPath: string;
  /** This window's channel, once it listens. */
  readonly channel: () => ChannelCredentials | undefined;
  readonly enabled: () => boolean;
  /** Node's own work to show in an attached program (`asyncOperations.nodeOperations`). */
  readonly nodeSources?: () => readonly NodeSource[];
}

/** A process this layer connected, for as long as it is in the store. */
interface LinkedProcess {
  readonly key: string;
  readonly hello: HelloMessage;
  readonly source: ProcessSource;
  /** Open while the program runs; undefined once it closed. */
  connection: AgentConnection | undefined;
  /** Set while paused: the state shown was read through this debug session. */
  paused: PausedTarget | undefined;
  /** Its session is restarting: it leaves when its channel closes (the new launch replaces it). */
  retiring: boolean;
}

/** A root debug session that owns an async-channel token. */
interface LinkedSession {
  readonly root: DebugSessionLike;
  /** We loaded the agent through the debugger (an attach session), rather than at launch. */
  readonly injected: boolean;
}

export class OperationsFeed implements IDisposable {
  private readonly processes = new Map<string, LinkedProcess>();
  private readonly sessions = new Map<string, LinkedSession>();
  /** How many times each debug session resumed: a snapshot read that began before the latest
   *  resume is stale (the program ran on), so it must neither replace the state nor mark it paused. */
  private readonly resumes = new WeakMap<DebugSessionLike, number>();
  private readonly received = new EventEmitter<ReceivedMessage>();
  /** Names of ended sessions whose processes the view still shows. */
  private readonly endedSessionNames = new Map<string, string>();
  private readonly disposables = new DisposableList();
  /** Every message of every process, hello first (a recording listens here). */
  readonly onDidReceive = this.received.event;

  constructor(
    private readonly store: OperationStoreApi,
    private readonly log: LifecycleLog,
    debug: DebugEvents,
    private readonly attachInjection?: AttachInjectionOptions,
    private readonly options: FeedOptions = {},
  ) {
    this.disposables.add(this.received);
    this.disposables.add(debug.onDidStartSession((session) => this.sessionStarted(session)));
    this.disposables.add(debug.onDidTerminateSession((session) => this.sessionEnded(session)));
    this.disposables.add(debug.onDidStop((target) => void this.onStopped(target)));
    this.disposables.add(debug.onDidContinue((session) => this.onContinued(session)));
    this.disposables.add(debug.onWillRestart((session) => this.sessionRestarting(session)));
    for (const session of debug.activeSessions()) {
      const token = launchToken(session);
      if (token) this.sessions.set(token, { root: rootOf(session), injected: false });
    }
  }

  /** The debug session a process was launched by (looked up late: the agent may connect first;
   *  kept after the session ended, for the processes the view keeps). */
  sessionName(token: string | null): string | undefined {
    return token ? this.sessions.get(token)?.root.name ?? this.endedSessionNames.get(token) : undefined;
  }

  adopt(connection: AgentConnection, source: ProcessSource): void {
    const hello = connection.hello;
    if (!hello || !connection.isOpen) return;
    const { key } = connection;
    const process: LinkedProcess = { key, hello, source, connection, paused: undefined, retiring: false };
    this.processes.set(key, process);
    this.store.addProcess(key, hello, source, this.sessions.get(hello.session ?? '')?.root.id);
    this.log.process(hello, source === 'attach' ? 'attached' : 'connected');
    this.received.fire({ key, pid: hello.pid, message: hello });
    const subscriptions = new DisposableList();
    const resync = subscriptions.add(new Resync(connection));
    subscriptions.add(connection.onInvalid((problem) => {
      // One line for the first; the process row counts the rest.
      if (this.store.process(key)?.malformed === 0) this.log.warn(`[pid ${hello.pid}] dropped a malformed message (${problem}); later ones are counted on the process row`);
      this.store.countMalformed(key);
    }));
    subscriptions.add(connection.onMessage((message) => {
      if (message.type === 'dropped') resync.request(); // events are missing: get the whole state again
      this.store.apply(key, message);
      this.log.message(key, hello.pid, message);
      this.received.fire({ key, pid: hello.pid, message });
    }));
    subscriptions.add(connection.onClose(() => {
      subscriptions.dispose();
      process.connection = undefined;
      process.paused = undefined;
      this.store.setConnected(key, false);
      this.log.processEnded(hello);
      this.review(process);
      this.trimExited();
    }));
  }

  /** Removes a process from the view, closing its channel if still open. */
  forget(key: string): void {
    const process = this.processes.get(key);
    this.processes.delete(key);
    process?.connection?.dispose();
    this.store.removeProcess(key);
  }

  /** Cancel or close an op; rejects with a CommandError that says what the program answered. */
  async command(key: string, type: 'cancel' | 'close', id: number): Promise<void> {
    const process = this.processes.get(key);
    const target = process?.paused;
    if (target) {
      const result = await commandWhilePaused(target, type, id);
      if (!result.ok) throw new CommandError(result.code, result.message);
      await this.onStopped(target); // show the effect now, while still paused
      return;
    }
    if (this.store.process(key)?.source === 'trace') throw new CommandError('READ_ONLY', 'it comes from a trace file, which is read-only');
    if (!process?.connection) throw new CommandError('DISCONNECTED', 'the process is no longer connected');
    await process.connection.command(type, id);
  }

  /** Cancels many ops of one process at once (Cancel All): resolves with the ones refused. */
  async cancelMany(key: string, ids: readonly number[]): Promise<OpFailure[]> {
    const process = this.processes.get(key);
    const target = process?.paused;
    if (target) {
      const results = await cancelManyWhilePaused(target, ids);
      await this.onStopped(target); // show the effect now, while still paused
      return results.flatMap((r, i) => (r.ok ? [] : [{ id: ids[i], error: new CommandError(r.code, r.message) }]));
    }
    if (this.store.process(key)?.source === 'trace') throw new CommandError('READ_ONLY', 'it comes from a trace file, which is read-only');
    if (!process?.connection) throw new CommandError('DISCONNECTED', 'the process is no longer connected');
    return process.connection.cancelMany(ids);
  }

  dispose(): void {
    this.disposables.dispose();
    for (const process of this.processes.values()) process.connection?.dispose();
    this.processes.clear();
  }

  /**
   * The one rule for what becomes of a process when one of its inputs changes (its channel
   * closed, its session ended or is restarting). A restart replaces its processes: they leave.
   * When its session has ended and its channel is closed, it stays in the view as it last was,
   * marked ended, for the user to look at after the fact (see trimExited). A
   * launched program exits with its session and its channel closes on its own; a program we
   * attached to keeps running, so when the debugger detaches, we disconnect (`detach`).
   */
  private review(process: LinkedProcess, detach = false): void {
    if (process.connection) {
      if (detach) process.connection.dispose(); // closing comes back here
      return;
    }
    if (process.retiring) {
      this.forget(process.key);
      return;
    }
    const token = process.hello.session;
    if (process.source !== 'debug' || token === null || this.sessions.has(token)) return;
    this.processes.delete(process.key);
    this.store.setEnded(process.key);
    this.trimExited();
  }

  /** Keeps the newest processes that exited or whose session ended (a program that starts 2,000
   *  short-lived children must not leave 2,000 rows); forgets session names none of them needs. */
  private trimExited(): void {
    const gone = this.store.processes().filter((p) => !p.connected && p.source !== 'trace');
    const max = Math.max(0, this.options.maxExited?.() ?? DEFAULT_MAX_EXITED);
    for (const p of gone.slice(0, Math.max(0, gone.length - max))) this.forget(p.key);
    const needed = new Set(this.store.processes().map((p) => p.hello.session));
    for (const token of [...this.endedSessionNames.keys()]) if (!needed.has(token)) this.endedSessionNames.delete(token);
  }

  private sessionStarted(session: DebugSessionLike): void {
    const token = launchToken(session);
    if (token && !session.parentSession) this.sessions.set(token, { root: session, injected: false });
    else if (isAttachTarget(session)) void this.injectIntoAttached(session);
  }

  /** An attach session's program runs already: load the agent through the debugger. */
  private async injectIntoAttached(session: DebugSessionLike): Promise<void> {
    const channel = this.attachInjection?.channel();
    if (!this.attachInjection || !channel || !this.attachInjection.enabled()) return;
    const token = randomUUID();
    this.sessions.set(token, { root: rootOf(session), injected: true });
    try {
      const result = await loadAgentThroughDebugger(session, this.attachInjection.agentPath, channel, token, this.attachInjection.nodeSources?.());
      if (result !== 'ok') this.log.debug(`agent not loaded into "${session.name}": ${result}`);
    } catch (error) {
      this.log.debug(`agent not loaded into "${session.name}": ${(error as Error).message}`);
    }
  }

  /** A restart kills the session's processes and launches anew under the same token: the old
   *  processes leave the view (now, or when they close) instead of lingering as "exited". */
  private sessionRestarting(session: DebugSessionLike): void {
    const token = launchToken(session);
    if (!token) return;
    for (const process of [...this.processes.values()]) {
      if (process.source !== 'debug' || process.hello.session !== token) continue;
      process.retiring = true;
      this.review(process);
    }
  }

  private sessionEnded(session: DebugSessionLike): void {
    for (const process of this.processes.values()) if (process.paused?.session === session) this.unpause(process);
    if (session.parentSession) return;
    for (const [token, linked] of [...this.sessions]) {
      if (linked.root !== session) continue;
      this.sessions.delete(token);
      this.endedSessionNames.set(token, linked.root.name);
      for (const process of [...this.processes.values()]) {
        if (process.hello.session === token) this.review(process, linked.injected);
      }
    }
  }

  /** The async-channel token of a debug session: from its launch, or the one we injected. */
  private tokenOf(session: DebugSessionLike): string | undefined {
    const launched = launchToken(session);
    if (launched) return launched;
    const root = rootOf(session);
    for (const [token, linked] of this.sessions) if (linked.root === root) return token;
    return undefined;
  }

  /** The process a paused session's snapshot belongs to: its session's, with that pid (two
   *  programs in two containers may share a pid; they never share a session). */
  private pausedProcess(session: DebugSessionLike, pid: number): LinkedProcess | undefined {
    const token = this.tokenOf(session);
    const candidates = [...this.processes.values()].filter((p) => p.connection && p.hello.pid === pid);
    if (token) return candidates.find((p) => p.hello.session === token);
    // A debug session we know no token of (the program was started elsewhere): only a pid no other process has.
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  private async onStopped(target: PausedTarget): Promise<void> {
    const resumesBefore = this.resumes.get(target.session) ?? 0;
    try {
      const snapshot = await readPausedSnapshot(target);
      if ((this.resumes.get(target.session) ?? 0) !== resumesBefore) return; // continued meanwhile
      const process = this.pausedProcess(target.session, snapshot.pid);
      if (!process || snapshot.messages === null) return;
      process.paused = target;
      if (snapshot.invalid > 0) this.log.warn(`[pid ${snapshot.pid}] the paused snapshot held ${snapshot.invalid} malformed lines (dropped)`);
      this.store.replaceWithSnapshot(process.key, snapshot.messages);
      this.store.setPaused(process.key, true);
    } catch (error) {
      this.log.debug(`could not read operations while paused: ${(error as Error).message}`);
    }
  }

  private onContinued(session: DebugSessionLike): void {
    this.resumes.set(session, (this.resumes.get(session) ?? 0) + 1);
    for (const process of this.processes.values()) if (process.paused?.session === session) this.unpause(process);
  }

  private unpause(process: LinkedProcess): void {
    process.paused = undefined;
    this.store.setPaused(process.key, false);
  }
}
