// The view's commands. Errors from the program (E_ILLEGAL_STATE_CHANGE, NOT_FOUND, ...) reach the
// user as messages that say which operation and why.
import * as vscode from 'vscode';
import type { OperationStoreApi, OpFilter, OpStatusName, OpView } from '../core/model';
import { isFlat } from '../core/opFilter';
import { Commands, ContextKeys } from '../contributions';
import { NOT_FOUND } from '../protocol/messages';
import { CommandError, NO_ANSWER } from '../transport/agentConnection';
import { ContextKey } from './contextKey';
import { plain } from './untrusted';
import { formatFilter, OP_STATUSES, parseFilter } from './filterInput';
import type { OperationsFeed } from '../session/operationsFeed';
import type { OperationsTree, SortOrder, TreeElement } from './operationsTree';
import { siteLocation, siteText } from './presentation';

/** The view's choices as saved between reloads (per workspace). */
interface SavedViewState {
  text?: string;
  statuses?: OpStatusName[];
  sources?: string[];
  hideFinished?: boolean;
  order?: SortOrder;
}

const VIEW_STATE_KEY = 'asyncOperations.viewState';

export function registerViewCommands(
  store: OperationStoreApi,
  tree: OperationsTree,
  view: vscode.TreeView<TreeElement>,
  feed: OperationsFeed,
  memory: vscode.Memento,
): vscode.Disposable[] {
  const hidingFinished = new ContextKey<boolean>(ContextKeys.HidingFinished);
  const filtered = new ContextKey<boolean>(ContextKeys.Filtered);
  const sortedByAge = new ContextKey<boolean>(ContextKeys.SortedByAge);

  const save = () => {
    const filter = tree.currentFilter;
    const state: SavedViewState = {
      text: filter.text, statuses: filter.statuses ? [...filter.statuses] : undefined, sources: filter.sources ? [...filter.sources] : undefined,
      hideFinished: filter.hideFinished, order: tree.currentOrder,
    };
    void memory.update(VIEW_STATE_KEY, state);
  };

  const opOf = (element: TreeElement | undefined): { key: string; op: OpView } | undefined => {
    const target = element ?? view.selection[0];
    if (target?.type !== 'op') return undefined;
    const op = store.op(target.key, target.id);
    return op ? { key: target.key, op } : undefined;
  };

  const run = async (type: 'cancel' | 'close', element: TreeElement | undefined) => {
    const found = opOf(element);
    if (!found) return;
    try {
      await feed.command(found.key, type, found.op.id);
    } catch (error) {
      if (error instanceof CommandError && error.code === NOT_FOUND) {
        // The program let go of it since the view last heard: say so on its row, and here.
        store.markReleased(found.key, found.op.id);
        void vscode.window.showInformationMessage(`"${plain(found.op.name, 80)}" #${found.op.id} is no longer in the program (closed or released): shown as released.`);
        return;
      }
      const message = describeFailure(type, found.op, error);
      if (error instanceof CommandError && error.code === NO_ANSWER) void vscode.window.showWarningMessage(message);
      else void vscode.window.showErrorMessage(message);
    }
  };

  const setFilter = (change: Partial<OpFilter>, remember = true) => {
    const next = { ...tree.currentFilter, ...change };
    tree.setFilter(next);
    filtered.set(isFlat(next));
    hidingFinished.set(Boolean(next.hideFinished));
    if (remember) save();
  };
  const setOrder = (order: SortOrder, remember = true) => {
    tree.setOrder(order);
    sortedByAge.set(order === 'age');
    if (remember) save();
  };

  // What the user chose last time in this workspace (a value from an older version is ignored).
  const saved = memory.get<SavedViewState>(VIEW_STATE_KEY) ?? {};
  const statuses = Array.isArray(saved.statuses) ? saved.statuses.filter((s) => OP_STATUSES.includes(s)) : [];
  setFilter({
    text: typeof saved.text === 'string' && saved.text ? saved.text : undefined,
    statuses: statuses.length ? new Set(statuses) : undefined,
    sources: Array.isArray(saved.sources) && saved.sources.length ? new Set(saved.sources.filter((s) => typeof s === 'string')) : undefined,
    hideFinished: saved.hideFinished === true,
  }, false);
  setOrder(saved.order === 'age' ? 'age' : 'pendingFirst', false);

  return [
    vscode.commands.registerCommand(Commands.CancelOperation, (e?: TreeElement) => run('cancel', e)),
    vscode.commands.registerCommand(Commands.CloseOperation, (e?: TreeElement) => run('close', e)),
    vscode.commands.registerCommand(Commands.CancelAllPending, async () => {
      // One command per process (every process at once): a program that answers late must not
      // make the user wait op by op, and 50,000 ops must not mean 50,000 commands.
      let asked = 0;
      const failures = (await Promise.all(store.processes().filter((p) => p.connected).map(async (process) => {
        const ops = pendingOps(store, process.key);
        asked += ops.length;
        if (ops.length === 0) return [];
        try {
          const refused = await feed.cancelMany(process.key, ops.map((op) => op.id));
          const byId = new Map(ops.map((op) => [op.id, op]));
          return refused.map(({ id, error }) => describeFailure('cancel', byId.get(id) ?? ops[0], error));
        } catch (error) {
          return [`${describeFailure('cancel', ops[0], error)}${ops.length > 1 ? ` (and ${ops.length - 1} more of that process)` : ''}`];
        }
      }))).flat();
      if (failures.length) void vscode.window.showErrorMessage(`${failures.length} of ${asked} cancellations failed. ${failures[0]}`);
      else if (asked === 0) void vscode.window.showInformationMessage('No pending operations to cancel.');
    }),
    vscode.commands.registerCommand(Commands.ClearFinished, () => store.clearFinished()),
    vscode.commands.registerCommand(Commands.Filter, async () => {
      const input = await vscode.window.showInputBox({
        title: 'Filter Async Operations',
        prompt: 'Name or #id, and optionally status:Started,Completed,Canceled,Error, source:promise,observed,runtime, is:warning or warning:cancel-ignored,long-pending,orphaned,unobserved-error,never-closed',
        value: formatFilter(tree.currentFilter),
        validateInput: (value) => {
          const parsed = parseFilter(value, false);
          return typeof parsed === 'string' ? parsed : undefined;
        },
      });
      if (input === undefined) return;
      const parsed = parseFilter(input, Boolean(tree.currentFilter.hideFinished));
      if (typeof parsed !== 'string') setFilter(parsed);
    }),
    vscode.commands.registerCommand(Commands.ClearFilter, () => setFilter({ text: undefined, statuses: undefined, sources: undefined })),
    vscode.commands.registerCommand(Commands.HideFinished, () => setFilter({ hideFinished: true })),
    vscode.commands.registerCommand(Commands.ShowFinished, () => setFilter({ hideFinished: false })),
    vscode.commands.registerCommand(Commands.SortByAge, () => setOrder('age')),
    vscode.commands.registerCommand(Commands.SortPendingFirst, () => setOrder('pendingFirst')),
    vscode.commands.registerCommand(Commands.ShowMore, (e: TreeElement) => tree.showMore(e)),
    vscode.commands.registerCommand(Commands.OpenSite, async (e?: TreeElement) => {
      const found = opOf(e);
      const location = found?.op.site ? siteLocation(found.op.site) : undefined;
      if (!location) {
        if (found) void vscode.window.showInformationMessage(`No source location for operation #${found.op.id}: its creation site is ${found.op.site ? plain(found.op.site) : siteText(found.op)}.`);
        return;
      }
      try {
        await vscode.window.showTextDocument(location.uri, { selection: new vscode.Range(location.position, location.position), preview: true, preserveFocus: true });
      } catch (error) {
        void vscode.window.showErrorMessage(`Cannot open ${plain(found!.op.site)}: ${plain((error as Error).message)}`);
      }
    }),
    vscode.commands.registerCommand(Commands.Disconnect, (e?: TreeElement) => {
      if (e?.type === 'process') feed.forget(e.key);
    }),
    vscode.commands.registerCommand(Commands.RemoveProcess, (e?: TreeElement) => {
      if (e?.type === 'process') feed.forget(e.key);
    }),
  ];
}

