// The Async Operations tree: processes at the root, operations nested under the op whose work
// created them, children in pages. Elements are small stable keys, so refreshing one changed op
// redraws one row, and TreeItem ids survive refreshes (selection and expansion stay put).
import * as vscode from 'vscode';
import { DisposableList } from '../common/disposable';
import type { OpFilter, OperationStoreApi, ProcessView, StoreChange } from '../core/model';
import { Commands, RowContext } from '../contributions';
import {
  opContext, opDescription, opIcon, opTooltip, processDescription, processLabel,
} from './presentation';

const COUNT_REFRESH_MS = 1000;

export type TreeElement =
  | { readonly type: 'session'; readonly token: string }
  | { readonly type: 'process'; readonly key: string }
  | { readonly type: 'op'; readonly key: string; readonly id: number }
  | { readonly type: 'more'; readonly key: string; readonly parent: number | null; readonly shown: number };

export class OperationsTree implements vscode.TreeDataProvider<TreeElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeElement | TreeElement[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables = new DisposableList();
  /** Interned elements: the tree view compares elements by identity. */
  private readonly sessionElements = new Map<string, TreeElement>();
  private readonly processElements = new Map<string, TreeElement>();
  private readonly opElements = new Map<string, Map<number, TreeElement>>();
  /** How many children are shown per (process, parent), grown by "Show more". */
  private readonly shown = new Map<string, number>();
  private filter: OpFilter = {};

  constructor(
    private readonly store: OperationStoreApi,
    private readonly pageSize: () => number,
    private readonly sessionName: (process: ProcessView) => string | undefined,
  ) {
    this.disposables.add(this.changed);
    this.disposables.add(store.onDidChange((change) => this.refresh(change)));
  }

  setFilter(filter: OpFilter): void {
    this.filter = filter;
    this.shown.clear();
    this.changed.fire(undefined);
  }

  get currentFilter(): OpFilter {
    return this.filter;
  }

  private refresh(change: StoreChange): void {
    if (change.processes.size > 0 || this.isFlat()) {
      this.changed.fire(undefined); // processes come and go, or a filtered flat list re-sorts
      return;
    }
    const elements = new Set<TreeElement>();
    for (const [key, ids] of change.ops) {
      const known = this.opElements.get(key);
      const process = this.processElements.get(key);
      if (!process) continue; // the view has not shown this process yet
      // Refreshing a process redraws its whole first page of rows: for its pending count alone,
      // do that at most once a second.
      this.scheduleCountRefresh(process);
      for (const id of ids) {
        if (!this.store.op(key, id)) {
          // Dropped (retention, Clear Finished): its row leaves its parent's list. A nested op's
          // parent is reported changed too; a root op's is the process. Its element is forgotten,
          // so long sessions do not keep one per op ever shown.
          known?.delete(id);
          elements.add(process);
          continue;
        }
        const element = known?.get(id);
        if (element) elements.add(element);
        // A new op (or one that may appear or vanish under hideFinished) changes its parent's rows.
        if (!element || this.filter.hideFinished) {
          const op = this.store.op(key, id);
          elements.add(op && op.parent !== null && known?.has(op.parent) ? this.opElement(key, op.parent) : process);
        }
      }
    }
    if (elements.size > 0) this.changed.fire([...elements]);
  }

  private readonly countRefreshes = new Set<TreeElement>();
  private countTimer: NodeJS.Timeout | undefined;

  private scheduleCountRefresh(process: TreeElement): void {
    this.countRefreshes.add(process);
    const session = this.getParent(process); // its pending total too
    if (session) this.countRefreshes.add(session);
    this.countTimer ??= setTimeout(() => {
      this.countTimer = undefined;
      const due = [...this.countRefreshes];
      this.countRefreshes.clear();
      this.changed.fire(due);
    }, COUNT_REFRESH_MS);
  }

  private isFlat(): boolean {
    return Boolean(this.filter.text) || Boolean(this.filter.statuses && this.filter.statuses.size > 0);
  }

  showMore(element: TreeElement): void {
    if (element.type !== 'more') return;
    const slot = `${element.key}/${element.parent ?? ''}`;
    this.shown.set(slot, element.shown + this.pageSize());
    this.changed.fire(element.parent === null ? this.processElement(element.key) : this.opElement(element.key, element.parent));
  }

  processElement(key: string): TreeElement {
    let element = this.processElements.get(key);
    if (!element) this.processElements.set(key, (element = { type: 'process', key }));
    return element;
  }

  opElement(key: string, id: number): TreeElement {
    let ops = this.opElements.get(key);
    if (!ops) this.opElements.set(key, (ops = new Map()));
    let element = ops.get(id);
    if (!element) ops.set(id, (element = { type: 'op', key, id }));
    return element;
  }

  /** Debug sessions with several processes (a program and its children) get a node of their own;
   *  a session of one process shows as that process. */
  private sessionsWithSeveralProcesses(processes: ProcessView[]): Map<string, ProcessView[]> {
    const groups = new Map<string, ProcessView[]>();
    for (const p of processes) {
      const token = p.source === 'debug' ? p.hello.session : null;
      if (token) groups.set(token, [...(groups.get(token) ?? []), p]);
    }
    for (const [token, members] of groups) if (members.length < 2) groups.delete(token);
    return groups;
  }

  private sessionElement(token: string): TreeElement {
    let element = this.sessionElements.get(token);
    if (!element) this.sessionElements.set(token, (element = { type: 'session', token }));
    return element;
  }

  getChildren(element?: TreeElement): TreeElement[] {
    if (!element) {
      const processes = this.store.processes();
      this.forgetGone(processes);
      const sessions = this.sessionsWithSeveralProcesses(processes);
      const roots = new Set<TreeElement>();
      for (const p of processes) {
        const token = p.hello.session;
        roots.add(token && sessions.has(token) ? this.sessionElement(token) : this.processElement(p.key));
      }
      return [...roots];
    }
    if (element.type === 'session') {
      const members = this.sessionsWithSeveralProcesses(this.store.processes()).get(element.token) ?? [];
      return members.map((p) => this.processElement(p.key));
    }
    if (element.type === 'more') return [];
    const parent = element.type === 'process' ? null : element.id;
    if (parent !== null && this.isFlat()) return [];
    const slot = `${element.key}/${parent ?? ''}`;
    const limit = this.shown.get(slot) ?? this.pageSize();
    const ops = this.store.children(element.key, parent, 0, limit, this.filter);
    const rows: TreeElement[] = ops.map((op) => this.opElement(element.key, op.id));
    const total = this.store.childCount(element.key, parent, this.filter);
    if (total > ops.length) rows.push({ type: 'more', key: element.key, parent, shown: ops.length });
    return rows;
  }

  private forgetGone(processes: ProcessView[]): void {
    const live = new Set(processes.map((p) => p.key));
    for (const key of [...this.processElements.keys()]) {
      if (!live.has(key)) {
        this.processElements.delete(key);
        this.opElements.delete(key);
      }
    }
  }

  getParent(element: TreeElement): TreeElement | undefined {
    if (element.type === 'session') return undefined;
    if (element.type === 'process') {
      const token = this.store.process(element.key)?.hello.session;
      return token && this.sessionsWithSeveralProcesses(this.store.processes()).has(token) ? this.sessionElement(token) : undefined;
    }
    const parent = element.type === 'op' ? this.store.op(element.key, element.id)?.parent ?? null : element.parent;
    if (parent === null || this.isFlat() || !this.store.op(element.key, parent)) return this.processElement(element.key);
    return this.opElement(element.key, parent);
  }

  getTreeItem(element: TreeElement): vscode.TreeItem {
    if (element.type === 'more') {
      const total = this.store.childCount(element.key, element.parent, this.filter);
      const item = new vscode.TreeItem(`${element.shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} - show more`);
      item.id = `${element.key}/more/${element.parent ?? ''}`;
      item.contextValue = RowContext.More;
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.command = { command: Commands.ShowMore, title: 'Show More', arguments: [element] };
      return item;
    }
    if (element.type === 'session') {
      const members = this.sessionsWithSeveralProcesses(this.store.processes()).get(element.token) ?? [];
      const name = members[0] ? this.sessionName(members[0]) : undefined;
      const item = new vscode.TreeItem(name ?? 'Debug session', vscode.TreeItemCollapsibleState.Expanded);
      item.id = `session:${element.token}`;
      const pending = members.reduce((sum, p) => sum + p.pendingCount, 0);
      item.description = `${members.length} processes · ${pending} pending`;
      item.iconPath = new vscode.ThemeIcon('debug-alt');
      item.contextValue = RowContext.Session;
      return item;
    }
    const process = this.store.process(element.key);
    if (!process) return new vscode.TreeItem('(gone)');
    if (element.type === 'process') {
      // Under its session's node the session's name would only repeat.
      const grouped = this.getParent(element) !== undefined;
      const item = new vscode.TreeItem(processLabel(process, grouped ? undefined : this.sessionName(process)), vscode.TreeItemCollapsibleState.Expanded);
      item.id = element.key;
      item.description = processDescription(process);
      item.iconPath = new vscode.ThemeIcon(process.source === 'trace' ? 'file' : process.paused ? 'debug-pause' : 'server-process');
      item.contextValue = process.source === 'trace' ? RowContext.ProcessTrace : process.source === 'attach' ? RowContext.ProcessAttached : RowContext.Process;
      return item;
    }
    const op = this.store.op(element.key, element.id);
    if (!op) return new vscode.TreeItem('(dropped)');
    const hasChildren = !this.isFlat() && this.store.childCount(element.key, op.id, this.filter) > 0;
    const item = new vscode.TreeItem(op.name, hasChildren ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = `${element.key}/${op.id}`;
    item.description = opDescription(op, process);
    item.iconPath = opIcon(op);
    item.contextValue = opContext(op, process);
    if (op.site) item.command = { command: Commands.OpenSite, title: 'Go to Creation Site', arguments: [element] };
    return item;
  }

  /** Tooltips are built only for the row the pointer rests on, not for every row of a page. */
  resolveTreeItem(item: vscode.TreeItem, element: TreeElement): vscode.TreeItem {
    const process = element.type === 'process' || element.type === 'op' ? this.store.process(element.key) : undefined;
    if (!process) return item;
    if (element.type === 'process') {
      item.tooltip = `${process.hello.argv.join(' ')}\npid ${process.hello.pid} · ${process.hello.node} · ${process.opCount} operations`;
    } else if (element.type === 'op') {
      const op = this.store.op(element.key, element.id);
      if (op) item.tooltip = opTooltip(op, process);
    }
    return item;
  }

  dispose(): void {
    clearTimeout(this.countTimer);
    this.disposables.dispose();
  }
}
