// Operations from elsewhere than the runtime's factories, in the demo: a foreign IAsyncInfo (as a
// Windows Runtime projection hands one out) seen through AsyncInfo.observe, and promises through
// AsyncInfo.fromPromise. They show where they come from, Cancel is offered only where it can act,
// and the view's Cancel reaches the foreign object (its own cancel() ends it Canceled).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OpView } from '../../src/core/model';
import { allOps, extensionApi, rowText } from './api';
import { fixture, until, withTimeout } from './support';

describe('operations from other sources (the demo)', function () {
  this.timeout(60_000);

  it('observed and promise ops show their source; Cancel reaches the foreign op and the promise\'s controller; none is offered where nothing can cancel', async () => {
    const a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const l = vscode.debug.onDidStartDebugSession((s) => s.name === 'demo sources' && (l.dispose(), resolve(s)));
    });
    await vscode.debug.startDebugging(undefined, { type: 'node', request: 'launch', name: 'demo sources', program: fixture('demo', 'demo.js'), console: 'internalConsole' });
    const session = await withTimeout(started, 20_000, 'the demo did not start');
    try {
      const process = await until(() => a.store.processes().find((p) => !before.has(p.key) && p.connected && p.hello.argv.some((x) => x.endsWith('demo.js'))), 'the demo');
      const named = (pattern: RegExp) => (): OpView | undefined => allOps(a, process.key).find((op) => pattern.test(op.name) && op.status === 'Started');
      const observed = await until(named(/^ReadAsync file/), 'an observed op');
      const promise = await until(named(/^sleep 8s/), 'a promise op with a controller');
      const bare = await until(named(/^uncancelable/), 'a promise op nothing can cancel');
      assert.equal(observed.source, 'observed');
      assert.equal(promise.source, 'promise');
      assert.match(rowText(a, a.tree.opElement(process.key, observed.id)), /observed/);
      assert.equal(a.tree.getTreeItem(a.tree.opElement(process.key, bare.id)).contextValue, 'op.startedCannotCancel', 'Cancel offered where nothing can cancel');
      assert.equal(a.tree.getTreeItem(a.tree.opElement(process.key, promise.id)).contextValue, 'op.started');
      for (const op of [observed, promise]) {
        await vscode.commands.executeCommand('asyncOperations.cancelOperation', a.tree.opElement(process.key, op.id));
      }
      await until(() => a.store.op(process.key, observed.id)?.endT !== undefined && a.store.op(process.key, observed.id), 'the observed op to end');
      assert.equal(a.store.op(process.key, observed.id)!.status, 'Canceled', 'the foreign op was not canceled');
      await until(() => a.store.op(process.key, promise.id)?.endT !== undefined, 'the promise op to end');
      assert.equal(a.store.op(process.key, promise.id)!.status, 'Canceled', 'the controller was not aborted');
    } finally {
      await vscode.debug.stopDebugging(session);
    }
  });
});
