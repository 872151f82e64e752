// A program that has created no operations is not an empty, silent view: its process row holds a
// row that says so and, in its tooltip, what makes operations appear.
import * as assert from 'node:assert/strict';
import { extensionApi, protocolPeer } from './api';
import { until } from './support';

describe('a process without operations', function () {
  this.timeout(20_000);

  it('shows a row saying there are none yet, which goes when the first op arrives', async () => {
    const a = await extensionApi();
    const peer = protocolPeer(a, { pid: 777_004, argv: ['node', 'plain.js'] }, () => ({ ok: true }));
    try {
      peer.send({ type: 'snapshotEnd', t: 0 });
      const process = await until(() => a.store.processes().find((p) => p.hello.pid === 777_004), 'the program');
      const rows = a.tree.getChildren(a.tree.processElement(process.key));
      assert.equal(rows.length, 1);
      assert.equal(a.tree.getTreeItem(rows[0]).label, 'No async operations yet');
      const resolved = a.tree.resolveTreeItem(a.tree.getTreeItem(rows[0]), rows[0]);
      assert.match(String((resolved.tooltip as { value?: string })?.value ?? resolved.tooltip), /@asyncinfo\/runtime/);
      peer.send({ type: 'created', id: 1, t: 1, kind: 'action', name: 'first', parent: null, site: null });
      await until(() => a.store.process(process.key)?.opCount === 1, 'the first op');
      assert.deepEqual(a.tree.getChildren(a.tree.processElement(process.key)).map((e) => a.tree.getTreeItem(e).label), ['first']);
      a.feed.forget(process.key);
    } finally {
      peer.close();
    }
  });
});
