// 100,000 live operations under one parent: the view shows them a page at a time with a
// "show more" row, and the store keeps up.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TreeElement } from '../../src/ui/operationsTree';
import { extensionApi } from './api';
import { fixture, until, withTimeout } from './support';


describe('scale', function () {
  this.timeout(120_000);

  it('pages 100,000 live children of one op', async () => {
    const a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const name = 'scale: many.js';
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const l = vscode.debug.onDidStartDebugSession((s) => s.name === name && (l.dispose(), resolve(s)));
    });
    await vscode.debug.startDebugging(undefined, { type: 'node', request: 'launch', name, program: fixture('view', 'many.js'), console: 'internalConsole' });
    const session = await withTimeout(started, 20_000, 'no session');
    try {
      const process = await until(() => a.store.processes().find((p) => !before.has(p.key) && p.pendingCount >= 100_001), 'all 100,001 ops', 60_000);
      const roots = a.tree.getChildren(a.tree.processElement(process.key));
      assert.equal(roots.length, 1);
      const bulk = roots[0];
      const page = a.tree.getChildren(bulk);
      assert.equal(page.length, 1001, 'one page of 1,000 and a "show more" row');
      const more = page[1000] as TreeElement;
      assert.equal(more.type, 'more');
      assert.equal(a.tree.getTreeItem(more).label, '1,000 of 100,000 - show more');
      assert.equal(a.tree.getTreeItem(page[0]).label, 'item0');

      await vscode.commands.executeCommand('asyncOperations.showMore', more);
      const next = a.tree.getChildren(bulk);
      assert.equal(next.length, 2001);
      assert.equal(a.tree.getTreeItem(next[1999]).label, 'item1999');
    } finally {
      await vscode.debug.stopDebugging(session);
    }
  });
});
