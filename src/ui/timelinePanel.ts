// Async Operations: Show Timeline. One webview panel beside the editor, for the process picked in
// it (live, or an opened trace). Live processes are followed: the ops that changed are sent in
// batches at most every UPDATE_MS, never the whole process per change; a trace is sent whole, in
// pieces, once. Everything the webview says is validated (core/timelineMessages.ts) before use.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { OperationStoreApi, ProcessView, StoreChange } from '../core/model';
import type { OperationStore } from '../core/operationStore';
import { TimelineBuilder } from '../core/timeline';
import { OPS_PER_MESSAGE, parseFromWebview, type FromWebview, type ToWebview } from '../core/timelineMessages';
import type { AgentMessage, LifecycleMessage } from '../protocol/messages';
import { isLifecycleType } from '../protocol/schema';
import { TIMELINE_VIEW_TYPE } from '../contributions';
import type { OperationsTree, TreeElement } from './operationsTree';
import { processLabel, siteLocation } from './presentation';
import { plain } from './untrusted';
import type { ReplayController } from './replay';

/** Live changes reach the webview at most this often. */
const UPDATE_MS = 200;

export interface TimelineDeps {
  readonly store: OperationStore;
  readonly tree: OperationsTree;
  readonly view: vscode.TreeView<TreeElement>;
  readonly replay: ReplayController;
  readonly onDidReceive: vscode.Event<{ key: string; message: AgentMessage }>;
  readonly extensionUri: vscode.Uri;
}

export class TimelinePanel implements vscode.Disposable {
  private static current: TimelinePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private key: string | undefined;
  private builder = new TimelineBuilder();
  private timer: NodeJS.Timeout | undefined;
  private ready = false;

  /** Shows the panel (making it once) on `key`'s process, or the one it shows, or a likely one. */
  static show(deps: TimelineDeps, key: string | undefined): TimelinePanel {
    const existing = TimelinePanel.current;
    if (existing) {
      existing.panel.reveal(undefined, true); // where it is: a second Show Timeline does not move it
      if (key && key !== existing.key) existing.pick(key);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(TIMELINE_VIEW_TYPE, 'Async Operations Timeline', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      // Only the bundle: the page loads nothing else. Its state survives hide/show through
      // getState/setState (and the data is sent again), so the page need not be kept alive hidden.
      localResourceRoots: [vscode.Uri.joinPath(deps.extensionUri, 'dist'), vscode.Uri.joinPath(deps.extensionUri, 'media')],
    });
    TimelinePanel.current = new TimelinePanel(panel, deps, key ?? likelyProcess(deps.store));
    return TimelinePanel.current;
  }

  static get shown(): TimelinePanel | undefined {
    return TimelinePanel.current;
  }

