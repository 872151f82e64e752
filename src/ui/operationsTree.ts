// The Async Operations tree: processes at the root, operations nested under the op whose work
// created them. By default each parent lists its live ops first, oldest first (a hang rises to
// the top), then one "N finished" row that folds the rest. Elements are small stable keys, and
// a change redraws only the rows whose text changed: VS Code re-fetches a refreshed row's whole
// subtree and re-creates its inline actions, so a parent is refreshed only when its list of
// children changes, and a row the pointer rests on is left alone by the ticking clock.
import * as vscode from 'vscode';
import { DisposableList } from '../common/disposable';
import type { OpFilter, OperationStoreApi, OpView, ProcessView, SiblingGroup, StoreChange } from '../core/model';
import { isFlat } from '../core/opFilter';
import { Commands, RowContext } from '../contributions';
import {
  opContext, opDescription, opIcon, opTooltip, processDescription, processLabel,
} from './presentation';

/** How often the elapsed time of pending rows is brought up to date. */
const TICK_MS = 1000;
/** A row whose tooltip was just resolved is under the pointer: the clock leaves it alone this long. */
const HOVER_MS = 15_000;
/** How long the lists of a process with a hovered row wait before they are redrawn (its new ops
 *  show this much later). */
const LIST_HOVER_MS = 5_000;

/** The collapsible state a row's look ends with (see appearance()). */
function shapeOf(look: string): string {
  return look.slice(look.lastIndexOf('\u0000') + 1);
}
const EXPANDED = String(vscode.TreeItemCollapsibleState.Expanded);

export type SortOrder = 'pendingFirst' | 'age';

export type TreeElement =
  | { readonly type: 'session'; readonly token: string }
  | { readonly type: 'process'; readonly key: string }
  | { readonly type: 'op'; readonly key: string; readonly id: number }
  | { readonly type: 'finished'; readonly key: string; readonly parent: number | null }
  /** Many siblings of one name, as one row (`writeChunk ×5,000`) that expands to them. */
  | { readonly type: 'siblings'; readonly key: string; readonly parent: number | null; readonly name: string }
  /** A process with no operations: says why, and what to do. */
  | { readonly type: 'empty'; readonly key: string }
  | { readonly type: 'more'; readonly key: string; readonly parent: number | null; readonly group: 'live' | 'finished' | undefined; readonly shown: number; readonly name?: string };

type OpElement = Extract<TreeElement, { type: 'op' }>;

/** What a row showed when last drawn, to tell whether a change needs a redraw. */
interface Drawn {
  /** Label, icon, actions and whether it folds: a change shows at once. */
  look: string;
  /** The description (elapsed time, progress): a change alone waits for the clock's next tick. */
  description: string;
  /** Listed with the live ops (else in its parent's finished group). */
  live: boolean;
  /** The op it was listed under (null: the process). */
  parent: number | null;
}

