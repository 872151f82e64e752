// Issue 14, item 2: before `auth`, a TCP peer costs the program little and briefly: 5 s to
// authenticate, 4 KiB read, 8 connections waiting at most; all of it closed without a word.
import * as assert from 'assert';
import { Scope, readAddressFile, type Client, type Program } from '../harness';

describe('abuse: TCP peers before auth', function () {
  this.timeout(30000);
  let scope: Scope;
  let program: Program;
  let address: string;
  beforeEach(async () => {
    scope = new Scope();
    const file = scope.file('address');
    program = await scope.program({ ASYNCINFO_LISTEN: '127.0.0.1:0', ASYNCINFO_LISTEN_FILE: file, ASYNCINFO_TOKEN: 'tok' });
    address = await readAddressFile(file);
  });
  afterEach(() => scope.dispose());

  async function admitted(): Promise<Client> {
    const client = await scope.dial(address);
    client.send({ type: 'auth', token: 'tok' });
    await client.waitForType('snapshotEnd');
    return client;
  }

  it('holds 8 silent connections at most, closes the 9th at once and the 8 after 5 s, then admits a client', async () => {
    const idle: Client[] = [];
    for (let i = 0; i < 8; i++) idle.push(await scope.dial(address));
    while ((await program.call('stats')).agent.connections < 8) await new Promise((resolve) => setTimeout(resolve, 10));
    const extra: Client[] = [];
    for (let i = 0; i < 40; i++) extra.push(await scope.dial(address));
    for (const c of extra) await c.waitClosed();
    assert.ok(idle.every((c) => !c.closed), 'the first eight still wait: the others were refused, not timed out');
    for (const c of idle) await c.waitClosed(); // the 5 s to authenticate ran out
    assert.ok([...idle, ...extra].every((c) => c.raw === ''), 'nothing sent to any of them');
    const client = await admitted();
    assert.strictEqual(client.messages[0].type, 'hello');
    assert.strictEqual((await program.call('roundTrip')).ok, true);
    await program.call('openFile', { path: scope.file('fd-check') }); // the program's own open() still works
  });

  it('reads at most 4 KiB before a valid auth: a longer first line, or blank lines, close the connection', async () => {
    for (const junk of ['x'.repeat(4097), '\n'.repeat(4097), `{"type":"auth","token":"tok","pad":"${'p'.repeat(4096)}"}\n`]) {
      const stranger = await scope.dial(address);
      stranger.send(junk);
      await stranger.waitClosed();
      assert.strictEqual(stranger.raw, '');
    }
    const flood = await scope.dial(address);
    flood.socket.write(Buffer.alloc(1024 * 1024, 0x61)); // 1 MB without a newline
    await flood.waitClosed();
    assert.strictEqual(flood.raw, '');
    assert.ok((await program.call('stats')).agent.maxBufferedBytes < 1024 * 1024);
  });

  it('takes an auth that fits in 4 KiB, and reads what follows it in the same write as commands', async () => {
    const id = await program.start();
    const client = await scope.dial(address);
    const commands = Array.from({ length: 400 }, (_, i) => JSON.stringify({ type: 'cancel', id: i === 399 ? id : 999999, req: i }) + '\n');
    client.send('\n'.repeat(100) + JSON.stringify({ type: 'auth', token: 'tok' }) + '\n' + commands.join(''));
    await client.waitFor((m) => m.type === 'reply' && m.req === 399, 'the reply to the last command');
    assert.strictEqual(client.messages.filter((m) => m.type === 'reply').length, 400);
    assert.strictEqual((await program.call('status', { id })).status, 2, 'canceled');
  });
});
