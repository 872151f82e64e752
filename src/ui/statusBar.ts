// "N pending" in the status bar while debugging or while any process is connected.
import * as vscode from 'vscode';
import { DisposableList } from '../common/disposable';
import type { OperationStoreApi } from '../core/model';
import { VIEW_ID } from '../contributions';

/** Operations still running in the processes that are still connected. */
export function pendingTotal(store: OperationStoreApi): number {
  return store.processes().reduce((sum, p) => sum + (p.connected ? p.pendingCount : 0), 0);
}

/** Shows the total of the pending counts the view's process rows show, redrawn with them (one
 *  count, computed once), and only while a process is connected. */
export class PendingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('asyncOperations.pending', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions = new DisposableList();

  constructor(private readonly store: OperationStoreApi, countsDrawn: vscode.Event<void>) {
    this.item.name = 'Async Operations';
    this.item.command = `${VIEW_ID}.focus`;
    this.subscriptions.add(countsDrawn(() => this.update()));
    this.subscriptions.add(store.onDidChange((change) => change.processes.size > 0 && this.update()));
    this.update();
  }

  private update(): void {
    const processes = this.store.processes().filter((p) => p.connected);
    if (processes.length === 0) {
      this.item.hide();
      return;
    }
    const pending = pendingTotal(this.store);
    this.item.text = `$(sync) ${pending.toLocaleString('en-US')} pending`;
    this.item.tooltip = `Async operations still running in ${processes.length} process${processes.length === 1 ? '' : 'es'}`;
    this.item.show();
  }

  dispose(): void {
    this.subscriptions.dispose();
    this.item.dispose();
  }
}
