// Many siblings of one name fold into one row (`writeChunk ×5,000`, counts by status) that
// expands to them; the setting turns it off. The program here speaks the protocol itself.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionApi, protocolPeer, rowText } from './api';
import { until } from './support';

describe('identical siblings', function () {
  this.timeout(60_000);

  it('a parent with 5,000 writeChunk children shows one row that expands; the setting turns it off', async () => {
    const a = await extensionApi();
    const peer = protocolPeer(a, { pid: 777_011, argv: ['node', 'chunks.js'] }, () => ({ ok: true }));
    const messages: object[] = [{ type: 'created', id: 1, t: 0, kind: 'action', name: 'upload', parent: null, site: null }];
    for (let id = 2; id <= 5001; id++) messages.push({ type: 'created', id, t: id, kind: 'action', name: 'writeChunk', parent: 1, site: null });
    for (let id = 2; id <= 4991; id++) messages.push({ type: 'completed', id, t: 6000 + id });
    messages.push({ type: 'created', id: 6000, t: 7000, kind: 'action', name: 'verify', parent: 1, site: null }, { type: 'snapshotEnd', t: 0 });
    peer.send(...messages);
    const config = vscode.workspace.getConfiguration('asyncOperations');
    let key: string | undefined;
    try {
      const process = await until(() => a.store.processes().find((p) => p.hello.pid === 777_011 && p.opCount === 5002), 'the program');
      key = process.key;
      a.store.flushChanges();
      const upload = a.tree.opElement(process.key, 1);
      const rows = a.tree.getChildren(upload);
      const group = rows[0];
      assert.equal(group.type, 'siblings');
      assert.match(rowText(a, group), /^writeChunk ×5,000 .*10 Started · 4,990 Completed/);
      assert.deepEqual(rows.slice(1).filter((r) => r.type === 'op').map((r) => r.type === 'op' && a.store.op(process.key, r.id)?.name), ['verify']);
      assert.equal(rows.filter((r) => r.type === 'siblings').length, 1, 'one row for the 5,000');
      const members = a.tree.getChildren(group);
      assert.equal(members.filter((r) => r.type === 'op').length, 1000, 'a page of members');
      assert.equal(members[members.length - 1].type, 'more');
      assert.equal(a.tree.getParent(members[0]), group);

      await config.update('groupIdenticalSiblings', 0, vscode.ConfigurationTarget.Global);
      await until(() => !a.tree.getChildren(upload).some((r) => r.type === 'siblings'), 'the group to unfold');
    } finally {
      await config.update('groupIdenticalSiblings', undefined, vscode.ConfigurationTarget.Global);
      peer.close();
      if (key) a.feed.forget(key);
    }
  });
});
