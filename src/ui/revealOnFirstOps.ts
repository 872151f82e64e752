// The view sits below Breakpoints in Run and Debug, collapsed until opened: when a debug session
// first has operations, show it (expanded, without taking focus or selecting anything). Once per
// session: a user who folds it again keeps it folded.
import type * as vscode from 'vscode';
import type { OperationStoreApi } from '../core/model';
import type { OperationsTree, TreeElement } from './operationsTree';

export function revealOnFirstOperations(store: OperationStoreApi, tree: OperationsTree, view: vscode.TreeView<TreeElement>): vscode.Disposable {
  const shown = new Set<string>();
  return store.onDidChange(() => {
    for (const process of store.processes()) {
      const session = process.hello.session ?? process.key;
      if (process.source !== 'debug' || !process.connected || process.opCount === 0 || shown.has(session)) continue;
      shown.add(session);
      if (!view.visible) void Promise.resolve(view.reveal(tree.processElement(process.key), { select: false, focus: false, expand: true })).catch(() => undefined);
    }
  });
}
