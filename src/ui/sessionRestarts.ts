// Restarting a debug session (the Restart button) kills its processes and launches the program
// again under the same session, with the same launch environment and so the same async-channel
// token: without this, the old process would stay in the view as "exited" beside the new one
// until the session ends. Restart reaches the adapter either as a `restart` request (js-debug) or,
// for adapters without one, as `disconnect` with `restart: true` followed by a new launch.
import * as vscode from 'vscode';

interface DapRequest {
  type?: string;
  command?: string;
  arguments?: { restart?: boolean };
}

/** Fires the session the user asked to restart, before its processes are killed. */
export class RestartTracker implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.DebugSession>();
  readonly onWillRestart = this.emitter.event;
  private readonly registrations: vscode.Disposable[];

  constructor(types: readonly string[] = ['pwa-node', 'node-terminal']) {
    const factory: vscode.DebugAdapterTrackerFactory = {
      createDebugAdapterTracker: (session) => ({
        onWillReceiveMessage: (message: DapRequest) => {
          if (message.type !== 'request') return;
          if (message.command === 'restart' || (message.command === 'disconnect' && message.arguments?.restart === true)) {
            this.emitter.fire(session);
          }
        },
      }),
    };
    this.registrations = types.map((type) => vscode.debug.registerDebugAdapterTrackerFactory(type, factory));
  }

  dispose(): void {
    for (const r of this.registrations) r.dispose();
    this.emitter.dispose();
  }
}
