// Wiring only: every listener, command, view and process goes into context.subscriptions.
import * as path from 'path';
import * as vscode from 'vscode';
import { LifecycleLog } from './core/lifecycleLog';
import { OperationStore } from './core/operationStore';
import { CONFIG_SECTION, Commands, ContextKeys, OUTPUT_NAME, SETTING_DEFAULTS, Settings, VIEW_ID } from './contributions';
import { OperationsFeed } from './session/operationsFeed';
import { ChannelServer } from './transport/channelServer';
import { attachInteractively, type AttachArgs } from './ui/attachCommand';
import { registerViewCommands } from './ui/commands';
import { ContextKey } from './ui/contextKey';
import { VsCodeDebugEvents } from './ui/debugEvents';
import { DebugInjection, nodeOperations } from './ui/debugInjection';
import { OperationsTree } from './ui/operationsTree';
import { outputLogger } from './ui/outputLogger';
import { revealOnFirstOperations } from './ui/revealOnFirstOps';
import { PendingStatusBar } from './ui/statusBar';
import { registerTimelineCommands } from './ui/timelineCommands';
import { ReplayController } from './ui/replay';
import { TimelinePanel } from './ui/timelinePanel';
import { registerTraceCommands } from './ui/traceCommands';
import { WarningDiagnostics } from './ui/warningDiagnostics';
import { warningDelays } from './core/warnings/rules';
import { registerExportCommand } from './ui/exportCommand';

export interface ExtensionApi {
  readonly store: OperationStore;
  readonly channelAddress: string | undefined;
  /** The secret the window's programs say hello with (tests speak the protocol themselves). */
  readonly channelToken: string | undefined;
  readonly tree: OperationsTree;
  readonly feed: OperationsFeed;
  readonly replay: ReplayController;
  /** Whether a Show Timeline page is open and its script running (tests; the .vsix check). */
  readonly timelineReady: () => boolean;
}

export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi> {
  const subs = context.subscriptions;
  const config = () => vscode.workspace.getConfiguration(CONFIG_SECTION);
  const retention = () => ({
    maxFinished: config().get(Settings.MaxFinished, SETTING_DEFAULTS[Settings.MaxFinished]),
    finishedTtlMs: config().get(Settings.FinishedTtlSeconds, SETTING_DEFAULTS[Settings.FinishedTtlSeconds]) * 1000,
  });

  const warningSettings = () => warningDelays({
    'cancel-ignored': config().get(Settings.WarnCancelIgnored, SETTING_DEFAULTS[Settings.WarnCancelIgnored]),
    'long-pending': config().get(Settings.WarnLongPending, SETTING_DEFAULTS[Settings.WarnLongPending]),
    orphaned: config().get(Settings.WarnOrphaned, SETTING_DEFAULTS[Settings.WarnOrphaned]),
    'unobserved-error': config().get(Settings.WarnUnobservedError, SETTING_DEFAULTS[Settings.WarnUnobservedError]),
    'never-closed': config().get(Settings.WarnNeverClosed, SETTING_DEFAULTS[Settings.WarnNeverClosed]),
  });

  const store = new OperationStore({ retention: retention(), warningDelays: warningSettings() });
  subs.push({ dispose: () => store.dispose() });
  const output = vscode.window.createOutputChannel(OUTPUT_NAME, { log: true });
  subs.push(output);
  const log = new LifecycleLog(outputLogger(output), (key, id) => store.op(key, id)?.name);

  let server: ChannelServer | undefined;
  const agentPath = path.join(context.extensionPath, 'dist', 'agent.js');
  const debugEvents = new VsCodeDebugEvents();
  const feed = new OperationsFeed(store, log, debugEvents, {
    agentPath,
    channel: () => server,
    enabled: () => config().get(Settings.InjectAgent, SETTING_DEFAULTS[Settings.InjectAgent]),
    nodeSources: () => nodeOperations(config().get<unknown>(Settings.NodeOperations, SETTING_DEFAULTS[Settings.NodeOperations])),
  }, { maxExited: () => config().get(Settings.MaxExitedProcesses, SETTING_DEFAULTS[Settings.MaxExitedProcesses]) });
  subs.push(debugEvents, feed);

  try {
    server = await ChannelServer.start();
    subs.push(server, server.onDidConnect((connection) => feed.adopt(connection, 'debug')));
  } catch (error) {
    output.error(`Could not open the debug channel; operations of debugged programs will not show: ${(error as Error).message}`);
  }
  subs.push(new DebugInjection(agentPath, () => server));

  const tree = new OperationsTree(store, () => config().get(Settings.PageSize, SETTING_DEFAULTS[Settings.PageSize]), (p) => feed.sessionName(p.hello.session),
    () => config().get(Settings.GroupIdenticalSiblings, SETTING_DEFAULTS[Settings.GroupIdenticalSiblings]));
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  subs.push(tree, view);

  const hasProcesses = new ContextKey<boolean>(ContextKeys.HasProcesses);
  const updateView = () => hasProcesses.set(store.processes().length > 0);
  subs.push(store.onDidChange(updateView));
  updateView();

  const replay = new ReplayController(store);
  subs.push(replay);

  // One count, computed once a tick, shown in the view's title and the status bar together; while
  // a trace is replayed, the title says which moment the tree shows.
  const statusBar = new PendingStatusBar(store);
  const showCounts = () => {
    const pending = statusBar.update();
    const counts = pending === undefined ? undefined : `${pending.toLocaleString('en-US')} pending`;
    const moment = replay.describe();
    const description = moment && counts ? `${moment} · ${counts}` : moment ?? counts;
    // Only on a change: each write redraws the view's title, which closes a menu open on it.
    if (view.description !== description) view.description = description;
  };
  // On the clock (warning counts too), not on every change: each write of the title redraws it.
  subs.push(statusBar, tree.onDidTick(showCounts), store.onDidChange((change) => change.processes.size > 0 && showCounts()), replay.onDidChange(() => {
    // A replay move can change any row of the trace's process at once (a backward move rebuilds
    // it): the tree fetches its rows anew rather than wait for per-list redraws.
    tree.regroup();
    showCounts();
  }));
  showCounts();
  subs.push(new WarningDiagnostics(store));
  subs.push(revealOnFirstOperations(store, tree, view));
  subs.push(...registerViewCommands(store, tree, view, feed, context.workspaceState));
  subs.push(...registerTraceCommands(store, feed, vscode.Uri.joinPath(context.globalStorageUri, 'traces'), (key, trace) => replay.add(key, trace)));
  subs.push(registerExportCommand(store, vscode.Uri.joinPath(context.globalStorageUri, 'exports')));
  subs.push(...registerTimelineCommands({ store, tree, view, replay, onDidReceive: feed.onDidReceive, extensionUri: context.extensionUri }));
  subs.push(vscode.commands.registerCommand(Commands.Attach, (args?: AttachArgs) => attachInteractively(feed, args)));
  subs.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(`${CONFIG_SECTION}.retention`)) store.setRetention(retention());
    if (e.affectsConfiguration(`${CONFIG_SECTION}.warnings`)) store.setWarningDelays(warningSettings());
    if (e.affectsConfiguration(`${CONFIG_SECTION}.${Settings.GroupIdenticalSiblings}`)) tree.regroup();
  }));

  return { store, channelAddress: server?.address, channelToken: server?.token, tree, feed, replay, timelineReady: () => TimelinePanel.shown?.isReady ?? false };
}

export function deactivate(): void {}
