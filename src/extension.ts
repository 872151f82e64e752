// Wiring only: every listener, command, view and process goes into context.subscriptions.
import * as path from 'path';
import * as vscode from 'vscode';
import { OperationStore } from './core/operationStore';
import { CONFIG_SECTION, Commands, ContextKeys, OUTPUT_NAME, Settings, VIEW_ID } from './contributions';
import { ChannelServer } from './transport/channelServer';
import { attachInteractively, type AttachArgs } from './ui/attachCommand';
import { registerViewCommands } from './ui/commands';
import { ContextKey } from './ui/contextKey';
import { DebugInjection } from './ui/debugInjection';
import { LifecycleLog } from './ui/lifecycleLog';
import { OperationsController } from './ui/operationsController';
import { OperationsTree } from './ui/operationsTree';
import { PauseTracker } from './ui/pausedSessions';
import { RestartTracker } from './ui/sessionRestarts';
import { PendingStatusBar, pendingTotal } from './ui/statusBar';
import { registerTraceCommands } from './ui/traceCommands';

export interface ExtensionApi {
  readonly store: OperationStore;
  readonly channelAddress: string | undefined;
  readonly tree: OperationsTree;
  readonly controller: OperationsController;
}

export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi> {
  const subs = context.subscriptions;
  const config = () => vscode.workspace.getConfiguration(CONFIG_SECTION);
  const retention = () => ({
    maxFinished: config().get<number>(Settings.MaxFinished, 10000),
    finishedTtlMs: config().get<number>(Settings.FinishedTtlSeconds, 0) * 1000,
  });

  const store = new OperationStore({ retention: retention() });
  subs.push({ dispose: () => store.dispose() });
  const output = vscode.window.createOutputChannel(OUTPUT_NAME, { log: true });
  subs.push(output);
  const log = new LifecycleLog(output, (key, id) => store.op(key, id)?.name);

  let server: ChannelServer | undefined;
  const agentPath = path.join(context.extensionPath, 'dist', 'agent.js');
  const pauses = new PauseTracker();
  const restarts = new RestartTracker();
  const controller = new OperationsController(store, log, pauses, restarts, {
    agentPath,
    channel: () => server?.address,
    enabled: () => config().get<boolean>(Settings.InjectAgent, true),
  });
  subs.push(pauses, restarts, controller);

  try {
    server = await ChannelServer.start();
    subs.push(server, server.onDidConnect((connection) => controller.adopt(connection, 'debug')));
  } catch (error) {
    output.error(`Could not open the debug channel; operations of debugged programs will not show: ${(error as Error).message}`);
  }
  subs.push(new DebugInjection(agentPath, () => server?.address));

  const tree = new OperationsTree(store, () => config().get<number>(Settings.PageSize, 1000), (p) => controller.sessionName(p.hello.session));
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  subs.push(tree, view);

  const hasProcesses = new ContextKey<boolean>(ContextKeys.HasProcesses);
  const updateView = () => {
    hasProcesses.set(store.processes().length > 0);
    const pending = pendingTotal(store);
    view.badge = pending > 0 ? { value: pending, tooltip: `${pending} pending operations` } : undefined;
  };
  subs.push(store.onDidChange(updateView));
  updateView();

  subs.push(new PendingStatusBar(store));
  subs.push(...registerViewCommands(store, tree, view, controller));
  subs.push(...registerTraceCommands(store, controller));
  subs.push(vscode.commands.registerCommand(Commands.Attach, (args?: AttachArgs) => attachInteractively(controller, args)));
  subs.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(CONFIG_SECTION)) store.setRetention(retention());
  }));

  return { store, channelAddress: server?.address, tree, controller };
}

export function deactivate(): void {}
