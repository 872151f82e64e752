// Export Trace...: what the view holds (its process, or the ones picked) as Chrome Trace Event
// Format JSON, for Perfetto or chrome://tracing.
import * as vscode from 'vscode';
import { writeChromeTraceFile } from '../core/export/chromeTrace';
import { historiesOfStore } from '../core/export/fromStore';
import type { OperationStore } from '../core/operationStore';
import { Commands } from '../contributions';
import type { TreeElement } from './operationsTree';
import { processLabel } from './presentation';
import { plain } from './untrusted';

const JSON_FILTERS = { 'Chrome trace (Perfetto)': ['json'], 'All files': ['*'] };

/**
 * `asyncOperations.exportTrace(target?, keys?)`: `target` a Uri writes there without asking (a
 * process row: that process is the one picked); `keys` names the processes (else all of them when
 * there is one or the file was given, or a pick).
 */
export function registerExportCommand(store: OperationStore, exportFolder: vscode.Uri): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.ExportTrace, async (target?: unknown, keys?: unknown) => {
    const processes = store.processes();
    if (processes.length === 0) {
      void vscode.window.showInformationMessage('Nothing to export: the Async Operations view holds no process yet.');
      return;
    }
    let chosen: string[] | undefined;
    if (Array.isArray(keys)) chosen = keys.filter((k): k is string => typeof k === 'string');
    else if (processes.length === 1 || target instanceof vscode.Uri) chosen = processes.map((p) => p.key);
    else {
      // Run on a process row (its menu, or the view's menu with the row selected): that one
      // picked; else all of them. One Enter exports what is picked.
      const row = isProcessRow(target) ? target.key : undefined;
      const picks = await vscode.window.showQuickPick(
        processes.map((p) => ({
          label: processLabel(p), description: `pid ${p.hello.pid} · ${p.opCount} ops${p.source === 'trace' ? ' · trace' : ''}`,
          key: p.key, picked: row === undefined || row === p.key,
        })),
        { title: 'Export Trace: processes to export', canPickMany: true },
      );
      chosen = picks?.map((p) => p.key);
    }
    if (!chosen || chosen.length === 0) return;
    let uri = target instanceof vscode.Uri ? target : undefined;
    if (!uri) {
      await vscode.workspace.fs.createDirectory(exportFolder).then(undefined, () => undefined);
      uri = await vscode.window.showSaveDialog({
        title: 'Export Async Operations as a Chrome Trace',
        filters: JSON_FILTERS,
        defaultUri: vscode.Uri.joinPath(exportFolder, `async-ops-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
      });
    }
    if (!uri) return;
    const file = uri.fsPath;
    try {
      const { ops } = await vscode.window.withProgress(
        { location: { viewId: 'asyncOperations.view' }, title: `Exporting to ${file}` },
        async () => writeChromeTraceFile(file, await historiesOfStore(store, chosen!)),
      );
      const reveal = 'Reveal File';
      void vscode.window.showInformationMessage(
        `Exported ${ops} operation${ops === 1 ? '' : 's'} to ${plain(file, 400)}: open it in Perfetto (ui.perfetto.dev).`, reveal,
      ).then((choice) => {
        // Not every host has the command (a browser's VS Code): then nothing to reveal.
        if (choice === reveal) vscode.commands.executeCommand('revealFileInOS', uri).then(undefined, () => undefined);
      });
    } catch (error) {
      void vscode.window.showErrorMessage(`Cannot export to ${plain(file, 400)}: ${plain((error as Error).message, 400)}`);
      throw error; // callers (and tests) see the failure too
    }
  });
}

function isProcessRow(target: unknown): target is Extract<TreeElement, { type: 'process' }> {
  return typeof target === 'object' && target !== null && (target as TreeElement).type === 'process' && typeof (target as { key?: unknown }).key === 'string';
}
