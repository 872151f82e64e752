// An op the program has let go of (closed without the view hearing it, or collected) says so:
// Close on it learns NOT_FOUND from the program, and from then on the row reads "released" and
// offers neither Cancel nor Close. The program here speaks the protocol over the real channel.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionApi, messagesShownBy, protocolPeer, rowText } from './api';
import { until } from './support';

describe('released operations', function () {
  this.timeout(30_000);

  it('Close answered NOT_FOUND: the row reads released and offers no Close', async () => {
    const a = await extensionApi();
    const peer = protocolPeer(a, { pid: 777_003, argv: ['node', 'lets-go.js'] },
      (command) => ({ ok: false, error: { code: 'NOT_FOUND', message: `no live operation with id ${command.id}` } }));
    peer.send(
      { type: 'created', id: 1, t: 0, kind: 'operation', name: 'letGo', parent: null, site: null },
      { type: 'completed', id: 1, t: 5 },
      { type: 'snapshotEnd', t: 0 },
    );
    try {
      const process = await until(() => a.store.processes().find((p) => p.hello.pid === 777_003 && p.opCount === 1), 'the program');
      const element = a.tree.opElement(process.key, 1);
      assert.equal(a.tree.getTreeItem(element).contextValue, 'op.finished', 'Close is offered before the program says otherwise');
      const shown = await messagesShownBy(() => vscode.commands.executeCommand('asyncOperations.closeOperation', element));
      assert.deepEqual(shown.map((m) => m.level), ['info']);
      assert.equal(a.tree.getTreeItem(element).contextValue, 'op.released');
      assert.match(rowText(a, element), /released/);
      assert.doesNotMatch(rowText(a, element), /closed/, 'nobody said it was closed');
      a.feed.forget(process.key);
    } finally {
      peer.close();
    }
  });
});
