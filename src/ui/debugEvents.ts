// VS Code's debug sessions as the session layer's port (DebugEvents): session starts and ends,
// and, from the Node debug adapters' own traffic, stops, resumes and restarts.
import * as vscode from 'vscode';
import { EventEmitter } from '../common/events';
import { DisposableList } from '../common/disposable';
import { NODE_LAUNCH_TYPES, type DebugEvents, type DebugSessionLike, type PausedTarget } from '../transport/debugPort';

interface DapMessage {
  type?: string;
  event?: string;
  command?: string;
  body?: { threadId?: number };
  arguments?: { restart?: boolean };
}

/** Requests after which the program runs again: not every adapter announces `continued` for them. */
const RESUMING = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'restartFrame']);

export class VsCodeDebugEvents implements DebugEvents, vscode.Disposable {
  private readonly disposables = new DisposableList();
  private readonly stopped = this.disposables.add(new EventEmitter<PausedTarget>());
  private readonly continued = this.disposables.add(new EventEmitter<DebugSessionLike>());
  private readonly restarting = this.disposables.add(new EventEmitter<DebugSessionLike>());

  readonly activeSessions = (): DebugSessionLike[] => (vscode.debug.activeDebugSession ? [vscode.debug.activeDebugSession] : []);
  readonly onDidStartSession = vscode.debug.onDidStartDebugSession;
  readonly onDidTerminateSession = vscode.debug.onDidTerminateDebugSession;
  readonly onDidStop = this.stopped.event;
  readonly onDidContinue = this.continued.event;
  /** Restart reaches the adapter as a `restart` request (js-debug) or, for adapters without one,
   *  as `disconnect` with `restart: true` followed by a new launch under the same session. */
  readonly onWillRestart = this.restarting.event;

  constructor() {
    const factory: vscode.DebugAdapterTrackerFactory = {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (message: DapMessage) => {
          if (message.type !== 'event') return;
          if (message.event === 'stopped') this.stopped.fire({ session, threadId: message.body?.threadId ?? 0 });
          else if (message.event === 'continued') this.continued.fire(session);
        },
        onWillReceiveMessage: (message: DapMessage) => {
          if (message.type !== 'request') return;
          if (message.command === 'restart' || (message.command === 'disconnect' && message.arguments?.restart === true)) {
            this.restarting.fire(session);
          }
          if (RESUMING.has(message.command ?? '')) this.continued.fire(session);
        },
        onExit: () => this.continued.fire(session),
      }),
    };
    for (const type of NODE_LAUNCH_TYPES) this.disposables.add(vscode.debug.registerDebugAdapterTrackerFactory(type, factory));
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
