// The view's title commands on a live program: filter, hide finished, cancel all pending,
// clear finished, and going to an op's creation site.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { ProcessView } from '../../src/core/model';
import type { TreeElement } from '../../src/ui/operationsTree';
import { allOps, extensionApi } from './api';
import { fixture, until, withTimeout } from './support';

function labels(a: ExtensionApi, elements: TreeElement[]): string[] {
  return elements.map((e) => String(a.tree.getTreeItem(e).label));
}


describe('view commands', function () {
  this.timeout(60_000);
  let a: ExtensionApi;
  let session: vscode.DebugSession;
  let process: ProcessView;

  before(async () => {
    a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const l = vscode.debug.onDidStartDebugSession((s) => s.name === 'commands' && (l.dispose(), resolve(s)));
    });
    await vscode.debug.startDebugging(undefined, { type: 'node', request: 'launch', name: 'commands', program: fixture('view', 'app.js'), console: 'internalConsole' });
    session = await withTimeout(started, 20_000, 'no session');
    process = await until(() => a.store.processes().find((p) => !before.has(p.key) && p.connected), 'the program');
    await until(() => allOps(a, process.key).some((op) => op.name === 'childWait') && allOps(a, process.key).some((op) => op.name === 'failing'), 'its ops');
  });

  after(async () => {
    a.tree.setFilter({});
    await vscode.debug.stopDebugging(session);
  });

  it('filters by name into a flat list, by status, and by #id', () => {
    const root = a.tree.processElement(process.key);
    a.tree.setFilter({ text: 'wait' });
    assert.deepEqual(labels(a, a.tree.getChildren(root)).sort(), ['childWait']);
    a.tree.setFilter({ statuses: new Set(['Error']) });
    assert.deepEqual(labels(a, a.tree.getChildren(root)), ['failing']);
    const failing = allOps(a, process.key).find((op) => op.name === 'failing')!;
    a.tree.setFilter({ text: `#${failing.id}` });
    assert.deepEqual(labels(a, a.tree.getChildren(root)), ['failing']);
    a.tree.setFilter({});
  });

  it('hides and shows finished operations', async () => {
    const root = a.tree.processElement(process.key);
    await vscode.commands.executeCommand('asyncOperations.hideFinished');
    const shown = labels(a, a.tree.getChildren(root));
    assert.ok(!shown.includes('failing') && !shown.includes('quickDone'), `finished ops still shown: ${shown}`);
    assert.ok(shown.includes('download') && shown.includes('parentWork'));
    await vscode.commands.executeCommand('asyncOperations.showFinished');
    const group = a.tree.getChildren(root).at(-1)!;
    assert.ok(labels(a, a.tree.getChildren(group)).includes('failing'));
  });

  it('lists pending operations first, oldest first, and folds the finished ones under one row', () => {
    const root = a.tree.processElement(process.key);
    const rows = a.tree.getChildren(root);
    // download was created before parentWork: the older hang comes first.
    assert.deepEqual(labels(a, rows), ['download', 'parentWork', '2 finished']);
    const group = rows[2];
    assert.equal(a.tree.getTreeItem(group).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.deepEqual(labels(a, a.tree.getChildren(group)), ['failing', 'quickDone'], 'the latest created first');
    assert.equal(a.tree.getParent(a.tree.getChildren(group)[0]), group, 'reveal finds a finished op in its group');
    // Its tooltip comes on hover (VS Code then asks the view, which holds the row still for a click).
    assert.equal(a.tree.getTreeItem(group).tooltip, undefined);
    assert.match(String(a.tree.resolveTreeItem(a.tree.getTreeItem(group), group).tooltip), /^2 finished: operations that ended here .*Clear Finished Operations/);
  });

  it('sorts by age with finished operations inline when asked', async () => {
    const root = a.tree.processElement(process.key);
    await vscode.commands.executeCommand('asyncOperations.sortByAge');
    try {
      assert.deepEqual(labels(a, a.tree.getChildren(root)), ['quickDone', 'failing', 'download', 'parentWork']);
    } finally {
      await vscode.commands.executeCommand('asyncOperations.sortPendingFirst');
    }
    assert.equal(labels(a, a.tree.getChildren(root)).at(-1), '2 finished');
  });

  it('the elapsed time of a quiet pending operation advances on its own', async () => {
    const download = a.tree.getChildren(a.tree.processElement(process.key))[0];
    const elapsed = () => {
      const match = /^Started · (<5|\d+)s/.exec(String(a.tree.getTreeItem(download).description));
      return match ? (match[1] === '<5' ? 0 : Number(match[1])) : undefined;
    };
    const first = await until(() => elapsed() !== undefined && { value: elapsed()! }, 'an elapsed time in seconds');
    await until(() => elapsed()! >= first.value + 5, 'the elapsed time to advance with no event from the program', 12_000);
  });

  it('goes to an operation\'s creation site', async () => {
    const download = allOps(a, process.key).find((op) => op.name === 'download')!;
    await vscode.commands.executeCommand('asyncOperations.openSite', a.tree.opElement(process.key, download.id));
    const editor = await until(() => vscode.window.activeTextEditor?.document.uri.fsPath.endsWith('app.js') && vscode.window.activeTextEditor, 'the editor');
    const line = Number(/:(\d+):\d+$/.exec(download.site!)![1]);
    assert.equal(editor.selection.active.line, line - 1);
    assert.match(editor.document.lineAt(line - 1).text, /runOperationWithProgress/);
  });

  it('a hovered "N finished" row holds its list still (a click on it expands it), and the list redraws once the pointer has moved on', async () => {
    const root = a.tree.processElement(process.key);
    const rows = a.tree.getChildren(root);
    for (const row of rows) a.tree.getTreeItem(row);
    const group = rows.at(-1)!;
    assert.match(String(a.tree.getTreeItem(group).label), /finished$/);
    const fired: number[] = [];
    const started = Date.now();
    const sub = a.tree.onDidChangeTreeData((changed) => {
      const list = changed === undefined ? [undefined] : Array.isArray(changed) ? changed : [changed];
      if (list.some((e) => e === undefined || e === root)) fired.push(Date.now() - started);
    });
    try {
      a.tree.resolveTreeItem(a.tree.getTreeItem(group), group); // VS Code asks this on hover
      // A new op at the top level: the list the hovered row is in changes.
      const id = 9_000_000;
      a.store.apply(process.key, { type: 'created', id, t: 1, kind: 'action', name: 'lateArrival', parent: null, site: null });
      await new Promise((resolve) => setTimeout(resolve, 2_500)); // two ticks of the view's clock
      assert.deepEqual(fired, [], 'the list was redrawn under the pointer');
      await until(() => fired.length > 0, 'the list to be redrawn once the hold ran out', 10_000);
      a.store.apply(process.key, { type: 'completed', id, t: 2 });
    } finally {
      sub.dispose();
    }
  });

  it('a hovered op row holds every list of its process still: a child added under an op above it, and rows with children, wait for the pointer to move on', async () => {
    const root = a.tree.processElement(process.key);
    const rows = a.tree.getChildren(root);
    for (const row of rows) a.tree.getTreeItem(row);
    const opRows = rows.filter((row): row is Extract<TreeElement, { type: 'op' }> => row.type === 'op');
    const above = opRows[0];
    const hovered = opRows.at(-1)!;
    assert.notEqual(above, hovered);
    for (const child of a.tree.getChildren(above)) a.tree.getTreeItem(child); // its list is drawn (expanded)
    // Rows with children (parentWork's childWait): VS Code lists a redrawn row's children anew, so
    // their elapsed time waits too.
    const parents = opRows.filter((row) => a.tree.getTreeItem(row).collapsibleState === vscode.TreeItemCollapsibleState.Expanded);
    assert.ok(parents.length > 0, 'no op with children at the top level');
    const fired: number[] = [];
    const started = Date.now();
    const sub = a.tree.onDidChangeTreeData((changed) => {
      const list = changed === undefined ? [undefined] : Array.isArray(changed) ? changed : [changed];
      if (list.some((e) => e === undefined || e === above || e === root || parents.includes(e as never))) fired.push(Date.now() - started);
    });
    const id = 9_000_001;
    try {
      a.tree.resolveTreeItem(a.tree.getTreeItem(hovered), hovered); // VS Code asks this on hover
      // A new child of the op above: its rows grow, which would push the hovered row down.
      a.store.apply(process.key, { type: 'created', id, t: 1, kind: 'action', name: 'lateChild', parent: above.id, site: null });
      await new Promise((resolve) => setTimeout(resolve, 2_500)); // two ticks of the view's clock
      assert.deepEqual(fired, [], 'a list above the hovered row was redrawn under the pointer');
      await until(() => fired.length > 0, 'the list to be redrawn once the hold ran out', 10_000);
      assert.ok(labels(a, a.tree.getChildren(above)).includes('lateChild'));
    } finally {
      a.store.apply(process.key, { type: 'completed', id, t: 2 });
      sub.dispose();
    }
  });

  it('cancels every pending operation, then clears the finished ones', async () => {
    await vscode.commands.executeCommand('asyncOperations.cancelAllPending');
    await until(() => allOps(a, process.key).every((op) => op.endT !== undefined || op.cancelRequested), 'every op canceled');
    await until(() => a.store.process(process.key)?.pendingCount === 0, 'the works to end');
    await vscode.commands.executeCommand('asyncOperations.clearFinished');
    const left = allOps(a, process.key);
    assert.ok(left.every((op) => op.endT === undefined), `finished ops left: ${left.map((op) => op.name)}`);
  });
});
