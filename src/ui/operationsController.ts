// Ties channels, debug sessions and the store together: every agent connection becomes a process
// in the store, and Cancel/Close go to the program by whichever path works right now, the live
// channel while it runs, the debug session's evaluate while it is paused.
import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import type { OperationStoreApi, ProcessSource } from '../core/model';
import type { AgentMessage } from '../protocol/messages';
import { CommandError, type AgentConnection } from '../transport/agentConnection';
import { Resync } from '../transport/resync';
import { isAttachTarget, loadAgentThroughDebugger, rootOf } from './attachInjection';
import { sessionToken } from './debugInjection';
import type { LifecycleLog } from './lifecycleLog';
import { commandWhilePaused, readPausedSnapshot, type PausedTarget, type PauseTracker } from './pausedSessions';

export interface MessageTap {
  (key: string, pid: number, message: AgentMessage): void;
}

export class OperationsController implements vscode.Disposable {
  private readonly connections = new Map<string, AgentConnection>();
  /** Debug session per async-channel session token, root sessions only. */
  private readonly sessions = new Map<string, vscode.DebugSession>();
  /** Where each paused process can be reached: process key -> paused target. */
  private readonly paused = new Map<string, PausedTarget>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly taps = new Set<MessageTap>();
  /** Session tokens of agents we loaded into programs we attached to. */
  private readonly injectedTokens = new Set<string>();
  /** How many times each debug session resumed: a snapshot read that began before the latest
   *  resume is stale (the program ran on), so it must neither replace the state nor mark it paused. */
  private readonly resumes = new WeakMap<vscode.DebugSession, number>();
  /** Processes of a session being restarted: removed when they close, the new launch replaces them. */
  private readonly retiring = new Set<string>();

  constructor(
    private readonly store: OperationStoreApi,
    private readonly log: LifecycleLog,
    pauses: PauseTracker,
    restarts: { readonly onWillRestart: vscode.Event<vscode.DebugSession> },
    private readonly attachInjection?: { agentPath: string; channel: () => string | undefined; enabled: () => boolean },
  ) {
    this.disposables.push(
      vscode.debug.onDidStartDebugSession((session) => {
        const token = sessionToken(session);
        if (token && !session.parentSession) this.sessions.set(token, session);
        else if (isAttachTarget(session)) void this.injectIntoAttached(session);
      }),
      vscode.debug.onDidTerminateDebugSession((session) => this.sessionEnded(session)),
      pauses.onDidStop((target) => void this.onStopped(target)),
      pauses.onDidContinue((session) => this.onContinued(session)),
      restarts.onWillRestart((session) => this.sessionRestarting(session)),
    );
    for (const session of [vscode.debug.activeDebugSession].filter(Boolean) as vscode.DebugSession[]) {
      const token = sessionToken(session);
      if (token) this.sessions.set(token, session);
    }
  }

  /** Streams every message of every process to `tap` (recording) until disposed. */
  addTap(tap: MessageTap): vscode.Disposable {
    this.taps.add(tap);
    return new vscode.Disposable(() => this.taps.delete(tap));
  }

  /** The debug session a process was launched by (looked up late: the agent may connect first). */
  sessionName(token: string | null): string | undefined {
    return token ? this.sessions.get(token)?.name : undefined;
  }

  adopt(connection: AgentConnection, source: ProcessSource): void {
    const hello = connection.hello!;
    const key = connection.key;
    const session = hello.session ? this.sessions.get(hello.session) : undefined;
    this.connections.set(key, connection);
    this.store.addProcess(key, hello, source, session?.id);
    this.log.process(key, hello, source === 'attach' ? 'attached' : 'connected');
    for (const tap of this.taps) tap(key, hello.pid, hello);
    const resync = new Resync(connection);
    connection.onMessage((message) => {
      if (message.type === 'dropped') resync.request(); // events are missing: get the whole state again
      this.store.apply(key, message);
      this.log.message(key, hello.pid, message);
      for (const tap of this.taps) tap(key, hello.pid, message);
    });
    connection.onClose(() => {
      resync.dispose();
      this.connections.delete(key);
      this.paused.delete(key);
      this.store.setConnected(key, false);
      this.log.processEnded(key, hello);
      // Its debug session already ended (nothing left to inspect through it), or is restarting.
      const restarted = this.retiring.delete(key);
      if (restarted || (source === 'debug' && hello.session && !this.sessions.has(hello.session))) this.store.removeProcess(key);
    });
  }

