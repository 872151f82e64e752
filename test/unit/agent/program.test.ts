// The program comes first: dormant without settings, harmless twice, never kept alive, never
// disturbed by a client that is missing, gone or stuck; children observed on their own.
import * as assert from 'assert';
import * as path from 'path';
import { AGENT, FIXTURES, Scope, waitUntil } from './harness';

const ONESHOT = path.join(FIXTURES, 'oneshot.js');

interface OneshotOutput {
  results: number[];
  agent: { connections: number } | null;
  hub: boolean;
}

describe('agent and the program', () => {
  let scope: Scope;
  beforeEach(() => (scope = new Scope()));
  afterEach(() => scope.dispose());

  /** A running program whose agent has given a client its snapshot. */
  async function connectedProgram() {
    const server = await scope.server({ path: scope.file('c.sock') });
    const program = await scope.program({ ASYNCINFO_CHANNEL: server.address });
    const client = await server.nextClient();
    await client.waitForType('snapshotEnd');
    return { program, client };
  }

  it('stays dormant with no variable set: no agent, same output as without the preload', async () => {
    const run = await scope.run(ONESHOT, ['1'], {});
    assert.strictEqual(run.code, 0);
    assert.strictEqual(run.stderr, '');
    const out = JSON.parse(run.stdout) as OneshotOutput;
    assert.deepStrictEqual(out.results, [0, 1, 2]);
    assert.strictEqual(out.agent, null);
    // The runtime made the hub itself: the agent did not touch the process.
    const bare = JSON.parse((await scope.run(ONESHOT, ['1'], {}, [])).stdout) as OneshotOutput;
    assert.deepStrictEqual(out, bare);
  });

  it('exits on its own while a client is connected and reading, and the client gets the tail', async () => {
    const server = await scope.server({ path: scope.file('c.sock') });
    const run = await scope.run(ONESHOT, ['50'], { ASYNCINFO_CHANNEL: server.address });
    assert.strictEqual(run.code, 0);
    assert.strictEqual((JSON.parse(run.stdout) as OneshotOutput).agent!.connections, 1);
    const client = await server.nextClient();
    await client.waitClosed();
    // The last events happen just before the program exits: they still arrive.
    assert.ok(client.messages.some((m) => m.type === 'closed' && m.id === 3), client.raw);
  });

  it('process.exit() while the client is still catching up: it gets every event the program made, not only what the kernel held', async () => {
    const { program, client } = await connectedProgram();
    client.socket.pause();
    // About 400 KB of events, then process.exit(): twice what the kernel holds for a socket here,
    // within the agent's bound. The client reads again 300 ms later, while the program exits.
    const n = 1000;
    program.call('burstThenExit', { n, value: 'p'.repeat(100) }).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 300));
    client.socket.resume();
    assert.strictEqual(await program.exited, 0);
    await client.waitClosed();
    const closed = client.messages.filter((m) => m.type === 'closed').length;
    assert.strictEqual(closed, n, `${closed} of ${n} ops' last events arrived`);
    assert.ok(!client.messages.some((m) => m.type === 'dropped'), 'nothing was dropped');
  });

  it('exits on its own while a client is connected and has stopped reading', async () => {
    const { program, client } = await connectedProgram();
    client.socket.pause();
    await program.call('burst', { n: 30000, value: 'p'.repeat(100) });
    assert.ok((await program.call('stats')).agent.bufferedBytes > 0, 'a write is stuck in the kernel');
    program.call('exit').catch(() => {});
    assert.strictEqual(await program.exited, 0);
  });

  it('runs normally, its stderr untouched, when the channel is unreachable (ASYNCINFO_DEBUG=1 says why)', async () => {
    for (const channel of [scope.file('nobody.sock'), 'tcp://127.0.0.1:1']) {
      const env = { ASYNCINFO_CHANNEL: channel, ASYNCINFO_TRACE: scope.file('no/such/dir/t') };
      const run = await scope.run(ONESHOT, ['1'], env);
      assert.strictEqual(run.code, 0);
      assert.deepStrictEqual((JSON.parse(run.stdout) as OneshotOutput).results, [0, 1, 2]);
      assert.strictEqual(run.stderr, '', 'a program that checks its children\'s stderr sees nothing of the agent');
      const debugged = await scope.run(ONESHOT, ['1'], { ...env, ASYNCINFO_DEBUG: '1' });
      assert.strictEqual(debugged.code, 0);
      assert.match(debugged.stderr, /^asyncinfo agent \[\d+\]: cannot write the trace .*\nasyncinfo agent \[\d+\]: cannot reach /);
    }
  });

  it('runs normally when the client goes away', async () => {
    const { program, client } = await connectedProgram();
    client.socket.destroy();
    let connections = 1;
    while (connections > 0) {
      await program.call('burst', { n: 1000, value: 1 });
      assert.strictEqual((await program.call('roundTrip')).ok, true);
      connections = (await program.call('stats')).agent.connections;
    }
    assert.strictEqual(program.stderr, '');
  });

  it('is harmless when loaded twice', async () => {
    const server = await scope.server({ path: scope.file('c.sock') });
    const run = await scope.run(ONESHOT, ['50', '--twice'], { ASYNCINFO_CHANNEL: server.address }, ['--require', AGENT, '--require', AGENT]);
    assert.strictEqual(run.code, 0);
    assert.deepStrictEqual((JSON.parse(run.stdout) as OneshotOutput).results, [0, 1, 2]);
    await waitUntil(() => server.clients.length >= 1 && server.clients[0].closed, 'the only connection to end');
    assert.strictEqual(server.clients.length, 1, 'one connection, not one per copy');
    const events = server.clients[0].messages.filter((m) => m.id !== undefined).map((m) => `${m.type} ${m.id}`);
    assert.ok(events.includes('closed 3'), events.join());
    assert.strictEqual(new Set(events).size, events.length, `each event once: ${events.join()}`);
  });

  it('children started by the program connect on their own with their own hello', async () => {
    const server = await scope.server({ path: scope.file('c.sock') });
    const program = await scope.program({ ASYNCINFO_CHANNEL: server.address, ASYNCINFO_SESSION: 'tree' });
    const parent = await server.clientOf(program.pid);
    await parent.waitForType('snapshotEnd');
    const { pid, code } = await program.call('spawn');
    assert.strictEqual(code, 0);
    const child = await server.clientOf(pid);
    assert.strictEqual(child.messages[0].ppid, program.pid);
    assert.strictEqual(child.messages[0].session, 'tree');
    await child.waitForType('closed');
    assert.strictEqual(child.messages.find((m) => m.type === 'created')!.name, 'childWork');
    assert.ok(!parent.messages.some((m) => m.name === 'childWork'), "the child's ops are not the parent's");
    const env = (await program.call('stats')).env;
    assert.ok(String(env.NODE_OPTIONS).includes(AGENT), 'the agent put itself in NODE_OPTIONS for children');
  });

  it('children do not inherit a listen address or a trace file without %p', async () => {
    const trace = scope.file('t.ndjson');
    const program = await scope.program({ ASYNCINFO_LISTEN: scope.file('a.sock'), ASYNCINFO_TRACE: trace });
    const { code } = await program.call('spawn');
    assert.strictEqual(code, 0);
    assert.strictEqual((await program.call('stats')).env.NODE_OPTIONS, undefined);
  });
});
