// Issue 14, items 6 and 9: what the program and its peers can see of the agent. Its stderr stays
// the program's; it shows no resource or exit listener at the program's start or at rest; the
// token is a secret used as given; a client that joins late hears nothing of ops it never saw.
import * as assert from 'assert';
import * as path from 'path';
import { FIXTURES, Scope } from '../harness';

const FOOTPRINT = path.join(FIXTURES, 'footprint.js');

describe('abuse: what a program sees of the agent', function () {
  this.timeout(30000);
  let scope: Scope;
  beforeEach(() => (scope = new Scope()));
  afterEach(() => scope.dispose());

  it('shows no resource and no exit listener at the start of the program or at rest, and writes nothing on its streams', async () => {
    const bare = await scope.run(FOOTPRINT, [], {}, []);
    assert.strictEqual(bare.code, 0, bare.stderr);
    const server = await scope.server({ path: scope.file('c.sock') });
    const tcp = await scope.server({ port: 0 });
    for (const channel of [server.address, tcp.address, scope.file('nobody.sock')]) {
      const run = await scope.run(FOOTPRINT, [], { ASYNCINFO_CHANNEL: channel });
      assert.strictEqual(run.code, 0);
      assert.strictEqual(run.stderr, '');
      const seen = JSON.parse(run.stdout);
      if (channel.endsWith('nobody.sock')) {
        // Node's own net.Socket#_destroy reads process.stderr (to compare), which makes the stderr
        // stream, a PipeWrap here: any socket that fails or closes does it, the agent's included.
        seen.atRest.resources = seen.atRest.resources.filter((r: string) => r !== 'PipeWrap');
      }
      assert.deepStrictEqual(seen, JSON.parse(bare.stdout), `with ASYNCINFO_CHANNEL=${channel}`);
    }
    for (const s of [server, tcp]) {
      const client = await s.nextClient();
      await client.waitClosed();
      assert.strictEqual(client.messages[0].type, 'hello', 'the agent did its work meanwhile');
    }
  });

  it('uses ASYNCINFO_TOKEN as given: %p in a secret stays %p', async () => {
    const tcp = await scope.server({ port: 0 });
    const program = await scope.program({ ASYNCINFO_CHANNEL: tcp.address, ASYNCINFO_TOKEN: 'se%pcret', ASYNCINFO_SESSION: 's-%p' });
    const client = await tcp.nextClient();
    await client.waitForType('hello');
    assert.strictEqual(client.messages[0].token, 'se%pcret');
    assert.strictEqual(client.messages[0].session, `s-${program.pid}`, 'the session, no secret, still gets the pid');
  });

  it('never sends a late client closed for an op missing from its snapshot', async () => {
    const sock = scope.file('agent.sock');
    const program = await scope.program({ ASYNCINFO_LISTEN: sock, ASYNCINFO_RETAIN: '10' });
    const early = await scope.dial(sock);
    await early.waitForType('snapshotEnd');
    const { ids } = await program.call('startMany', { n: 30 });
    for (const id of ids) await program.call('complete', { id }); // ended, not closed: the runtime keeps the 10 newest
    const late = await scope.dial(sock);
    await late.waitForType('snapshotEnd');
    const known = late.snapshot().filter((m) => m.type === 'created').map((m) => m.id);
    assert.deepStrictEqual(known, ids.slice(-10));
    const after = await program.start();
    await program.call('complete', { id: after });
    for (const id of [...ids, after]) await program.call('close', { id });
    await early.waitForType('closed', { id: after });
    await late.waitForType('closed', { id: after });
    const closedFor = (c: typeof late) => c.messages.filter((m) => m.type === 'closed').map((m) => m.id);
    assert.deepStrictEqual(closedFor(early), [...ids, after], 'the early client saw every op, and hears of every close');
    assert.deepStrictEqual(closedFor(late), [...ids.slice(-10), after], 'the late one, only of ops it was told of');
    // A resync resets what the late client knows: the same rule holds after it.
    assert.strictEqual((await late.request({ type: 'resync', req: 'r' })).ok, true);
  });
});