  /** An attach session's program runs already: load the agent through the debugger. */
  private async injectIntoAttached(session: vscode.DebugSession): Promise<void> {
    const channel = this.attachInjection?.channel();
    if (!this.attachInjection || !channel || !this.attachInjection.enabled()) return;
    const token = randomUUID();
    this.sessions.set(token, rootOf(session));
    this.injectedTokens.add(token);
    try {
      const result = await loadAgentThroughDebugger(session, this.attachInjection.agentPath, channel, token);
      if (result !== 'ok') this.log.debugInfo(`agent not loaded into "${session.name}": ${result}`);
    } catch (error) {
      this.log.debugInfo(`agent not loaded into "${session.name}": ${(error as Error).message}`);
    }
  }

  /** A restart kills the session's processes and launches anew under the same token: the old
   *  processes leave the view (now, or when they close) instead of lingering as "exited". */
  private sessionRestarting(session: vscode.DebugSession): void {
    const token = sessionToken(session);
    if (!token) return;
    for (const process of this.store.processes()) {
      if (process.source !== 'debug' || process.hello.session !== token) continue;
      if (process.connected) this.retiring.add(process.key);
      else this.store.removeProcess(process.key);
    }
  }

  /** Removes a process from the view (and closes its channel if still open). */
  forget(key: string): void {
    this.retiring.delete(key);
    this.connections.get(key)?.dispose();
    this.store.removeProcess(key);
  }

  private sessionEnded(session: vscode.DebugSession): void {
    for (const [key, target] of this.paused) if (target.session === session) this.unpause(key);
    if (session.parentSession) return;
    for (const [token, root] of this.sessions) {
      if (root !== session) continue;
      this.sessions.delete(token);
      const injected = this.injectedTokens.delete(token);
      for (const process of this.store.processes()) {
        if (process.hello.session !== token) continue;
        // A launched program exits with its session (its channel closes on its own); a program
        // we attached to keeps running: detaching ends our view of it too.
        if (!process.connected) this.store.removeProcess(process.key);
        else if (injected) this.forget(process.key);
      }
    }
  }

  private async onStopped(target: PausedTarget): Promise<void> {
    const resumesBefore = this.resumes.get(target.session) ?? 0;
    try {
      const snapshot = await readPausedSnapshot(target);
      if ((this.resumes.get(target.session) ?? 0) !== resumesBefore) return; // continued meanwhile
      const process = this.store.processes().find((p) => p.connected && p.hello.pid === snapshot.pid);
      if (!process || snapshot.text === null) return;
      this.paused.set(process.key, target);
      const messages = snapshot.text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as AgentMessage);
      this.store.replaceWithSnapshot(process.key, messages);
      this.store.setPaused(process.key, true);
    } catch (error) {
      this.log.debugInfo(`could not read operations while paused: ${(error as Error).message}`);
    }
  }

  private onContinued(session: vscode.DebugSession): void {
    this.resumes.set(session, (this.resumes.get(session) ?? 0) + 1);
    for (const [key, target] of this.paused) if (target.session === session) this.unpause(key);
  }

  private unpause(key: string): void {
    this.paused.delete(key);
    if (this.store.process(key)) this.store.setPaused(key, false);
  }

  /** Cancel or close an op; rejects with an Error whose message says what the program answered. */
  async command(key: string, type: 'cancel' | 'close', id: number): Promise<void> {
    const target = this.paused.get(key);
    if (target) {
      const result = await commandWhilePaused(target, type, id);
      if (!result.ok) throw new CommandError(result.code, result.message);
      await this.onStopped(target); // show the effect now, while still paused
      return;
    }
    if (this.store.process(key)?.source === 'trace') throw new CommandError('READ_ONLY', 'it comes from a trace file, which is read-only');
    const connection = this.connections.get(key);
    if (!connection) throw new CommandError('DISCONNECTED', 'the process is no longer connected');
    await connection.command(type, id);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    for (const connection of this.connections.values()) connection.dispose();
    this.connections.clear();
    this.taps.clear();
  }
}
