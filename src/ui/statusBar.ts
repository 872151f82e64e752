// "N pending" in the status bar while a debugged program is connected, and its warnings.
import * as vscode from 'vscode';
import type { OperationStoreApi } from '../core/model';
import { VIEW_ID } from '../contributions';

/** Operations still running in the processes that are still connected. */
export function pendingTotal(store: OperationStoreApi): number {
  return store.processes().reduce((sum, p) => sum + (p.connected ? p.pendingCount : 0), 0);
}

/** The pending operations of the connected processes, while any is connected; the view's title
 *  shows the same number, computed in the same call. */
export class PendingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('asyncOperations.pending', vscode.StatusBarAlignment.Left, 10);

  constructor(private readonly store: OperationStoreApi) {
    this.item.name = 'Async Operations';
    this.item.command = `${VIEW_ID}.focus`;
  }

  /** Shows the count now; returns it, or undefined when no process is connected (hidden then). */
  update(): number | undefined {
    const processes = this.store.processes().filter((p) => p.connected);
    if (processes.length === 0) {
      this.item.hide();
      return undefined;
    }
    const pending = pendingTotal(this.store);
    const warnings = processes.reduce((sum, p) => sum + p.warningCount, 0);
    const warned = warnings > 0 ? `  $(warning) ${warnings.toLocaleString('en-US')}` : '';
    const text = `$(sync) ${pending.toLocaleString('en-US')} pending${warned}`;
    const tooltip = `Async operations still running in ${processes.length} process${processes.length === 1 ? '' : 'es'}`
      + (warnings > 0 ? `; ${warnings.toLocaleString('en-US')} warning${warnings === 1 ? '' : 's'} (Problems panel, or filter is:warning)` : '');
    // Written only when they change (it is asked once a second).
    if (this.item.text !== text) this.item.text = text;
    if (this.item.tooltip !== tooltip) this.item.tooltip = tooltip;
    this.item.show();
    return pending;
  }

  dispose(): void {
    this.item.dispose();
  }
}
