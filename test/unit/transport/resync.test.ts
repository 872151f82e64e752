// Nothing lost: a window that reads too slowly makes the agent drop events; on `dropped` the
// extension asks for the whole state again, and its store ends exact.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { OperationStore } from '../../../src/core/operationStore';
import { AgentConnection } from '../../../src/transport/agentConnection';
import { Resync } from '../../../src/transport/resync';

const root = path.resolve(__dirname, '../../../..');

describe('resync after dropped events', function () {
  this.timeout(60_000);

  it('a reader that fell behind ends with the program\'s exact state', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncops-resync-'));
    const address = path.join(dir, 'channel.sock');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(address, resolve));
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const program = spawn(process.execPath, ['--require', path.join(root, 'dist', 'agent.js'), path.join(root, 'test', 'fixtures', 'view', 'burst.js')], {
      env: { ...process.env, NODE_OPTIONS: '', ASYNCINFO_CHANNEL: address }, stdio: ['ignore', 'pipe', 'ignore'],
    });
    const store = new OperationStore({ coalesceMs: 10 });
    try {
      const socket = await accepted;
      socket.pause(); // this side reads nothing while the program makes its 240,000 events
      const connection = new AgentConnection(socket);
      const resync = new Resync(connection, 0);
      connection.onHello((hello) => store.addProcess('p', hello, 'debug'));
      let dropped = 0;
      connection.onMessage((message) => {
        if (message.type === 'dropped') {
          dropped += message.count;
          resync.request();
        }
        store.apply('p', message);
      });
      await new Promise<void>((resolve) => program.stdout!.on('data', (d: Buffer) => d.toString().includes('done') && resolve()));
      socket.resume();
      const deadline = Date.now() + 30_000;
      const exact = () => store.process('p')?.pendingCount === 20_000 && store.children('p', null, 0, 100_000).filter((op) => !op.closed).length === 20_000;
      while (!(dropped > 0 && exact())) {
        if (Date.now() > deadline) throw new Error(`not exact: dropped ${dropped} (store ${store.process("p")?.dropped}), pending ${store.process("p")?.pendingCount}, ops ${store.process("p")?.opCount}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(dropped > 0, 'the agent dropped events (else this test proves nothing)');
      assert.equal(store.process('p')?.dropped, 0, 'the view no longer says events are missing');
      resync.dispose();
      connection.dispose();
    } finally {
      program.kill();
      store.dispose();
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
