// Nothing lost: a window that reads too slowly makes the agent drop events; on `dropped` the
// extension asks for the whole state again, and its store ends exact. A recording of that stream
// (snapshotStart and all) replays to the very same state.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { OperationStore } from '../../../src/core/operationStore';
import { loadTrace, TraceRecorder } from '../../../src/core/traceFile';
import { AgentConnection } from '../../../src/transport/agentConnection';
import { Resync } from '../../../src/transport/resync';
import { stateOf } from '../core/messages';

const root = path.resolve(__dirname, '../../../..');

describe('resync after dropped events', function () {
  this.timeout(60_000);

  it('a reader that fell behind ends with the program\'s exact state; its recording replays to that state', async () => {
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
      const recorder = new TraceRecorder();
      const trace = path.join(dir, 'recorded.ndjson');
      await recorder.start(trace);
      connection.onHello((hello) => {
        store.addProcess('p', hello, 'debug');
        recorder.write(hello.pid, hello);
      });
      let dropped = 0;
      connection.onMessage((message) => {
        recorder.write(connection.hello!.pid, message);
        if (message.type === 'dropped') {
          dropped += message.count;
          resync.request();
        }
        store.apply('p', message);
      });
      await new Promise<void>((resolve) => program.stdout!.on('data', (d: Buffer) => d.toString().includes('done') && resolve()));
      socket.resume();
      const deadline = Date.now() + 30_000;
      const exact = () => store.process('p')?.pendingCount === 20_000 && store.children('p', null, 0, 100_000).filter((op) => !op.closed && !op.released).length === 20_000;
      while (!(dropped > 0 && exact())) {
        if (Date.now() > deadline) throw new Error(`not exact: dropped ${dropped} (store ${store.process("p")?.dropped}), pending ${store.process("p")?.pendingCount}, ops ${store.process("p")?.opCount}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(dropped > 0, 'the agent dropped events (else this test proves nothing)');
      assert.equal(store.process('p')?.dropped, 0, 'the view no longer says events are missing');
      await recorder.stop();
      const replayed = new OperationStore();
      const [key] = await loadTrace(replayed, trace);
      assert.ok(fs.readFileSync(trace, 'utf8').includes('"snapshotStart"'), 'the recording holds a resync');
      assert.deepEqual(stateOf(replayed, key), stateOf(store, 'p'), 'the recording replays to another state than the live view had');
      replayed.dispose();
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
