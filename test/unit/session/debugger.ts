// A debugger for the session layer's tests: sessions shaped like VS Code's, events the test fires,
// and `evaluate` answered by the real program behind the session (program.js runs the expression
// the session layer built in its own global scope, as a debug adapter would).
import { EventEmitter } from '../../../src/common/events';
import { ENV } from '../../../src/protocol/environment';
import type { DebugEvents, DebugSessionLike, PausedTarget } from '../../../src/transport/debugPort';
import type { Program } from '../agent/harness';

let nextId = 1;

export class TestSession implements DebugSessionLike {
  readonly id = `session-${nextId++}`;
  readonly type: string;
  readonly configuration: { request: string; env?: Record<string, string>; __pendingTargetId?: string };
  /** Every `evaluate` expression this session was asked to run. */
  readonly evaluated: string[] = [];
  /** Held answers: a test can let an evaluate wait (a slow debugger). */
  hold: Promise<void> | undefined;

  constructor(
    readonly name: string,
    public program: Program | { answer: (expression: string) => unknown } | undefined,
    options: { token?: string; request?: 'launch' | 'attach'; type?: string; parent?: TestSession; target?: boolean } = {},
  ) {
    this.type = options.type ?? 'pwa-node';
    this.parentSession = options.parent;
    this.configuration = {
      request: options.request ?? 'launch',
      env: options.token ? { [ENV.session]: options.token } : undefined,
      __pendingTargetId: options.target ? 'target' : undefined,
    };
  }

  readonly parentSession: TestSession | undefined;

  async customRequest(command: string, args?: unknown): Promise<unknown> {
    if (command === 'stackTrace') return { stackFrames: [{ id: 1 }] };
    if (command !== 'evaluate') throw new Error(`unsupported request ${command}`);
    const expression = (args as { expression: string }).expression;
    this.evaluated.push(expression);
    await this.hold;
    if (!this.program) throw new Error('no program behind this session');
    const result = 'answer' in this.program ? this.program.answer(expression) : (await this.program.call('evaluate', { expression })).result;
    return { result: JSON.stringify(result) };
  }
}

export class TestDebugger implements DebugEvents {
  readonly sessions: TestSession[] = [];
  private readonly started = new EventEmitter<DebugSessionLike>();
  private readonly terminated = new EventEmitter<DebugSessionLike>();
  private readonly stopped = new EventEmitter<PausedTarget>();
  private readonly continued = new EventEmitter<DebugSessionLike>();
  private readonly restarting = new EventEmitter<DebugSessionLike>();
  readonly activeSessions = () => this.sessions;
  readonly onDidStartSession = this.started.event;
  readonly onDidTerminateSession = this.terminated.event;
  readonly onDidStop = this.stopped.event;
  readonly onDidContinue = this.continued.event;
  readonly onWillRestart = this.restarting.event;

  start(session: TestSession): TestSession {
    this.sessions.push(session);
    this.started.fire(session);
    return session;
  }

  end(session: TestSession): void {
    this.sessions.splice(this.sessions.indexOf(session), 1);
    this.terminated.fire(session);
  }

  stop(session: TestSession, threadId = 1): void {
    this.stopped.fire({ session, threadId });
  }

  resume(session: TestSession): void {
    this.continued.fire(session);
  }

  restart(session: TestSession): void {
    this.restarting.fire(session);
  }
}
