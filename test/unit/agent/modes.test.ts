// Every way to start the agent: connect (Unix socket, TCP with the token in hello), listen (Unix
// socket, TCP with auth), trace file, and all of them at once.
import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import { Scope, parseLines, readAddressFile, waitUntil, type Client } from './harness';

describe('agent modes', () => {
  let scope: Scope;
  beforeEach(() => (scope = new Scope()));
  afterEach(() => scope.dispose());

  function assertHello(client: Client, pid: number, session: string | null): void {
    const hello = client.messages[0];
    assert.strictEqual(hello.type, 'hello');
    assert.strictEqual(hello.protocol, 1);
    assert.strictEqual(hello.pid, pid);
    assert.strictEqual(hello.session, session);
    assert.strictEqual(hello.node, process.version);
    assert.ok(Array.isArray(hello.argv) && typeof hello.cwd === 'string' && typeof hello.ppid === 'number');
    assert.ok(typeof hello.timeOrigin === 'number' && Math.abs((hello.timeOrigin as number) - Date.now()) < 600_000);
  }

  it('connects to a Unix socket: hello, snapshot, snapshotEnd, then live events', async () => {
    const server = await scope.server({ path: scope.file('client.sock') });
    const program = await scope.program({ ASYNCINFO_CHANNEL: server.address, ASYNCINFO_SESSION: 'session-1' });
    const client = await server.nextClient();
    await client.waitForType('snapshotEnd');
    assertHello(client, program.pid, 'session-1');
    assert.strictEqual(client.messages[0].token, undefined);
    const id = await program.start({ name: 'live' });
    const created = await client.waitForType('created', { id });
    assert.strictEqual(created.name, 'live');
    assert.ok(client.messages.indexOf(created) > client.messages.findIndex((m) => m.type === 'snapshotEnd'));
  });

  it('connects over TCP and carries the token in hello', async () => {
    const server = await scope.server({ port: 0 });
    const program = await scope.program({ ASYNCINFO_CHANNEL: server.address, ASYNCINFO_TOKEN: 's3cret' });
    const client = await server.nextClient();
    await client.waitForType('snapshotEnd');
    assertHello(client, program.pid, null);
    assert.strictEqual(client.messages[0].token, 's3cret');
    const id = await program.start();
    await client.waitForType('created', { id });
  });

  it('listens on a Unix socket, writes its address file, and hides LISTEN/LISTEN_FILE/TRACE from children', async () => {
    const sock = scope.file('agent.sock');
    const file = scope.file('address');
    const program = await scope.program({ ASYNCINFO_LISTEN: sock, ASYNCINFO_LISTEN_FILE: file, ASYNCINFO_TRACE: scope.file('t.ndjson') });
    assert.strictEqual(await readAddressFile(file), sock);
    const client = await scope.dial(sock);
    await client.waitForType('snapshotEnd');
    assertHello(client, program.pid, null);
    const { env } = await program.call('stats');
    assert.strictEqual(env.LISTEN, undefined);
    assert.strictEqual(env.TRACE, undefined);
    // A second client at the same time gets its own hello and snapshot.
    const second = await scope.dial(sock);
    await second.waitForType('snapshotEnd');
    const id = await program.start();
    await client.waitForType('created', { id });
    await second.waitForType('created', { id });
  });

  it('replaces %p with the pid and then leaves the variables for children', async () => {
    const program = await scope.program({ ASYNCINFO_LISTEN: scope.file('agent-%p.sock'), ASYNCINFO_LISTEN_FILE: scope.file('address-%p') });
    const address = await readAddressFile(scope.file(`address-${program.pid}`));
    assert.strictEqual(address, scope.file(`agent-${program.pid}.sock`));
    const { env } = await program.call('stats');
    assert.strictEqual(env.LISTEN, scope.file('agent-%p.sock'));
    await (await scope.dial(address)).waitForType('snapshotEnd');
  });

  describe('listening on TCP', () => {
    async function listening(): Promise<{ address: string; pid: number }> {
      const file = scope.file('address');
      const program = await scope.program({ ASYNCINFO_LISTEN: '127.0.0.1:0', ASYNCINFO_LISTEN_FILE: file, ASYNCINFO_TOKEN: 'tok' });
      const address = await readAddressFile(file);
      assert.match(address, /^tcp:\/\/127\.0\.0\.1:\d+$/);
      return { address, pid: program.pid };
    }

    it('sends nothing before a valid auth, then hello and the snapshot', async () => {
      const { address, pid } = await listening();
      const client = await scope.dial(address);
      client.send('\n'); // a blank line is no message
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.strictEqual(client.raw, '');
      client.send({ type: 'auth', token: 'tok' });
      await client.waitForType('snapshotEnd');
      assert.strictEqual(client.messages[0].pid, pid);
      assert.strictEqual(client.messages[0].token, undefined);
    });

    it('closes without a reply on a wrong token', async () => {
      const { address } = await listening();
      const client = await scope.dial(address);
      client.send({ type: 'auth', token: 'TOK' });
      await client.waitClosed();
      assert.strictEqual(client.raw, '');
    });

    it('closes without a reply when the first message is not auth', async () => {
      const { address } = await listening();
      for (const first of [{ type: 'cancel', id: 1, req: 1 }, 'not json\n', { type: 'auth' }]) {
        const client = await scope.dial(address);
        client.send(first);
        await client.waitClosed();
        assert.strictEqual(client.raw, '');
      }
    });

    it('is refused without a token, silently (ASYNCINFO_DEBUG=1 says why), and the program runs on', async () => {
      const file = scope.file('address');
      const program = await scope.program({ ASYNCINFO_LISTEN: ':0', ASYNCINFO_LISTEN_FILE: file });
      assert.deepStrictEqual((await program.call('roundTrip')).ok, true);
      assert.strictEqual(program.stderr, '');
      assert.ok(!fs.existsSync(file));
      const debugged = await scope.program({ ASYNCINFO_LISTEN: ':0', ASYNCINFO_LISTEN_FILE: file, ASYNCINFO_DEBUG: '1' });
      await waitUntil(() => debugged.stderr.includes('\n'), 'the debug line');
      assert.strictEqual(debugged.stderr.trim().split('\n').length, 1);
      assert.match(debugged.stderr, /ASYNCINFO_TOKEN/);
    });
  });

  it('appends to a trace file the same bytes a client gets', async () => {
    const trace = scope.file('trace.ndjson');
    fs.writeFileSync(trace, '{"type":"earlier","t":0}\n'); // appended to, not replaced
    const sock = scope.file('agent.sock');
    const program = await scope.program({ ASYNCINFO_TRACE: trace, ASYNCINFO_LISTEN: sock, ASYNCINFO_LISTEN_FILE: scope.file('a') });
    await readAddressFile(scope.file('a'));
    const client = await scope.dial(sock);
    await client.waitForType('snapshotEnd');
    const id = await program.start();
    await program.call('progress', { id, value: { bytes: 1 } });
    await program.call('complete', { id, value: 'x' });
    await program.call('close', { id });
    await client.waitForType('closed', { id });
    program.call('exit').catch(() => {});
    assert.strictEqual(await program.exited, 0);
    const lines = parseLines(fs.readFileSync(trace, 'utf8'));
    assert.strictEqual(lines[0].type, 'earlier');
    assert.strictEqual(lines[1].type, 'hello');
    assert.strictEqual(lines[2].type, 'snapshotEnd');
    // Live events: byte for byte what the client got after its own snapshot.
    const traceLive = fs.readFileSync(trace, 'utf8').split('\n').slice(3).join('\n');
    const clientLive = client.raw.split('\n').slice(client.messages.findIndex((m) => m.type === 'snapshotEnd') + 1).join('\n');
    assert.strictEqual(traceLive, clientLive);
    assert.deepStrictEqual(lines.slice(3).map((m) => m.type), ['created', 'progress', 'completed', 'closed']);
  });

  it('runs every mode at once', async () => {
    const server = await scope.server({ path: scope.file('client.sock') });
    const trace = scope.file('trace.ndjson');
    const file = scope.file('address');
    const program = await scope.program({
      ASYNCINFO_CHANNEL: server.address, ASYNCINFO_LISTEN: '127.0.0.1:0', ASYNCINFO_LISTEN_FILE: file,
      ASYNCINFO_TOKEN: 'tok', ASYNCINFO_TRACE: trace, ASYNCINFO_SESSION: 's',
    });
    const outgoing = await server.nextClient();
    const incoming = await scope.dial(await readAddressFile(file));
    incoming.send({ type: 'auth', token: 'tok' });
    await outgoing.waitForType('snapshotEnd');
    await incoming.waitForType('snapshotEnd');
    const id = await program.start();
    await outgoing.waitForType('created', { id });
    await incoming.waitForType('created', { id });
    assert.strictEqual((await incoming.request({ type: 'cancel', id, req: 'in' })).ok, true);
    await outgoing.waitForType('cancelRequested', { id, source: 'client' });
    await waitUntil(() => fs.readFileSync(trace, 'utf8').includes('"cancelRequested"'), 'the trace to record the cancel');
    assert.strictEqual(outgoing.messages[0].session, 's');
    assert.strictEqual(incoming.messages[0].session, 's');
    assert.strictEqual((await program.call('stats')).agent.connections, 2);
  });

  it('a raw TCP stranger that connects and says nothing gets nothing', async () => {
    const file = scope.file('address');
    await scope.program({ ASYNCINFO_LISTEN: '127.0.0.1:0', ASYNCINFO_LISTEN_FILE: file, ASYNCINFO_TOKEN: 'tok' });
    const [, host, port] = /^tcp:\/\/(.+):(\d+)$/.exec(await readAddressFile(file))!;
    const socket = net.connect({ host, port: Number(port) });
    scope.onDispose(() => socket.destroy());
    let got = '';
    socket.on('data', (d) => (got += d));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.strictEqual(got, '');
  });
});
