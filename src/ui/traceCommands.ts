// Record Trace / Stop Recording / Open Trace. A recording holds each process's hello and the
// state it had when recording began, then every message as it arrives: it reopens to the same view.
import * as vscode from 'vscode';
import type { OperationStore } from '../core/operationStore';
import { loadTrace, TraceFormatError, TraceRecorder, type TraceProcess } from '../core/traceFile';
import { Commands, ContextKeys } from '../contributions';
import { ContextKey } from './contextKey';
import { plain } from './untrusted';
import type { OperationsFeed } from '../session/operationsFeed';

const TRACE_FILTERS = { 'Async operation traces': ['ndjson', 'jsonl', 'trace', 'log'], 'All files': ['*'] };

/**
 * `traceFolder`: where the save dialog starts (the extension's own storage, made on first use: a
 * trace does not belong in the user's workspace unless they put it there).
 */
export function registerTraceCommands(
  store: OperationStore, feed: OperationsFeed, traceFolder: vscode.Uri, onTraceLoaded?: (key: string, process: TraceProcess) => void,
): vscode.Disposable[] {
  const recorder = new TraceRecorder();
  const recording = new ContextKey<boolean>(ContextKeys.Recording);
  recording.set(false);
  let tap: vscode.Disposable | undefined;
  // While recording, the status bar says so (the view's title shows Stop too); a click stops it.
  const indicator = vscode.window.createStatusBarItem('asyncOperations.recording', vscode.StatusBarAlignment.Left, 9);
  indicator.name = 'Async Operations Recording';
  indicator.text = '$(record) Recording trace';
  indicator.command = Commands.StopRecording;
  indicator.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');

  const stop = async (announce: boolean) => {
    tap?.dispose();
    tap = undefined;
    const file = recorder.path;
    await recorder.stop();
    recording.set(false);
    indicator.hide();
    if (announce && file) {
      const open = 'Open Trace';
      // Not awaited: the command is done once the file is complete, whatever the user clicks.
      void vscode.window.showInformationMessage(`Trace saved to ${plain(file, 400)}.`, open).then((choice) => {
        if (choice === open) void vscode.commands.executeCommand(Commands.OpenTrace, vscode.Uri.file(file));
      });
    }
  };

  return [
    recorder.onDidFail((error) => {
      void stop(false);
      void vscode.window.showErrorMessage(`Recording stopped: cannot write the trace file: ${plain(error.message, 400)}`);
    }),
    // From the view's menu the selected row comes as the argument: only a Uri names a file.
    vscode.commands.registerCommand(Commands.StartRecording, async (target?: unknown) => {
      if (!(target instanceof vscode.Uri)) await vscode.workspace.fs.createDirectory(traceFolder).then(undefined, () => undefined);
      const uri = (target instanceof vscode.Uri ? target : undefined) ?? (await vscode.window.showSaveDialog({
        title: 'Record Async Operations Trace',
        filters: TRACE_FILTERS,
        defaultUri: vscode.Uri.joinPath(traceFolder, `async-trace-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson`),
      }));
      if (!uri) return;
      if (recorder.recording) await stop(false);
      try {
        await recorder.start(uri.fsPath);
      } catch (error) {
        void vscode.window.showErrorMessage(`Cannot record to ${plain(uri.fsPath, 400)}: ${plain((error as Error).message, 400)}`);
        return;
      }
      // What the view shows now, so the trace stands on its own; then every message as it comes.
      for (const process of store.processes()) {
        if (!process.connected || process.source === 'trace') continue;
        recorder.write(process.hello.pid, process.hello);
        for (const message of store.snapshotMessages(process.key)) recorder.write(process.hello.pid, message);
      }
      tap = feed.onDidReceive(({ pid, message }) => recorder.write(pid, message));
      recording.set(true);
      indicator.tooltip = `Recording async operations to ${uri.fsPath}: click to stop`;
      indicator.show();
    }),
    vscode.commands.registerCommand(Commands.StopRecording, () => stop(true)),
    vscode.commands.registerCommand(Commands.OpenTrace, async (target?: unknown) => {
      const uri = (target instanceof vscode.Uri ? target : undefined) ?? (await vscode.window.showOpenDialog({ title: 'Open Async Operations Trace', filters: TRACE_FILTERS, canSelectMany: false }))?.[0];
      if (!uri) return;
      try {
        const keys = await vscode.window.withProgress(
          { location: { viewId: 'asyncOperations.view' }, title: `Loading ${uri.fsPath}` },
          () => loadTrace(store, uri.fsPath, { onLoaded: onTraceLoaded }),
        );
        if (keys.length === 0) void vscode.window.showWarningMessage(`${plain(uri.fsPath, 400)} holds no process.`);
      } catch (error) {
        // A bad line's problem quotes the file's own text: plain() keeps it from forming a link.
        const message = error instanceof TraceFormatError ? error.message : `Cannot open ${uri.fsPath}: ${(error as Error).message}`;
        void vscode.window.showErrorMessage(plain(message, 400));
        throw error; // callers (and tests) see the failure too
      }
    }),
    { dispose: () => void stop(false) },
    indicator,
  ];
}
