// A client that stops reading costs the program dropped events, not memory: the agent holds at most
// MAX_BUFFERED_BYTES for it (measured inside the program), counts what it drops, and says so once
// the client reads again.
import * as assert from 'assert';
import { MAX_BUFFERED_BYTES } from '../../../src/agent/outbox';
import { AGENT, Scope } from './harness';

describe('agent backpressure', () => {
  let scope: Scope;
  beforeEach(() => (scope = new Scope()));
  afterEach(() => scope.dispose());

  it('drops and counts events for a client that stops reading, within the bound, and reports them', async () => {
    const server = await scope.server({ path: scope.file('c.sock') });
    const program = await scope.program({ ASYNCINFO_CHANNEL: server.address }, ['--expose-gc', '--require', AGENT]);
    const client = await server.nextClient();
    await client.waitForType('snapshotEnd');
    client.socket.pause();
    const value = 'v'.repeat(200);
    await program.call('burst', { n: 2000, value });
    await program.call('gc');
    const before = (await program.call('stats')).memory.heapUsed as number;
    let stats: Record<string, any> = {};
    for (let round = 0; round < 10; round++) {
      await program.call('burst', { n: 5000, value });
      stats = (await program.call('stats')).agent;
      assert.ok(stats.bufferedBytes <= MAX_BUFFERED_BYTES, `buffered ${stats.bufferedBytes}`);
    }
    assert.ok(stats.dropped > 0, 'events were dropped');
    assert.ok(stats.maxBufferedBytes <= MAX_BUFFERED_BYTES, `max buffered ${stats.maxBufferedBytes}`);
    await program.call('gc');
    const after = (await program.call('stats')).memory.heapUsed as number;
    // 50,000 ops x 4 events x ~250 bytes = 50 MB had they been kept; the bound is 1 MiB of text.
    assert.ok(after - before < 8 * 1024 * 1024, `heap grew by ${after - before} bytes`);

    client.socket.resume();
    const dropped = await client.waitForType('dropped');
    const total = (await program.call('stats')).agent.dropped as number;
    assert.strictEqual(dropped.count, total);
    assert.ok(Number.isInteger(dropped.t));
    // Events seen + dropped account for every event published after the snapshot.
    const seen = client.messages.filter((m) => ['created', 'progress', 'completed', 'closed'].includes(m.type)).length;
    const roundTrip = await program.call('roundTrip');
    assert.strictEqual(roundTrip.ok, true);
    await client.waitForType('created', { name: 'roundTrip' });
    assert.strictEqual(seen + total, 52000 * 4);
    // Commands still answered.
    assert.strictEqual((await client.request({ type: 'cancel', id: 1, req: 'after' })).type, 'reply');
  });

  it('loses nothing for a client that keeps reading when one turn of the program makes more than the bound', async () => {
    // A server catching up after a stall makes its events in one turn: about 1.3 MiB here, past the
    // 1 MiB bound. What the kernel takes at once is no longer held by the agent, so nothing is dropped.
    const server = await scope.server({ path: scope.file('c.sock') });
    const program = await scope.program({ ASYNCINFO_CHANNEL: server.address }, ['--require', AGENT]);
    const client = await server.nextClient();
    await client.waitForType('snapshotEnd');
    const n = 3200;
    await program.call('burst', { n, value: 'v'.repeat(200) });
    await program.call('roundTrip');
    const next = await client.waitFor((m) => m.type === 'dropped' || (m.type === 'created' && m.name === 'roundTrip'), 'the round trip');
    assert.notStrictEqual(next.type, 'dropped', `${String(next.count)} events dropped`);
    assert.strictEqual(client.messages.filter((m) => m.type === 'created' && m.name === 'burst').length, n);
    assert.strictEqual((await program.call('stats')).agent.dropped, 0);
  });
});
