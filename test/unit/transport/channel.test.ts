// The extension's side of the channel against a real agent in a real child process: a program
// connects to the window's server, its messages arrive in order, commands get their replies, and
// a process that goes away fails its pending commands instead of leaving them hanging.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { AgentMessage } from '../../../src/protocol/messages';
import { ChannelServer, removeStaleChannels } from '../../../src/transport/channelServer';
import { CommandError, type AgentConnection } from '../../../src/transport/agentConnection';
import { attach, parseAttachAddress } from '../../../src/transport/attachClient';

const root = path.resolve(__dirname, '../../../..');
const agent = path.join(root, 'dist', 'agent.js');
const program = path.join(root, 'test', 'fixtures', 'view', 'listening.js');

function run(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--require', agent, program], { env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: 'ignore' });
}

function messagesUntil(connection: AgentConnection, done: (m: AgentMessage) => boolean): Promise<AgentMessage[]> {
  const seen: AgentMessage[] = [];
  return new Promise((resolve) => {
    connection.onMessage((m) => {
      seen.push(m);
      if (done(m)) resolve(seen);
    });
  });
}

describe('transport', function () {
  this.timeout(20_000);
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
  });

  it('a program connects to the window\'s server in a private directory; cancel is answered and takes effect', async () => {
    const server = await ChannelServer.start();
    cleanups.push(() => server.dispose());
    if (process.platform !== 'win32') {
      assert.equal(fs.statSync(path.dirname(server.address)).mode & 0o777, 0o700, 'only the user may enter');
    }
    const connected = new Promise<AgentConnection>((resolve) => server.onDidConnect(resolve));
    const child = run({ ASYNCINFO_CHANNEL: server.address, ASYNCINFO_TOKEN: server.token, ASYNCINFO_SESSION: 'abc' });
    cleanups.push(() => child.kill());
    const connection = await connected;
    assert.equal(connection.hello?.pid, child.pid);
    assert.equal(connection.hello?.session, 'abc');
    const snapshot = await messagesUntil(connection, (m) => m.type === 'snapshotEnd');
    const created = snapshot.find((m) => m.type === 'created');
    assert.ok(created && created.type === 'created' && created.name === 'serveRequests');

    await assert.rejects(connection.command('close', created.id), (e: CommandError) => e.code === 'E_ILLEGAL_STATE_CHANGE');
    await assert.rejects(connection.command('cancel', 999_999), (e: CommandError) => e.code === 'NOT_FOUND');
    const ended = messagesUntil(connection, (m) => m.type === 'canceled');
    await connection.command('cancel', created.id);
    assert.ok((await ended).some((m) => m.type === 'cancelRequested' && m.source === 'client'));
  });

  it('every listener added when the program connects gets its first messages (hello\'s snapshot shares a chunk with it)', async () => {
    const server = await ChannelServer.start();
    cleanups.push(() => server.dispose());
    const seen: [AgentMessage[], AgentMessage[]] = [[], []];
    const connected = new Promise<AgentConnection>((resolve) => server.onDidConnect((connection) => {
      connection.onMessage((m) => seen[0].push(m));
      connection.onMessage((m) => seen[1].push(m));
      resolve(connection);
    }));
    const child = run({ ASYNCINFO_CHANNEL: server.address, ASYNCINFO_TOKEN: server.token });
    cleanups.push(() => child.kill());
    await connected;
    const deadline = Date.now() + 10_000;
    while (!seen[1].some((m) => m.type === 'snapshotEnd') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(seen[0].some((m) => m.type === 'created'), 'the first listener missed the snapshot');
    assert.deepEqual(seen[1], seen[0], 'the second listener missed what the first got');
  });

  it('refuses an agent whose hello lacks the window\'s token (a named pipe lets any local user connect): never announced, disconnected', async () => {
    const server = await ChannelServer.start();
    cleanups.push(() => server.dispose());
    const announced: AgentConnection[] = [];
    server.onDidConnect((c) => announced.push(c));
    const hello = { type: 'hello', protocol: 1, pid: 4242, ppid: 1, title: 'node', argv: [], cwd: '/', node: 'v20', session: null, timeOrigin: 0 };
    for (const token of [undefined, 'wrong', server.token.slice(1)]) {
      const socket = net.connect(server.address);
      cleanups.push(() => socket.destroy());
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.on('error', () => undefined);
      socket.write(`${JSON.stringify({ ...hello, token })}\n{"type":"snapshotEnd","t":0}\n`);
      await closed;
    }
    assert.equal(announced.length, 0);
    // With the token, the same hello is announced.
    const socket = net.connect(server.address);
    cleanups.push(() => socket.destroy());
    const connected = new Promise<AgentConnection>((resolve) => server.onDidConnect(resolve));
    socket.write(`${JSON.stringify({ ...hello, token: server.token })}\n`);
    assert.equal((await connected).hello?.pid, 4242);
  });

  it('a process that exits fails the commands it never answered', async () => {
    const server = await ChannelServer.start();
    cleanups.push(() => server.dispose());
    const connected = new Promise<AgentConnection>((resolve) => server.onDidConnect(resolve));
    const child = run({ ASYNCINFO_CHANNEL: server.address, ASYNCINFO_TOKEN: server.token });
    const connection = await connected;
    const closed = new Promise<void>((resolve) => connection.onClose(resolve));
    child.kill('SIGKILL');
    await closed;
    await assert.rejects(connection.command('cancel', 1), (e: CommandError) => e.code === 'DISCONNECTED');
  });

  it('attaches over TCP with the token, and refuses a wrong one with a clear reason', async () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'asyncops-transport-'));
    const file = path.join(dir, 'address');
    const child = run({ ASYNCINFO_LISTEN: '127.0.0.1:0', ASYNCINFO_LISTEN_FILE: file, ASYNCINFO_TOKEN: 'sesame' });
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }), () => child.kill());
    while (!fs.existsSync(file)) await new Promise((r) => setTimeout(r, 20));
    const target = parseAttachAddress(fs.readFileSync(file, 'utf8'));
    await assert.rejects(attach(target, 'wrong'), /token/);
    const connection = await attach(target, 'sesame');
    cleanups.push(() => connection.dispose());
    assert.equal(connection.hello?.pid, child.pid);
    const snapshot = await messagesUntil(connection, (m) => m.type === 'snapshotEnd');
    assert.ok(snapshot.some((m) => m.type === 'created'), 'the snapshot reaches a listener added after hello');
  });

  it('explains addresses it cannot attach to', () => {
    assert.throws(() => parseAttachAddress('  '), /Enter an address/);
    assert.throws(() => parseAttachAddress('127.0.0.1:0'), /Port 0/);
    assert.throws(() => parseAttachAddress('http://localhost:80'), /Unsupported address/);
    assert.deepEqual(parseAttachAddress('tcp://127.0.0.1:9000'), { kind: 'tcp', host: '127.0.0.1', port: 9000 });
    assert.deepEqual(parseAttachAddress('/tmp/x.sock'), { kind: 'path', path: '/tmp/x.sock' });
  });
});