  private constructor(readonly panel: vscode.WebviewPanel, private readonly deps: TimelineDeps, key: string | undefined) {
    this.key = key;
    panel.webview.html = html(panel.webview, deps.extensionUri);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw) => {
        const message = parseFromWebview(raw);
        if (message) void this.receive(message);
      }),
      // A hidden webview is torn down (no retainContextWhenHidden): it says ready again when shown.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      deps.store.onDidChange((change) => this.onStoreChange(change)),
      deps.onDidReceive(({ key: from, message }) => {
        // Only while the page shows: hidden, it is rebuilt from the store when shown again, so
        // nothing grows meanwhile.
        if (this.ready && from === this.key && this.isLive() && isLifecycleType(message.type)) {
          this.builder.apply(message as LifecycleMessage);
          this.schedule();
        }
      }),
      deps.replay.onDidChange((key) => {
        if (key === this.key) this.sendCursor();
      }),
    );
  }

  /** The page has loaded its script and said it is ready. */
  get isReady(): boolean {
    return this.ready;
  }

  get processKey(): string | undefined {
    return this.key;
  }

  pick(key: string): void {
    this.key = key;
    this.sendAll();
  }

  private async receive(message: FromWebview): Promise<void> {
    const { replay } = this.deps;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sendAll();
        break;
      case 'pick':
        if (this.deps.store.process(message.key)) this.pick(message.key);
        break;
      case 'reveal':
        await this.reveal(message.key, message.id);
        break;
      case 'seek':
        replay.seek(message.key, message.t);
        break;
      case 'step':
        replay.step(message.key, message.delta);
        break;
      case 'endReplay':
        replay.end(message.key);
        break;
    }
  }

  /** Clicking a bar: the op's row in the tree, selected, and its creation site in an editor. */
  private async reveal(key: string, id: number): Promise<void> {
    const { store, tree, view } = this.deps;
    if (!store.op(key, id)) {
      void vscode.window.showInformationMessage(`Operation #${id} is not in the Async Operations view at this moment (not created yet, or no longer kept).`);
      return;
    }
    const element = tree.opElement(key, id);
    try {
      await view.reveal(element, { select: true, focus: false, expand: false });
    } catch {
      // Beyond a "show more" page: the row is not listed, the site still opens.
    }
    // The site opens in another editor group than the timeline's, which stays in sight.
    const site = store.op(key, id)?.site;
    const location = site ? siteLocation(site) : undefined;
    if (!location) return;
    const column = this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
    try {
      await vscode.window.showTextDocument(location.uri, { viewColumn: column, selection: new vscode.Range(location.position, location.position), preview: true, preserveFocus: true });
    } catch (error) {
      void vscode.window.showErrorMessage(`Cannot open ${plain(site!)}: ${plain((error as Error).message)}`);
    }
  }

  private isLive(): boolean {
    return Boolean(this.key && !this.deps.replay.has(this.key) && this.deps.store.process(this.key)?.source !== 'trace');
  }

  private onStoreChange(change: StoreChange): void {
    if (!this.ready) return;
    if (change.processes.size > 0) this.post(this.processList());
    const key = this.key;
    if (!key || !this.isLive()) return;
    const process = this.deps.store.process(key);
    if (!process) return;
    if (change.processes.has(key)) {
      this.reseed(key); // too many changes to list, or the process was replaced by a snapshot
    } else {
      for (const id of change.ops.get(key) ?? []) {
        const op = this.deps.store.op(key, id);
        if (op) this.builder.seed(op);
        else this.builder.remove(id); // dropped by retention or Clear Finished
      }
    }
    this.builder.latestT = Math.max(this.builder.latestT, process.latestT);
    this.schedule();
  }

  /** The live process's ops as the store has them now, with the marks already seen kept. */
  private reseed(key: string): void {
    const { store } = this.deps;
    for (const op of this.builder.all()) if (!store.op(key, op.id)) this.builder.remove(op.id);
    for (const m of store.snapshotMessages(key)) {
      if (m.type === 'created' || m.type === 'completed' || m.type === 'canceled' || m.type === 'error') this.builder.apply(m);
    }
  }

  private schedule(): void {
    if (this.timer || !this.ready) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, UPDATE_MS);
  }

  private flush(): void {
    const key = this.key;
    if (!key || !this.ready) return;
    const { upserts, removed } = this.builder.takeChanges();
    if (upserts.length === 0 && removed.length === 0) return;
    this.sendOps(key, upserts, removed, true);
  }

  private sendAll(): void {
    if (!this.ready) return;
    const { store, replay } = this.deps;
    this.post(this.processList());
    const key = this.key && store.process(this.key) ? this.key : likelyProcess(store);
    this.key = key;
    if (!key) return;
    const process = store.process(key)!;
    this.builder = new TimelineBuilder();
    const trace = replay.traceOf(key);
    // A trace is drawn whole from its own messages (the store may be showing a moment of it).
    const messages = trace ? trace.messages : store.snapshotMessages(key);
    for (const m of messages) if (isLifecycleType(m.type)) this.builder.apply(m as LifecycleMessage);
    if (!trace) this.builder.latestT = Math.max(this.builder.latestT, process.latestT);
    this.builder.takeChanges();
    this.post({ type: 'reset', key, label: describeProcess(process), trace: Boolean(trace), latestT: this.builder.latestT });
    this.sendOps(key, this.builder.all(), [], !trace);
    this.sendCursor();
  }

  private sendOps(key: string, upserts: ReturnType<TimelineBuilder['all']>, removed: number[], live: boolean): void {
    const latestT = this.builder.latestT;
    for (let i = 0; i < Math.max(1, upserts.length); i += OPS_PER_MESSAGE) {
      this.post({ type: 'ops', key, upserts: upserts.slice(i, i + OPS_PER_MESSAGE), removed: i === 0 ? removed : [], latestT, live });
    }
  }

  private sendCursor(): void {
    const key = this.key;
    const cursor = key ? this.deps.replay.cursorOf(key) : undefined;
    if (key && cursor) this.post({ type: 'cursor', key, cursor });
  }

  private processList(): ToWebview {
    const items = this.deps.store.processes().map((p) => ({ key: p.key, label: describeProcess(p) }));
    return { type: 'processes', items, selected: this.key ?? null };
  }

  private post(message: ToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (TimelinePanel.current === this) TimelinePanel.current = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function describeProcess(process: ProcessView): string {
  const what = process.source === 'trace' ? 'trace' : process.connected ? 'live' : 'exited';
  return `${processLabel(process)} (pid ${process.hello.pid}, ${what})`;
}

/** Without a choice: the newest process that is live, else the newest with ops. */
function likelyProcess(store: OperationStoreApi): string | undefined {
  const processes = store.processes();
  const live = processes.filter((p) => p.connected && p.opCount > 0);
  return (live[live.length - 1] ?? processes.filter((p) => p.opCount > 0).pop() ?? processes[processes.length - 1])?.key;
}

function html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'timeline.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'timeline.css'));
  // Nothing inline but what carries the nonce; no eval; no network.
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}" nonce="${nonce}">
<title>Async Operations Timeline</title>
</head>
<body>
<header id="toolbar">
  <vscode-single-select id="process" aria-label="Process"></vscode-single-select>
  <span id="title"></span>
  <span id="summary" aria-live="polite"></span>
  <span class="spacer"></span>
  <vscode-button id="zoomIn" secondary title="Zoom in (or Ctrl+wheel)">+</vscode-button>
  <vscode-button id="zoomOut" secondary title="Zoom out (or Ctrl+wheel)">&minus;</vscode-button>
  <vscode-button id="fit" secondary title="Show the whole run">Fit</vscode-button>
  <vscode-button id="follow" title="Keep the latest moment in sight while the process runs">Follow</vscode-button>
</header>
<nav id="replay" aria-label="Replay">
  <vscode-button id="prev" secondary title="The state before the previous event (Async Operations: Replay: Previous Event)">Previous event</vscode-button>
  <vscode-button id="next" secondary title="The state after the next event (Async Operations: Replay: Next Event)">Next event</vscode-button>
  <span id="moment">the whole trace</span>
  <span class="hint">click the timeline to place the cursor there</span>
  <vscode-button id="whole" secondary title="Back to the whole trace">Whole trace</vscode-button>
</nav>
<main id="chart"><canvas id="canvas" aria-describedby="lanes"></canvas></main>
<p id="empty" hidden>No process to show yet: start debugging a program that uses the IAsyncInfo runtime, or open a trace.</p>
<ol id="lanes" class="visually-hidden" aria-label="Operations in sight"></ol>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
