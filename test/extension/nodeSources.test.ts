// Node's own work in the real view (issue 10): the demo's plain-Node part (an HTTP server on
// loopback that fetches from itself and runs a child) shows its requests, fetches and children as
// operations under the default `asyncOperations.nodeOperations`, nested where they were started,
// and the view's Cancel on a served request destroys its socket for real.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OpView } from '../../src/core/model';
import { allOps, extensionApi, rowText } from './api';
import { fixture, until, withTimeout } from './support';

describe('Node\'s own work as operations (the demo)', function () {
  this.timeout(90_000);

  it('requests, fetches and children show with their source, nested; Cancel on a served request ends it canceled', async () => {
    const a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const l = vscode.debug.onDidStartDebugSession((s) => s.name === 'demo node' && (l.dispose(), resolve(s)));
    });
    await vscode.debug.startDebugging(undefined, { type: 'node', request: 'launch', name: 'demo node', program: fixture('demo', 'demo.js'), console: 'internalConsole' });
    const session = await withTimeout(started, 20_000, 'the demo did not start');
    try {
      const process = await until(() => a.store.processes().find((p) => !before.has(p.key) && p.connected && p.hello.argv.some((x) => x.endsWith('demo.js'))), 'the demo');
      const everything = (): OpView[] => allOps(a, process.key);
      const report = await until(() => everything().find((op) => op.source === 'node:http-server' && op.name === 'GET /report'), 'a served /report');
      const fetched = await until(() => everything().find((op) => op.source === 'node:fetch' && op.parent === report.id), 'its fetch, under it');
      assert.match(fetched.name, /^GET http:\/\/127\.0\.0\.1:\d+\/data$/);
      await until(() => everything().find((op) => op.source === 'node:child-process' && op.parent === report.id), 'its child process, under it');
      assert.match(rowText(a, a.tree.opElement(process.key, report.id)), /http-server/);
      assert.equal(fetched.attributes?.method, 'GET');

      const slow = await until(() => everything().find((op) => op.source === 'node:http-server' && op.name === 'GET /slow' && op.status === 'Started'), 'a served /slow, pending');
      assert.equal(a.tree.getTreeItem(a.tree.opElement(process.key, slow.id)).contextValue, 'op.started', 'Cancel offered');
      await vscode.commands.executeCommand('asyncOperations.cancelOperation', a.tree.opElement(process.key, slow.id));
      await until(() => a.store.op(process.key, slow.id)?.endT !== undefined, 'the /slow op to end');
      assert.equal(a.store.op(process.key, slow.id)!.status, 'Canceled');
      // Its client saw the connection go: its request ends in Error.
      await until(() => everything().find((op) => op.source === 'node:http-client' && /\/slow$/.test(op.name) && op.status === 'Error'), 'the client\'s request to fail');
    } finally {
      await vscode.debug.stopDebugging(session);
    }
  });
});