export class OperationsTree implements vscode.TreeDataProvider<TreeElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeElement | TreeElement[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables = new DisposableList();
  /** Interned elements: the tree view compares elements by identity. */
  private readonly sessionElements = new Map<string, TreeElement>();
  private readonly processElements = new Map<string, TreeElement>();
  private readonly opElements = new Map<string, Map<number, OpElement>>();
  private readonly finishedElements = new Map<string, TreeElement>();
  private readonly siblingElements = new Map<string, TreeElement>();
  /** The group names each parent's rows were drawn with (`key/parent`): a change redraws its lists. */
  private drawnGroups = new Map<string, string>();
  /** Rows the view holds, as last drawn: only these are ever told to redraw (a redraw of a row the
   *  view does not hold makes VS Code redraw far more). Reset when the rows are all fetched anew. */
  private drawn = new WeakMap<TreeElement, Drawn>();
  /** Elements the view was given as children since the rows were last all fetched anew: only
   *  these lists are redrawn (asking VS Code to redraw an element it does not hold redraws more). */
  private handedOut = new WeakSet<TreeElement>();
  private readonly hovered = new WeakMap<TreeElement, number>();
  /** How many children are shown per (process, parent, group), grown by "Show more". */
  private readonly shown = new Map<string, number>();
  private filter: OpFilter = {};
  /** Debug sessions of several processes, by token: computed once per change of the process set,
   *  not once per row (with 2,000 processes that made each redraw take seconds). */
  private groups: Map<string, ProcessView[]> | undefined;
  /** The ids a filtered flat list showed per process, to tell whether it changed. */
  private readonly flatListed = new Map<string, number[]>();
  private order: SortOrder = 'pendingFirst';
  private readonly tick: NodeJS.Timeout;
  private readonly ticked = new vscode.EventEmitter<void>();
  /** The view's clock ticked (once a second): counts shown outside the rows follow it, together. */
  readonly onDidTick = this.ticked.event;
  /** Lists (a parent's rows) to redraw at the next tick; redrawing a list redraws every row in it. */
  private readonly dueLists = new Set<TreeElement>();
  /** Processes with a row the pointer rests on, by key: every list of theirs waits to be redrawn
   *  (until this time), so no row moves under the pointer (a list above it, another op's children,
   *  would push it down as much as its own) and its inline buttons are not re-created there. */
  private readonly heldProcesses = new Map<string, number>();
  /** Rows with children (or gaining or losing them) that changed while their process was held. */
  private readonly heldRows = new Set<Exclude<TreeElement, { type: 'session' }>>();

  constructor(
    private readonly store: OperationStoreApi,
    private readonly pageSize: () => number,
    private readonly sessionName: (process: ProcessView) => string | undefined,
    /** Siblings of one name shown as one row from this many on (0: never). */
    private groupMin: () => number = () => 0,
  ) {
    this.disposables.add(this.changed);
    this.disposables.add(this.ticked);
    this.disposables.add(store.onDidChange((change) => this.refresh(change)));
    this.tick = setInterval(() => this.redrawChangedText(), TICK_MS);
    this.tick.unref?.();
  }

  setFilter(filter: OpFilter): void {
    this.filter = filter;
    this.refetchAll();
  }

  get currentFilter(): OpFilter {
    return this.filter;
  }

  setOrder(order: SortOrder): void {
    if (order === this.order) return;
    this.order = order;
    this.refetchAll();
  }

  /** Every row is fetched anew (another filter or order): what was drawn before is not shown now. */
  private refetchAll(): void {
    this.shown.clear();
    this.flatListed.clear();
    this.dueLists.clear();
    this.drawn = new WeakMap();
    this.heldRows.clear();
    this.handedOut = new WeakSet();
    this.drawnGroups.clear();
    this.opElements.clear();
    this.changed.fire(undefined);
  }

  /** The grouping setting changed: every row is fetched anew. */
  regroup(): void {
    this.refetchAll();
  }

  get currentOrder(): SortOrder {
    return this.order;
  }

  private isFlat(): boolean {
    return isFlat(this.filter);
  }

  private grouped(): boolean {
    return this.order === 'pendingFirst' && !this.isFlat();
  }

  private refresh(change: StoreChange): void {
    if (change.processes.size > 0) this.groups = undefined;
    const due = new Set<TreeElement>();
    for (const key of change.processes) {
      const process = this.processElements.get(key);
      if (!process || !this.store.process(key)) {
        this.changed.fire(undefined); // processes came or went: the roots change
        return;
      }
      this.dueLists.add(process); // its state changed, or too many of its ops to list: its rows redraw
    }
    for (const [key, ids] of change.ops) {
      const process = this.processElements.get(key);
      if (!process || change.processes.has(key)) continue; // not shown yet, or redrawn whole
      const known = this.opElements.get(key);
      if (this.isFlat()) {
        this.refreshFlat(key, ids, process, due);
        continue;
      }
      for (const id of ids) {
        const element = known?.get(id);
        const op = this.store.op(key, id);
        if (!op) {
          // Dropped (retention, Clear Finished): its row leaves its list; its element is forgotten,
          // so long sessions do not keep one per op ever shown.
          const drawn = element ? this.drawn.get(element) : undefined;
          known?.delete(id);
          if (drawn) this.listChanged(key, drawn.live, drawn.parent);
          continue;
        }
        if (this.regrouped(key, this.listParent(key, op))) continue;
        const group = this.groupOf(key, op);
        if (group) {
          // One of many of its name: its list is the group's (redrawn only when it is open) and the
          // group's row counts it.
          const before = element ? this.drawn.get(element) : undefined;
          if (!before) this.dueLists.add(group);
          else this.redrawIfChanged(element!, due, true);
          this.redrawIfChanged(group, due, true);
          continue;
        }
        const live = this.isLive(key, op);
        const before = element ? this.drawn.get(element) : undefined;
        if (!before) {
          this.listChanged(key, live, op.parent); // new to the view: it joins a list
        } else if (before.live !== live || before.parent !== op.parent) {
          // Moved between the live rows and the finished group (or to another parent): both lists change.
          this.listChanged(key, before.live, before.parent);
          this.listChanged(key, live, op.parent);
        } else {
          this.redrawIfChanged(element!, due, true);
        }
      }
    }
    if (due.size > 0) this.changed.fire([...due]);
  }

  /** The parent an op is listed under: its parent op if the view knows it, else the process (null). */
  private listParent(key: string, op: OpView): number | null {
    return op.parent !== null && this.store.op(key, op.parent) ? op.parent : null;
  }

  /** Groups of identical siblings under `parent` (none in a flat list, or when the setting is 0). */
  private groupsOf(key: string, parent: number | null): SiblingGroup[] {
    const min = this.groupMin();
    if (min < 2 || this.isFlat()) return [];
    return this.store.siblingGroups(key, parent, min, Boolean(this.filter.hideFinished));
  }

  /** The group row an op is listed under, if its name is one of many under its parent. */
  private groupOf(key: string, op: OpView): TreeElement | undefined {
    const parent = this.listParent(key, op);
    if (!this.groupsOf(key, parent).some((g) => g.name === op.name)) return undefined;
    return this.siblingsElement(key, parent, op.name);
  }

  /** Whether `parent`'s groups changed since its rows were drawn: then its lists redraw whole. */
  private regrouped(key: string, parent: number | null): boolean {
    const slot = `${key}/${parent ?? ''}`;
    const drawn = this.drawnGroups.get(slot);
    if (drawn === undefined) return false;
    const now = this.groupsOf(key, parent).map((g) => `${g.name}\u0000${g.live ? 1 : 0}`).join('\u0001');
    if (now === drawn) return false;
    this.drawnGroups.set(slot, now);
    const parentElement = this.parentElement(key, parent);
    this.dueLists.add(parentElement);
    this.dueLists.add(this.finishedElement(key, parent));
    return true;
  }

  siblingsElement(key: string, parent: number | null, name: string): TreeElement {
    const slot = `${key}/${parent ?? ''}/${name}`;
    let element = this.siblingElements.get(slot);
    if (!element) this.siblingElements.set(slot, (element = { type: 'siblings', key, parent, name }));
    return element;
  }

  /** A filtered flat list: redrawn whole only when what it lists changed (an op began or
   *  stopped matching, came or went), else only the rows whose look changed. */
  private refreshFlat(key: string, ids: ReadonlySet<number>, process: TreeElement, due: Set<TreeElement>): void {
    const listed = this.flatListed.get(key);
    const limit = this.shown.get(this.slot(key, null, undefined)) ?? this.pageSize();
    const now = this.store.children(key, null, 0, limit, this.filter).map((op) => op.id);
    if (!listed || listed.length !== now.length || listed.some((id, i) => id !== now[i])) {
      this.dueLists.add(process);
      return;
    }
    const known = this.opElements.get(key);
    for (const id of ids) {
      const element = known?.get(id);
      if (element) this.redrawIfChanged(element, due, true);
    }
  }

  /** The list an op of `key` under `parent` is in (live rows, or the finished group) gained or lost it. */
  private listChanged(key: string, live: boolean, parent: number | null): void {
    const parentElement = this.parentElement(key, parent);
    const list = this.listOf(key, live, parentElement);
    this.dueLists.add(list);
    // The finished group's row comes and goes with its first and last op.
    if (list !== parentElement && this.store.childCount(key, parent, { group: 'finished' }) <= 1) this.dueLists.add(parentElement);
  }

  /** The element whose children list `key`'s ops under `parent` (an element) in the given group. */
  private listOf(key: string, live: boolean, parent: TreeElement): TreeElement {
    if (!this.grouped() || live || this.filter.hideFinished) return parent;
    return this.finishedElement(key, parent.type === 'op' ? parent.id : null);
  }

  /** An op's parent row: the op it was created under, if the view knows it, else the process. */
  private parentElement(key: string, parent: number | null): TreeElement {
    return parent !== null && this.store.op(key, parent) ? this.opElement(key, parent) : this.processElement(key);
  }

  private isLive(key: string, op: OpView): boolean {
    if (!op.closed && !op.released && op.endT === undefined) return true;
    return this.store.childCount(key, op.id, { group: 'live' }) > 0;
  }

  /** Every redraw of a row costs its tooltip and inline actions if the pointer is on it (and,
   *  in VS Code, sometimes a tooltip shown on another row): with `lookOnly`, a row whose
   *  description alone changed (progress, elapsed) waits for the clock, so a busy op redraws
   *  once a second rather than with every event. */
  private redrawIfChanged(element: TreeElement, due: Set<TreeElement>, lookOnly = false): void {
    const drawn = this.drawn.get(element);
    if (!drawn) return; // not drawn yet: it will be drawn fresh
    const now = this.appearance(element);
    if (now.look === drawn.look && (lookOnly || now.description === drawn.description)) return;
    // VS Code lists a redrawn row's children anew, and a row that gains or loses children grows or
    // shrinks: either moves the rows below it. While the pointer rests in its process, such a row
    // waits with the lists; a row without children is redrawn in place.
    if (element.type !== 'process' && element.type !== 'session' && this.held(element.key)
      && (element.type !== 'op' || shapeOf(drawn.look) === EXPANDED || shapeOf(now.look) !== shapeOf(drawn.look))) this.heldRows.add(element);
    else due.add(element);
  }

  /** Whether the pointer rests on a row of this process (its lists and row shapes wait). */
  private held(key: string): boolean {
    return (this.heldProcesses.get(key) ?? 0) > Date.now();
  }

  /** The clock: pending rows whose elapsed text moved on, and process and session counts, each
   *  redrawn alone (a process row redraws its whole subtree, so counts move on at most once a tick). */
  private redrawChangedText(): void {
    const due = new Set<TreeElement>();
    const now = Date.now();
    for (const [key, ops] of this.opElements) {
      const process = this.store.process(key);
      if (!process?.connected) continue;
      for (const element of ops.values()) {
        if ((this.hovered.get(element) ?? 0) > now) continue;
        const op = this.store.op(key, element.id);
        if (op && op.endT === undefined && !op.closed && !op.released) this.redrawIfChanged(element, due);
      }
    }
    for (const element of [...this.processElements.values(), ...this.sessionElements.values()]) this.redrawIfChanged(element, due);
    // A group row's counts by status follow the clock too (its total is in its label: at once).
    for (const element of this.siblingElements.values()) if ((this.hovered.get(element) ?? 0) <= now) this.redrawIfChanged(element, due);
    for (const [key, until] of this.heldProcesses) if (until <= now) this.heldProcesses.delete(key);
    for (const row of [...this.heldRows]) {
      if (this.heldProcesses.has(row.key)) continue;
      this.heldRows.delete(row);
      due.add(row);
    }
    for (const list of [...this.dueLists]) {
      if (list.type !== 'session' && this.heldProcesses.has(list.key)) continue; // waits for the pointer to move on
      this.dueLists.delete(list);
      // A list the view was never given (a finished group not shown yet) comes with its parent's.
      if (this.handedOut.has(list)) due.add(list);
    }
    this.ticked.fire();
    if (due.size > 0) this.changed.fire([...due]);
  }

  /** What a row shows, as two strings: its look, and its description. */
  private appearance(element: TreeElement, item = this.draw(element)): { look: string; description: string } {
    const icon = item.iconPath instanceof vscode.ThemeIcon ? `${item.iconPath.id}/${(item.iconPath.color as { id?: string } | undefined)?.id ?? ''}` : '';
    return { look: `${String(item.label)}\u0000${icon}\u0000${item.contextValue ?? ''}\u0000${item.collapsibleState ?? ''}`, description: String(item.description ?? '') };
  }

  showMore(element: TreeElement): void {
    if (element.type !== 'more') return;
    this.shown.set(this.slot(element.key, element.parent, element.group, element.name), element.shown + this.pageSize());
    this.changed.fire(element.name !== undefined ? this.siblingsElement(element.key, element.parent, element.name)
      : element.group === 'finished' ? this.finishedElement(element.key, element.parent)
        : this.parentElement(element.key, element.parent));
  }

  private slot(key: string, parent: number | null, group: string | undefined, name?: string): string {
    return `${key}/${parent ?? ''}/${group ?? ''}${name === undefined ? '' : `/${name}`}`;
  }

  processElement(key: string): TreeElement {
    let element = this.processElements.get(key);
    if (!element) this.processElements.set(key, (element = { type: 'process', key }));
    return element;
  }

  opElement(key: string, id: number): OpElement {
    let ops = this.opElements.get(key);
    if (!ops) this.opElements.set(key, (ops = new Map()));
    let element = ops.get(id);
    if (!element) ops.set(id, (element = { type: 'op', key, id }));
    return element;
  }

  private emptyElement(key: string): TreeElement {
    const slot = `${key}/empty`;
    let element = this.finishedElements.get(slot);
    if (!element) this.finishedElements.set(slot, (element = { type: 'empty', key }));
    return element;
  }

  finishedElement(key: string, parent: number | null): TreeElement {
    const slot = `${key}/${parent ?? ''}`;
    let element = this.finishedElements.get(slot);
    if (!element) this.finishedElements.set(slot, (element = { type: 'finished', key, parent }));
    return element;
  }

  /** Debug sessions with several processes (a program and its children) get a node of their own;
   *  a session of one process shows as that process. */
  private sessionGroups(): Map<string, ProcessView[]> {
    if (this.groups) return this.groups;
    const groups = new Map<string, ProcessView[]>();
    for (const p of this.store.processes()) {
      const token = p.source === 'debug' ? p.hello.session : null;
      if (!token) continue;
      const members = groups.get(token);
      if (members) members.push(p);
      else groups.set(token, [p]);
    }
    for (const [token, members] of groups) if (members.length < 2) groups.delete(token);
    return (this.groups = groups);
  }

  private sessionElement(token: string): TreeElement {
    let element = this.sessionElements.get(token);
    if (!element) this.sessionElements.set(token, (element = { type: 'session', token }));
    return element;
  }

  getChildren(element?: TreeElement): TreeElement[] {
    const children = this.fetchChildren(element);
    for (const child of children) this.handedOut.add(child);
    return children;
  }

  private fetchChildren(element?: TreeElement): TreeElement[] {
    if (!element) {
      this.groups = undefined; // the view asks for the roots when processes came or went
      const processes = this.store.processes();
      this.forgetGone(processes);
      const sessions = this.sessionGroups();
      const roots = new Set<TreeElement>();
      for (const p of processes) {
        const token = p.hello.session;
        roots.add(token && sessions.has(token) ? this.sessionElement(token) : this.processElement(p.key));
      }
      return [...roots];
    }
    if (element.type === 'session') {
      const members = this.sessionGroups().get(element.token) ?? [];
      return members.map((p) => this.processElement(p.key));
    }
    if (element.type === 'more' || element.type === 'empty') return [];
    if (element.type === 'siblings') return this.page(element.key, element.parent, undefined, element.name);
    const key = element.key;
    const parent = element.type === 'process' || element.type === 'finished' ? (element.type === 'finished' ? element.parent : null) : element.id;
    const groups = this.groupsOf(key, parent);
    this.drawnGroups.set(`${key}/${parent ?? ''}`, groups.map((g) => `${g.name}\u0000${g.live ? 1 : 0}`).join('\u0001'));
    const except = groups.length > 0 ? new Set(groups.map((g) => g.name)) : undefined;
    const groupRows = (live: boolean | undefined) => groups.filter((g) => live === undefined || g.live === live).map((g) => this.siblingsElement(key, parent, g.name));
    if (element.type === 'finished') return [...groupRows(false), ...this.page(key, parent, 'finished', undefined, except)];
    if (parent !== null && this.isFlat()) return [];
    if (parent === null && this.store.process(key)?.opCount === 0) return [this.emptyElement(key)];
    if (!this.grouped()) return [...groupRows(undefined), ...this.page(key, parent, undefined, undefined, except)];
    const rows = [...groupRows(true), ...this.page(key, parent, 'live', undefined, except)];
    const finishedGroups = groups.some((g) => !g.live);
    if (!this.filter.hideFinished && (finishedGroups || this.store.childCount(key, parent, { group: 'finished', exceptNames: except }) > 0)) {
      rows.push(this.finishedElement(key, parent));
    }
    return rows;
  }

  /** A page of `parent`'s children in a group (or of one name, or without some names), with a
   *  "show more" row when there are more. */
  private page(key: string, parent: number | null, group: 'live' | 'finished' | undefined, name?: string, exceptNames?: ReadonlySet<string>): TreeElement[] {
    const filter: OpFilter = { ...this.filter, group, name, exceptNames };
    const limit = this.shown.get(this.slot(key, parent, group, name)) ?? this.pageSize();
    const ops = this.store.children(key, parent, 0, limit, filter);
    if (this.isFlat() && parent === null) this.flatListed.set(key, ops.map((op) => op.id));
    const rows: TreeElement[] = ops.map((op) => this.opElement(key, op.id));
    const total = this.store.childCount(key, parent, filter);
    if (total > ops.length) rows.push({ type: 'more', key, parent, group, shown: ops.length, name });
    return rows;
  }

  private forgetGone(processes: ProcessView[]): void {
    const live = new Set(processes.map((p) => p.key));
    for (const key of [...this.processElements.keys()]) {
      if (!live.has(key)) {
        this.processElements.delete(key);
        this.opElements.delete(key);
        this.flatListed.delete(key);
        for (const slot of [...this.finishedElements.keys()]) if (slot.startsWith(`${key}/`)) this.finishedElements.delete(slot);
        for (const slot of [...this.siblingElements.keys()]) if (slot.startsWith(`${key}/`)) this.siblingElements.delete(slot);
        for (const slot of [...this.drawnGroups.keys()]) if (slot.startsWith(`${key}/`)) this.drawnGroups.delete(slot);
      }
    }
  }

  getParent(element: TreeElement): TreeElement | undefined {
    if (element.type === 'session') return undefined;
    if (element.type === 'process') {
      const token = this.store.process(element.key)?.hello.session;
      return token && this.sessionGroups().has(token) ? this.sessionElement(token) : undefined;
    }
    if (element.type === 'finished') return this.parentElement(element.key, element.parent);
    if (element.type === 'siblings') {
      const live = this.groupsOf(element.key, element.parent).find((g) => g.name === element.name)?.live ?? true;
      return this.listOf(element.key, live, this.parentElement(element.key, element.parent));
    }
    if (element.type === 'empty') return this.processElement(element.key);
    if (element.type === 'more') {
      if (element.name !== undefined) return this.siblingsElement(element.key, element.parent, element.name);
      return element.group === 'finished' ? this.finishedElement(element.key, element.parent) : this.parentElement(element.key, element.parent);
    }
    const op = this.store.op(element.key, element.id);
    if (this.isFlat() || !op) return this.processElement(element.key);
    const group = this.groupOf(element.key, op);
    if (group) return group;
    return this.listOf(element.key, this.isLive(element.key, op), this.parentElement(element.key, op.parent));
  }

  getTreeItem(element: TreeElement): vscode.TreeItem {
    const item = this.draw(element);
    const key = element.type === 'op' ? element.key : '';
    const op = element.type === 'op' ? this.store.op(key, element.id) : undefined;
    this.drawn.set(element, {
      ...this.appearance(element, item),
      live: op ? this.isLive(key, op) : true,
      parent: op && op.parent !== null && this.store.op(key, op.parent) ? op.parent : null,
    });
    return item;
  }

  private draw(element: TreeElement): vscode.TreeItem {
    if (element.type === 'more') {
      const total = this.store.childCount(element.key, element.parent, { ...this.filter, group: element.group });
      const item = new vscode.TreeItem(`${element.shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} - show more`);
      item.id = `${element.key}/more/${element.parent ?? ''}/${element.group ?? ''}`;
      item.contextValue = RowContext.More;
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.command = { command: Commands.ShowMore, title: 'Show More', arguments: [element] };
      return item;
    }
    if (element.type === 'session') {
      const members = this.sessionGroups().get(element.token) ?? [];
      const name = members[0] ? this.sessionName(members[0]) : undefined;
      const item = new vscode.TreeItem(name ?? 'Debug session', vscode.TreeItemCollapsibleState.Expanded);
      item.id = `session:${element.token}`;
      item.description = `${members.length} processes`;
      item.iconPath = new vscode.ThemeIcon('debug-alt');
      item.contextValue = RowContext.Session;
      return item;
    }
    if (element.type === 'empty') {
      const item = new vscode.TreeItem('No async operations yet');
      item.id = `${element.key}/empty`;
      item.description = 'none created so far';
      item.iconPath = new vscode.ThemeIcon('info');
      item.tooltip = new vscode.MarkdownString(
        'This program has created no IAsyncInfo operations. They come from the `@asyncinfo/runtime` package '
        + '(`AsyncInfo.runOperation`, `AsyncInfo.observe` for Windows Runtime objects, `AsyncInfo.fromPromise` for promises): '
        + 'use it where the program starts asynchronous work, and its operations show here as they are created.');
      return item;
    }
    if (element.type === 'siblings') return this.drawSiblings(element);
    if (element.type === 'finished') {
      const count = this.store.childCount(element.key, element.parent, { ...this.filter, group: 'finished' });
      const item = new vscode.TreeItem(`${count.toLocaleString('en-US')} finished`, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `${element.key}/finished/${element.parent ?? ''}`;
      item.iconPath = new vscode.ThemeIcon('check-all');
      item.contextValue = RowContext.FinishedGroup;
      return item;
    }
    const process = this.store.process(element.key);
    if (!process) return new vscode.TreeItem('(gone)');
    if (element.type === 'process') {
      // Under its session's node the session's name would only repeat.
      const grouped = this.getParent(element) !== undefined;
      const item = new vscode.TreeItem(processLabel(process), vscode.TreeItemCollapsibleState.Expanded);
      item.id = element.key;
      item.description = processDescription(process, grouped ? undefined : this.sessionName(process));
      item.iconPath = new vscode.ThemeIcon(process.source === 'trace' ? 'file' : process.ended ? 'debug-disconnect' : process.paused ? 'debug-pause' : 'server-process');
      item.contextValue = process.source === 'trace' ? RowContext.ProcessTrace
        : process.ended ? RowContext.ProcessEnded
          : process.source === 'attach' ? RowContext.ProcessAttached : RowContext.Process;
      return item;
    }
    const op = this.store.op(element.key, element.id);
    if (!op) return new vscode.TreeItem('(dropped)');
    const hasChildren = !this.isFlat() && this.store.childCount(element.key, op.id, this.filter) > 0;
    const item = new vscode.TreeItem(op.name, hasChildren ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    // VS Code shows a row that becomes expandable collapsed, whatever it is told: a row that gains
    // its first child gets a new id once, so its children show as they are created.
    item.id = `${element.key}/${op.id}${hasChildren ? '/parent' : ''}`;
    item.description = opDescription(op, process);
    item.iconPath = opIcon(op, process);
    item.contextValue = opContext(op, process);
    if (op.site) item.command = { command: Commands.OpenSite, title: 'Go to Creation Site', arguments: [element] };
    return item;
  }

  private drawSiblings(element: Extract<TreeElement, { type: 'siblings' }>): vscode.TreeItem {
    const group = this.groupsOf(element.key, element.parent).find((g) => g.name === element.name);
    const count = group?.count ?? 0;
    const item = new vscode.TreeItem(`${element.name} ×${count.toLocaleString('en-US')}`, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `${element.key}/siblings/${element.parent ?? ''}/${element.name}`;
    const parts = (['Started', 'Completed', 'Canceled', 'Error'] as const)
      .filter((status) => (group?.byStatus[status] ?? 0) > 0)
      .map((status) => `${group!.byStatus[status].toLocaleString('en-US')} ${status}`);
    if (group?.warned) parts.unshift(`⚠ ${group.warned.toLocaleString('en-US')} with warnings`);
    item.description = parts.join(' · ');
    item.iconPath = new vscode.ThemeIcon(group?.warned ? 'warning' : 'layers');
    item.contextValue = RowContext.Siblings;
    // (Its tooltip comes from resolveTreeItem: VS Code asks for it on hover, which holds the row still.)
    return item;
  }

  /** Tooltips are built only for the row the pointer rests on (VS Code asks on hover), and that
   *  row is then kept still by the clock so its tooltip and inline actions stay. */
  resolveTreeItem(item: vscode.TreeItem, element: TreeElement): vscode.TreeItem {
    this.hovered.set(element, Date.now() + HOVER_MS);
    // The rows around it hold still too, so the row stays where the pointer is for a click (a group
    // row's click expands it: VS Code can lose that expand when its list redraws meanwhile).
    // (A process row stays put when its ops change: its tooltip holds nothing.)
    if (element.type !== 'session' && element.type !== 'process') this.heldProcesses.set(element.key, Date.now() + LIST_HOVER_MS);
    if (element.type === 'finished') {
      item.tooltip = `${String(item.label)}: operations that ended here (Completed, Canceled or Error), newest first. `
        + 'Clear Finished Operations (the view\'s title) removes them from the view; Hide Finished Operations hides them.';
      return item;
    }
    if (element.type === 'siblings') {
      const count = this.groupsOf(element.key, element.parent).find((g) => g.name === element.name)?.count ?? 0;
      item.tooltip = `${count.toLocaleString('en-US')} operations named ${element.name} under one parent, shown as one row (asyncOperations.groupIdenticalSiblings)`;
      return item;
    }
    const process = element.type === 'process' || element.type === 'op' ? this.store.process(element.key) : undefined;
    if (!process) return item;
    if (element.type === 'process') {
      const warned = process.warningCount > 0 ? ` · ${process.warningCount.toLocaleString('en-US')} warnings (filter is:warning)` : '';
      item.tooltip = `${process.hello.argv.join(' ')}\npid ${process.hello.pid} · ${process.hello.node} · ${process.pendingCount.toLocaleString('en-US')} pending of ${process.opCount.toLocaleString('en-US')} operations${warned}`;
    } else if (element.type === 'op') {
      const op = this.store.op(element.key, element.id);
      if (op) item.tooltip = opTooltip(op, process);
    }
    return item;
  }

  dispose(): void {
    clearInterval(this.tick);
    this.disposables.dispose();
  }
}