/** Every op of a process that a Cancel could still act on, walked without recursion (a parent
 *  chain 40,000 deep must not overflow the stack). */
function pendingOps(store: OperationStoreApi, key: string): OpView[] {
  const found: OpView[] = [];
  const parents: (number | null)[] = [null];
  while (parents.length > 0) {
    for (const op of store.children(key, parents.pop()!, 0, Number.MAX_SAFE_INTEGER)) {
      if (op.endT === undefined && !op.cancelRequested && !op.closed && !op.released && op.canCancel) found.push(op);
      parents.push(op.id);
    }
  }
  return found;
}

/** The message for a failed Cancel/Close. The op's name and the program's answer are the
 *  program's text: quoted with plain(), so they cannot form a link in the notification. */
export function describeFailure(type: 'cancel' | 'close', op: OpView, error: unknown): string {
  const verb = type === 'cancel' ? 'cancel' : 'close';
  const which = `"${plain(op.name, 80)}" #${op.id}`;
  if (error instanceof CommandError && error.code === NO_ANSWER) {
    return `${verb === 'cancel' ? 'Cancel' : 'Close'} of ${which} is waiting: ${error.message}.`;
  }
  if (error instanceof CommandError) {
    const why = error.code === 'E_ILLEGAL_STATE_CHANGE' && type === 'close'
      ? 'it is still running; cancel it first, or wait until it finishes'
      : plain(error.message);
    return `Could not ${verb} ${which}: ${why} (${plain(error.code, 40)}).`;
  }
  return `Could not ${verb} ${which}: ${plain((error as Error)?.message ?? String(error))}`;
}
