// An op the program has let go of (closed without the view hearing it, or collected) says so:
// Close on it learns NOT_FOUND from the program, and from then on the row reads "released" and
// offers neither Cancel nor Close. The program here speaks the protocol over the real channel.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { extensionApi, messagesShownBy, rowText } from './api';
import { until } from './support';

describe('released operations', function () {
  this.timeout(30_000);

  it('Close answered NOT_FOUND: the row reads released and offers no Close', async () => {
    const a = await extensionApi();
    const socket = net.connect(a.channelAddress!);
    socket.setEncoding('utf8');
    let pending = '';
    socket.on('data', (chunk: string) => {
      pending += chunk;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const command = JSON.parse(pending.slice(0, nl)) as { req: number; id: number };
        pending = pending.slice(nl + 1);
        socket.write(`${JSON.stringify({ type: 'reply', req: command.req, ok: false, error: { code: 'NOT_FOUND', message: `no live operation with id ${command.id}` } })}\n`);
      }
    });
    socket.write([
      { type: 'hello', protocol: 1, pid: 777_003, ppid: 1, title: 'node', argv: ['node', 'lets-go.js'], cwd: '/', node: 'v20', session: null, timeOrigin: Date.now(), token: a.channelToken },
      { type: 'created', id: 1, t: 0, kind: 'operation', name: 'letGo', parent: null, site: null },
      { type: 'completed', id: 1, t: 5 },
      { type: 'snapshotEnd', t: 0 },
    ].map((m) => JSON.stringify(m)).join('\n') + '\n');
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
      socket.destroy();
    }
  });
});
