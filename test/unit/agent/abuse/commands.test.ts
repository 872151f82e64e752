// Issue 14, item 3: one admitted client cannot freeze or kill the program. Resyncs that arrive
// while one is being answered share its snapshot; cancel reaches 20,000 pending ops one command
// each; cancelMany (an extension of v1) cancels many in one command with one reply.
import * as assert from 'assert';
import { AGENT, Scope, type Client, type Program } from '../harness';

describe('abuse: commands from an admitted client', function () {
  this.timeout(60000);
  let scope: Scope;
  let program: Program;
  let client: Client;
  beforeEach(async () => {
    scope = new Scope();
    const sock = scope.file('agent.sock');
    // A bounded heap: an agent that made a snapshot per resync would die here, not take the machine.
    program = await scope.program({ ASYNCINFO_LISTEN: sock }, ['--require', AGENT, '--max-old-space-size=256']);
    client = await scope.dial(sock);
    await client.waitForType('snapshotEnd');
  });
  afterEach(() => scope.dispose());

  it('answers 2,520 resyncs in one 64 KiB write, with 20,000 pending ops, from a few snapshots', async () => {
    await program.call('startMany', { n: 20000 });
    const lines = '{"type":"resync","req":1}\n'.repeat(2520);
    assert.ok(lines.length <= 64 * 1024);
    client.send(lines);
    await client.waitFor(() => client.messages.filter((m) => m.type === 'reply').length === 2520, '2,520 replies');
    const replies = client.messages.filter((m) => m.type === 'reply');
    assert.ok(replies.every((r) => r.ok === true && r.req === 1));
    const snapshots = client.messages.filter((m) => m.type === 'snapshotStart').length;
    assert.ok(snapshots >= 1 && snapshots <= 4, `${snapshots} snapshots for 2,520 resyncs`);
    // The client ends exact: the last snapshot holds every op.
    const start = client.messages.map((m) => m.type).lastIndexOf('snapshotStart');
    const end = client.messages.findIndex((m, i) => i > start && m.type === 'snapshotEnd');
    assert.strictEqual(client.messages.slice(start, end).filter((m) => m.type === 'created').length, 20000);
    assert.strictEqual((await program.call('roundTrip')).ok, true);
  });

  it('cancels 20,000 pending ops sent as one cancel command each, in one write', async () => {
    const { ids } = await program.call('startMany', { n: 20000 });
    client.send(ids.map((id: number) => `{"type":"cancel","id":${id},"req":${id}}\n`).join(''));
    await client.waitFor((m) => m.type === 'reply' && m.req === ids[ids.length - 1], 'the last reply');
    const replies = client.messages.filter((m) => m.type === 'reply');
    assert.strictEqual(replies.length, 20000);
    assert.ok(replies.every((r) => r.ok === true));
    for (const id of [ids[0], ids[9999], ids[19999]]) assert.strictEqual((await program.call('status', { id })).status, 2);
  });

  it('cancelMany: one reply, the ids it could not cancel listed with their reasons, events before the reply', async () => {
    const { ids } = await program.call('startMany', { n: 3 });
    await program.call('complete', { id: ids[2] }); // a finished op: canceling it is ok and changes nothing
    const r = await client.request({ type: 'cancelMany', ids: [ids[0], 999999, ids[1], ids[2], 2 ** 32], req: 'many' });
    assert.deepStrictEqual(r, {
      type: 'reply', req: 'many', ok: true, failed: [
        { id: 999999, code: 'NOT_FOUND', message: 'no live operation with id 999999' },
        { id: 2 ** 32, code: 'NOT_FOUND', message: `no live operation with id ${2 ** 32}` },
      ],
    });
    const at = client.messages.indexOf(r);
    const canceled = client.messages.slice(0, at).filter((m) => m.type === 'cancelRequested' && m.source === 'client').map((m) => m.id);
    assert.deepStrictEqual(canceled, [ids[0], ids[1]]);
    assert.strictEqual((await program.call('status', { id: ids[2] })).status, 1);
    assert.deepStrictEqual(await client.request({ type: 'cancelMany', ids: [], req: 'none' }), { type: 'reply', req: 'none', ok: true, failed: [] });
  });

  it('cancelMany: a malformed command is BAD_REQUEST and cancels nothing (as an older agent answers it)', async () => {
    const { ids } = await program.call('startMany', { n: 2 });
    const bad: Record<string, unknown>[] = [
      { type: 'cancelMany', ids: [ids[0], 0], req: 1 },
      { type: 'cancelMany', ids: [ids[0], 1.5], req: 2 },
      { type: 'cancelMany', ids: [ids[0], String(ids[1])], req: 3 },
      { type: 'cancelMany', ids: ids[0], req: 4 },
      { type: 'cancelMany', id: ids[0], req: 5 },
      { type: 'cancelMany', ids: Array.from({ length: 10001 }, () => ids[0]), req: 6 },
    ];
    for (const command of bad) {
      const r = await client.request(command);
      assert.strictEqual(r.ok, false);
      assert.strictEqual((r.error as { code: string }).code, 'BAD_REQUEST');
    }
    const noReq = { type: 'cancelMany', ids: [ids[0]] };
    client.send(noReq);
    await client.waitFor((m) => m.type === 'reply' && m.req === null, 'the reply to a cancelMany without req');
    for (const id of ids) assert.strictEqual((await program.call('status', { id })).status, 0, 'nothing canceled');
    const ok = await client.request({ type: 'cancelMany', ids: Array.from({ length: 10000 }, () => ids[0]), req: 'max' });
    assert.deepStrictEqual(ok.failed, []);
  });
});
