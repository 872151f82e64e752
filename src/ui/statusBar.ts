// "N pending" in the status bar while debugging or while any process is connected.
import * as vscode from 'vscode';
import { DisposableList } from '../common/disposable';
import type { OperationStoreApi } from '../core/model';
import { VIEW_ID } from '../contributions';

/** Operations still running in the processes that are still connected. */
export function pendingTotal(store: OperationStoreApi): number {
  return store.processes().reduce((sum, p) => sum + (p.connected ? p.pendingCount : 0), 0);
}

export class PendingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('asyncOperations.pending', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions = new DisposableList();

  constructor(private readonly store: OperationStoreApi) {
    this.item.name = 'Async Operations';
    this.item.command = `${VIEW_ID}.focus`;
    this.subscriptions.add(store.onDidChange(() => this.update()));
    this.subscriptions.add(vscode.debug.onDidStartDebugSession(() => this.update()));
    this.subscriptions.add(vscode.debug.onDidTerminateDebugSession(() => this.update()));
    this.update();
  }

  private update(): void {
    const processes = this.store.processes().filter((p) => p.connected);
    if (processes.length === 0 && !vscode.debug.activeDebugSession) {
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
