// Text a program or a trace file controls never becomes a link in a notification: VS Code turns
// `[label](command:...)` into a link that runs the command when clicked. A hostile trace and a
// hostile program (speaking the real channel protocol over a real socket) try it everywhere
// their text reaches a message.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extensionApi, messagesShownBy, protocolPeer } from './api';
import { until } from './support';

const LINK = '[Click me](command:workbench.action.quit)';
/** What VS Code's notifications would turn into a link: `[...](...)` with nothing between. */
const LINK_SYNTAX = /\]\(/;

function assertNoLink(messages: { message: string }[]): void {
  assert.ok(messages.length > 0, 'no message was shown (the test proves nothing)');
  for (const { message } of messages) assert.doesNotMatch(message, LINK_SYNTAX, `a link could form in: ${message}`);
}

describe('hostile text in notifications', function () {
  this.timeout(30_000);
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  it('a trace whose bad line holds a command link is refused without a link', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncops-hostile-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'hostile.ndjson');
    fs.writeFileSync(file, `{"type":"hello","protocol":1,"pid":1}\n{"type":"created","id":1,"t":0,"kind":"${LINK}","name":"x"}\n`);
    const shown = await messagesShownBy(() => vscode.commands.executeCommand('asyncOperations.openTrace', vscode.Uri.file(file)).then(undefined, () => undefined));
    assertNoLink(shown);
    assert.match(shown[0].message, /line 2/);
  });

  it('a program whose op name, site and error message hold command links gets no link in any message', async () => {
    const a = await extensionApi();
    assert.ok(a.channelAddress);
    // Refuse every command with a message that holds a link.
    const peer = protocolPeer(a, { pid: 777_001, argv: ['node', 'hostile.js'] }, () => ({ ok: false, error: { code: `E_${LINK}`, message: `refused ${LINK}` } }));
    cleanups.push(() => peer.close());
    peer.send(
      { type: 'created', id: 1, t: 0, kind: 'operation', name: `op ${LINK}`, parent: null, site: LINK },
      { type: 'snapshotEnd', t: 0 },
    );
    const process = await until(() => a.store.processes().find((p) => p.hello.pid === 777_001), 'the hostile program');
    cleanups.push(() => a.feed.forget(process.key));
    const element = a.tree.opElement(process.key, 1);
    const shown = await messagesShownBy(async () => {
      await vscode.commands.executeCommand('asyncOperations.cancelOperation', element);
      await vscode.commands.executeCommand('asyncOperations.openSite', element);
    });
    assert.equal(shown.length, 2, shown.map((m) => m.message).join('\n'));
    assertNoLink(shown);
  });

  it('Cancel All on a parent chain 10,000 deep: no stack overflow, one cancelMany with every id', async () => {
    const a = await extensionApi();
    const commands: { type: string; ids?: number[]; req: number }[] = [];
    const peer = protocolPeer(a, { pid: 777_002, argv: ['node', 'deep.js'] }, (command) => {
      commands.push(command);
      return { ok: true, failed: [] };
    });
    cleanups.push(() => peer.close());
    const depth = 10_000;
    const created: object[] = [];
    for (let id = 1; id <= depth; id++) created.push({ type: 'created', id, t: id, kind: 'action', name: 'link', parent: id === 1 ? null : id - 1, site: null });
    peer.send(...created, { type: 'snapshotEnd', t: 0 });
    const process = await until(() => a.store.processes().find((p) => p.hello.pid === 777_002 && p.opCount === depth), 'the deep chain');
    cleanups.push(() => a.feed.forget(process.key));
    const shown = await messagesShownBy(() => vscode.commands.executeCommand('asyncOperations.cancelAllPending'));
    assert.deepEqual(shown.filter((m) => m.level === 'error'), []);
    const mine = commands.filter((c) => c.type === 'cancelMany');
    assert.equal(mine.length, 1, `commands: ${commands.map((c) => c.type).join(', ')}`);
    assert.equal(mine[0].ids!.length, depth);
  });
});

