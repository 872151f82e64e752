// Cancel All sends one command per process: `cancelMany` to agents that know it (this one), and
// one `cancel` per op to older agents, which answer the unknown type with BAD_REQUEST.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import type { AgentMessage } from '../../../src/protocol/messages';
import { AgentConnection } from '../../../src/transport/agentConnection';
import { ChannelServer } from '../../../src/transport/channelServer';

const root = path.resolve(__dirname, '../../../..');

describe('cancelMany', function () {
  this.timeout(20_000);
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
  });

  it('an agent that knows it cancels every op in one command and names the ids it could not', async () => {
    const server = await ChannelServer.start();
    cleanups.push(() => server.dispose());
    const connected = new Promise<AgentConnection>((resolve) => server.onDidConnect(resolve));
    const child = spawn(process.execPath, ['--require', path.join(root, 'dist', 'agent.js'), path.join(root, 'test', 'fixtures', 'view', 'listening.js')], {
      env: { ...process.env, NODE_OPTIONS: '', ASYNCINFO_CHANNEL: server.address, ASYNCINFO_TOKEN: server.token }, stdio: 'ignore',
    });
    cleanups.push(() => child.kill());
    const connection = await connected;
    const seen: AgentMessage[] = [];
    connection.onMessage((m) => seen.push(m));
    const deadline = Date.now() + 10_000;
    while (!seen.some((m) => m.type === 'snapshotEnd') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const op = seen.find((m) => m.type === 'created')!;
    assert.ok(op && op.type === 'created');
    const failures = await connection.cancelMany([op.id, 999_999]);
    assert.deepEqual(failures.map((f) => [f.id, f.error.code]), [[999_999, 'NOT_FOUND']]);
    while (!seen.some((m) => m.type === 'cancelRequested') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(seen.some((m) => m.type === 'cancelRequested' && m.id === op.id && m.source === 'client'));
  });

  it('an older agent (BAD_REQUEST for the unknown type) gets one cancel per op, from then on', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => server.close());
    const received: { type: string; id?: number; req: number }[] = [];
    server.on('connection', (socket) => {
      cleanups.push(() => socket.destroy());
      socket.setEncoding('utf8');
      socket.write('{"type":"hello","protocol":1,"pid":5,"ppid":1,"title":"node","argv":[],"cwd":"/","node":"v18","session":null,"timeOrigin":0}\n');
      let pending = '';
      socket.on('data', (chunk: string) => {
        pending += chunk;
        for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
          const command = JSON.parse(pending.slice(0, nl));
          pending = pending.slice(nl + 1);
          received.push(command);
          const reply = command.type === 'cancel'
            ? (command.id === 3 ? { ok: false, error: { code: 'NOT_FOUND', message: 'no live operation with id 3' } } : { ok: true })
            : { ok: false, error: { code: 'BAD_REQUEST', message: `unknown type "${command.type}"` } };
          socket.write(`${JSON.stringify({ type: 'reply', req: command.req, ...reply })}\n`);
        }
      });
    });
    const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    const connection = new AgentConnection(socket);
    cleanups.push(() => connection.dispose());
    await new Promise<void>((resolve) => connection.onHello(() => resolve()));
    const first = await connection.cancelMany([1, 2, 3]);
    assert.deepEqual(first.map((f) => [f.id, f.error.code]), [[3, 'NOT_FOUND']]);
    assert.deepEqual(received.map((c) => c.type), ['cancelMany', 'cancel', 'cancel', 'cancel']);
    await connection.cancelMany([4]);
    assert.deepEqual(received.slice(4).map((c) => c.type), ['cancel'], 'it asked the older agent for cancelMany again');
  });
});