describe('channel directories', () => {
  it('a killed window\'s directory is removed by the next one; a live window\'s stays', async function () {
    if (process.platform === 'win32') this.skip();
    const tmp = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'asyncops-sweep-'));
    try {
      // A window that was killed: its socket file is still there and nobody listens on it
      // (connecting is refused, as for any file nobody listens on).
      const dead = path.join(tmp, 'asyncinfo-dead');
      fs.mkdirSync(dead, { mode: 0o700 });
      fs.writeFileSync(path.join(dead, 'channel.sock'), '');
      // A live window.
      const live = path.join(tmp, 'asyncinfo-live');
      fs.mkdirSync(live, { mode: 0o700 });
      const server = require('node:net').createServer() as import('node:net').Server;
      await new Promise<void>((resolve) => server.listen(path.join(live, 'channel.sock'), resolve));
      // A file that merely starts the same way is left alone.
      fs.writeFileSync(path.join(tmp, 'asyncinfo-file'), 'x');

      await removeStaleChannels(tmp);
      assert.equal(fs.existsSync(dead), false, 'the dead window\'s directory is gone');
      assert.equal(fs.existsSync(live), true, 'the live window\'s directory stays');
      assert.equal(fs.existsSync(path.join(tmp, 'asyncinfo-file')), true);
      server.close();
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('commands to a program that cannot answer', function () {
  this.timeout(20_000);

  it('a stopped program\'s command fails with NO_ANSWER instead of hanging, and applies once it runs', async function () {
    if (process.platform === 'win32') this.skip();
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'asyncops-noanswer-'));
    const address = path.join(dir, 'channel.sock');
    const server = require('node:net').createServer() as import('node:net').Server;
    await new Promise<void>((resolve) => server.listen(address, resolve));
    const accepted = new Promise<import('node:net').Socket>((resolve) => server.once('connection', resolve));
    const child = run({ ASYNCINFO_CHANNEL: address });
    try {
      const { AgentConnection: Connection } = await import('../../../src/transport/agentConnection');
      const connection = new Connection(await accepted, 300);
      const snapshot = await messagesUntil(connection, (m) => m.type === 'snapshotEnd');
      const created = snapshot.find((m) => m.type === 'created');
      assert.ok(created && created.type === 'created');
      process.kill(child.pid!, 'SIGSTOP'); // like a breakpoint: no JavaScript runs
      await assert.rejects(connection.command('cancel', created.id), (e: CommandError) => e.code === 'NO_ANSWER' && /not answered/.test(e.message));
      const canceled = messagesUntil(connection, (m) => m.type === 'canceled' && m.id === created.id);
      process.kill(child.pid!, 'SIGCONT');
      await canceled; // the request was not lost
      connection.dispose();
    } finally {
      child.kill('SIGKILL');
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
