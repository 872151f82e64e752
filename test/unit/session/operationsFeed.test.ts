// The session layer in plain Node: real programs with the real agent connect to a real channel
// server; the debugger is the port's test double, whose `evaluate` runs in the real program.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { silentLogger } from '../../../src/common/logger';
import { LifecycleLog } from '../../../src/core/lifecycleLog';
import { OperationStore } from '../../../src/core/operationStore';
import { DEFAULT_MAX_EXITED, OperationsFeed, type ReceivedMessage } from '../../../src/session/operationsFeed';
import { attach, parseAttachAddress } from '../../../src/transport/attachClient';
import { ChannelServer } from '../../../src/transport/channelServer';
import { AGENT, Scope, waitUntil, type Program } from '../agent/harness';
import { TestDebugger, TestSession } from './debugger';
import type { NodeSource } from '../../../src/protocol/environment';

describe('session layer', function () {
  this.timeout(30_000);
  let scope: Scope;
  let server: ChannelServer;
  let store: OperationStore;
  let debug: TestDebugger;
  let feed: OperationsFeed;
  let received: ReceivedMessage[];
  let maxExited = DEFAULT_MAX_EXITED;
  let nodeSources: NodeSource[] = [];

  beforeEach(async () => {
    scope = new Scope();
    server = await ChannelServer.start();
    store = new OperationStore({ coalesceMs: 0 });
    debug = new TestDebugger();
    feed = new OperationsFeed(store, new LifecycleLog(silentLogger, () => undefined), debug, {
      agentPath: AGENT,
      channel: () => server,
      enabled: () => true,
      nodeSources: () => nodeSources,
    }, { maxExited: () => maxExited });
    received = [];
    feed.onDidReceive((m) => received.push(m));
    server.onDidConnect((connection) => feed.adopt(connection, 'debug'));
  });

  afterEach(() => {
    maxExited = DEFAULT_MAX_EXITED;
    nodeSources = [];
    feed.dispose();
    server.dispose();
    store.dispose();
    scope.dispose();
  });

  /** A debug launch as the extension makes it: a session with a token, its program told both. */
  async function launch(name: string, token = `token-${name}`): Promise<{ session: TestSession; program: Program; key: string }> {
    const session = debug.start(new TestSession(name, undefined, { token }));
    const program = await scope.program({ ASYNCINFO_CHANNEL: server.address, ASYNCINFO_TOKEN: server.token, ASYNCINFO_SESSION: token });
    session.program = program;
    const process = await waitUntil(() => store.processes().find((p) => p.hello.pid === program.pid), `${name} to connect`);
    return { session, program, key: process.key };
  }

  const opNamed = (key: string, name: string) => store.children(key, null, 0, 1000).find((op) => op.name === name);
  const inFeed = (key: string) => (feed as unknown as { processes: Map<string, unknown> }).processes.has(key);

  it('adopts a launched program under its debug session, hello first, then its operations', async () => {
    const { session, program, key } = await launch('app');
    const process = store.process(key)!;
    assert.equal(process.debugSessionId, session.id);
    assert.equal(feed.sessionName(process.hello.session), 'app');
    await program.start({ name: 'download' });
    await waitUntil(() => opNamed(key, 'download'), 'the op');
    const mine = received.filter((m) => m.key === key);
    assert.equal(mine[0].message.type, 'hello');
    assert.ok(mine.some((m) => m.message.type === 'created'));
  });

  it('a program that exits stays, shown as exited, while its session runs; when the session ends it stays as ended, with its ops and its session\'s name', async () => {
    const { session, program, key } = await launch('exits');
    await program.start({ name: 'leftBehind' });
    await waitUntil(() => opNamed(key, 'leftBehind'), 'the op');
    await program.call('exit');
    await waitUntil(() => store.process(key)?.connected === false, 'the program to exit');
    assert.equal(store.process(key)?.ended, false);
    debug.end(session);
    assert.equal(store.process(key)?.ended, true);
    assert.ok(opNamed(key, 'leftBehind'), 'what it had is gone');
    assert.equal(feed.sessionName(store.process(key)!.hello.session), 'exits');
    assert.equal(inFeed(key), false, 'the session layer holds on to an ended process');
  });

  it('a program still running when its session ends shows as ended once its channel closes', async () => {
    const { session, program, key } = await launch('lingers');
    debug.end(session);
    assert.ok(store.process(key)?.connected, 'a launched program is not cut off: it exits with its session');
    program.child.kill();
    await waitUntil(() => store.process(key)?.ended, 'the process to show as ended');
    assert.equal(inFeed(key), false);
  });

  it(`keeps the newest ${DEFAULT_MAX_EXITED} ended processes; older ones leave, with their sessions' names`, async () => {
    const ended: string[] = [];
    for (let i = 0; i <= DEFAULT_MAX_EXITED; i++) {
      const { session, program, key } = await launch(`run${i}`);
      program.child.kill();
      await waitUntil(() => store.process(key)?.connected === false, 'the program to exit');
      debug.end(session);
      ended.push(key);
    }
    assert.equal(store.process(ended[0]), undefined, 'the oldest ended process stayed past the bound');
    assert.ok(ended.slice(1).every((k) => store.process(k)?.ended));
    assert.equal(feed.sessionName('token-run0'), undefined);
    assert.equal(feed.sessionName(`token-run${DEFAULT_MAX_EXITED}`), `run${DEFAULT_MAX_EXITED}`);
  });

  it('children that exit while their session runs: the newest stay (a setting), older ones leave', async () => {
    maxExited = 3;
    const { key } = await launch('parent');
    const children: string[] = [];
    for (let i = 0; i < 5; i++) {
      const child = await scope.program({ ASYNCINFO_CHANNEL: server.address, ASYNCINFO_TOKEN: server.token, ASYNCINFO_SESSION: 'token-parent' });
      const process = await waitUntil(() => store.processes().find((p) => p.hello.pid === child.pid), 'a child');
      child.child.kill();
      await waitUntil(() => store.process(process.key)?.connected === false, 'the child to exit');
      children.push(process.key);
    }
    assert.deepEqual(children.map((k) => Boolean(store.process(k))), [false, false, true, true, true]);
    assert.ok(store.process(key)?.connected, 'the running parent is never retired');
  });

  it('restarting a session: a running process leaves when it closes, an exited one at once', async () => {
    const { session, program, key } = await launch('restarts');
    const child = await scope.program({ ASYNCINFO_CHANNEL: server.address, ASYNCINFO_TOKEN: server.token, ASYNCINFO_SESSION: 'token-restarts' });
    const childKey = (await waitUntil(() => store.processes().find((p) => p.hello.pid === child.pid), 'the second process')).key;
    await child.call('exit');
    await waitUntil(() => store.process(childKey)?.connected === false, 'the second process to exit');
    debug.restart(session);
    assert.equal(store.process(childKey), undefined, 'the exited process stayed through a restart');
    assert.ok(store.process(key), 'the running one left before it closed');
    program.child.kill();
    await waitUntil(() => !store.process(key), 'the old process to leave');
    // The relaunch (same session, same token) is a process of its own.
    const relaunched = await scope.program({ ASYNCINFO_CHANNEL: server.address, ASYNCINFO_TOKEN: server.token, ASYNCINFO_SESSION: 'token-restarts' });
    const fresh = await waitUntil(() => store.processes().find((p) => p.hello.pid === relaunched.pid), 'the relaunch');
    assert.equal(fresh.connected, true);
    assert.deepEqual(store.processes().map((p) => p.key), [fresh.key]);
  });

  it('attaching the debugger loads the agent through it; detaching disconnects from a program that runs on (its state stays, ended)', async () => {
    const program = await scope.program({}, []); // no agent preloaded
    const root = debug.start(new TestSession('attach to app', undefined, { request: 'attach' }));
    const target = debug.start(new TestSession('app', program, { parent: root, target: true }));
    const process = await waitUntil(() => store.processes().find((p) => p.hello.pid === program.pid), 'the injected agent to connect');
    assert.equal(target.evaluated.length, 1);
    assert.equal(feed.sessionName(process.hello.session), 'attach to app');
    debug.end(target);
    debug.end(root);
    await waitUntil(() => store.process(process.key)?.ended, 'the process to show as ended');
    assert.equal(inFeed(process.key), false);
    assert.equal((await program.call('roundTrip')).ok, true, 'the program runs on, unharmed');
  });

  it('an agent loaded through the debugger shows the Node work the setting asks for', async () => {
    nodeSources = ['child-process'];
    const program = await scope.program({}, []); // no agent preloaded
    const root = debug.start(new TestSession('attach to app', undefined, { request: 'attach' }));
    debug.start(new TestSession('app', program, { parent: root, target: true }));
    const process = await waitUntil(() => store.processes().find((p) => p.hello.pid === program.pid), 'the injected agent to connect');
    await program.call('spawn');
    const child = await waitUntil(() => store.children(process.key, null, 0, 10).find((op) => op.source === 'node:child-process'), 'the child op');
    assert.equal(child.name, 'spawn node child.js');
  });

  it('paused: the state is read through the debugger, Cancel goes through it, resuming returns to the channel', async () => {
    const { session, program, key } = await launch('pauses');
    session.program = program;
    const id = await program.start({ name: 'waits' });
    await waitUntil(() => opNamed(key, 'waits'), 'the op');
    debug.stop(session);
    await waitUntil(() => store.process(key)?.paused, 'paused');
    await feed.command(key, 'cancel', id);
    assert.ok(session.evaluated.some((e) => e.includes(`.cancel(${id})`)), 'the cancel did not go through the debugger');
    assert.equal(opNamed(key, 'waits')?.cancelRequested, true, 'the effect shows while still paused');
    assert.equal((await program.call('status', { id })).status, 2, 'the program canceled its op');
    debug.resume(session);
    assert.equal(store.process(key)?.paused, false);
  });

  it('a snapshot read still in flight when the program resumes leaves the process running', async () => {
    const { session, program, key } = await launch('races');
    session.program = program;
    let answer: () => void = () => undefined;
    session.hold = new Promise<void>((resolve) => (answer = resolve));
    debug.stop(session);
    await waitUntil(() => session.evaluated.length === 1, 'the snapshot read');
    debug.resume(session); // the user pressed Continue before the debugger answered
    answer();
    session.hold = new Promise<void>((resolve) => (answer = resolve));
    debug.stop(session); // the next stop: by the time its read begins, the stale answer was handled
    await waitUntil(() => session.evaluated.length === 2, 'the second read');
    assert.equal(store.process(key)?.paused, false, 'the stale snapshot marked the running process paused');
    answer();
    await waitUntil(() => store.process(key)?.paused, 'a stop answered in time pauses it');
  });

  it('two programs with one pid (two containers): a pause and its Cancel reach the right one', async () => {
    const real = await launch('host');
    // A second program that reports the same pid, under another session.
    const socket = net.connect(server.address);
    scope.onDispose(() => socket.destroy());
    const pid = real.program.pid;
    socket.write(`${JSON.stringify({ type: 'hello', protocol: 1, pid, ppid: 1, title: 'node', argv: ['node', 'other.js'], cwd: '/', node: 'v20', session: 'token-container', timeOrigin: Date.now(), token: server.token })}\n{"type":"snapshotEnd","t":0}\n`);
    const other = await waitUntil(() => store.processes().find((p) => p.hello.session === 'token-container'), 'the container program');
    const snapshot = `{"type":"created","id":77,"t":1,"kind":"operation","name":"inContainer","parent":null,"site":null}\n`;
    const container = debug.start(new TestSession('container', {
      answer: (expression) => expression.includes('snapshotText') ? JSON.stringify({ pid, text: snapshot }) : JSON.stringify({ ok: true }),
    }, { token: 'token-container' }));
    debug.stop(container);
    await waitUntil(() => store.process(other.key)?.paused, 'the container program paused');
    assert.equal(store.process(real.key)?.paused, false, 'the pause landed on the other program with that pid');
    assert.ok(opNamed(other.key, 'inContainer'));
    await feed.command(other.key, 'cancel', 77);
    assert.ok(container.evaluated.some((e) => e.includes('.cancel(77)')));
    assert.equal(real.session.evaluated.length, 0, 'the cancel ran in the other program');
  });

  it('a program attached over its own channel stays, shown as exited, after it exits; Disconnect removes it', async () => {
    const program = await scope.program({ ASYNCINFO_LISTEN: scope.file('app.sock') });
    const connection = await attach(parseAttachAddress(scope.file('app.sock')), undefined);
    feed.adopt(connection, 'attach');
    const key = connection.key;
    assert.equal(store.process(key)?.source, 'attach');
    program.child.kill();
    await waitUntil(() => store.process(key)?.connected === false, 'the program to exit');
    assert.ok(store.process(key), 'an attached program left the view on its own');
    feed.forget(key);
    assert.equal(store.process(key), undefined);
    assert.equal(inFeed(key), false);
  });

  it('malformed messages from a program are dropped and counted, never half-applied', async () => {
    const socket = net.connect(server.address);
    scope.onDispose(() => socket.destroy());
    const hello = { type: 'hello', protocol: 1, pid: 999_999, ppid: 1, title: 'node', argv: ['node', 'bad.js'], cwd: '/', node: 'v20', session: null, timeOrigin: 0, token: server.token };
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    socket.write([
      JSON.stringify({ ...hello, argv: null }), // refused: not a process the view can show
      JSON.stringify(hello),
      '{"type":"created","id":1,"t":0,"kind":"action","name":5,"parent":null,"site":null}',
      '{"type":"created","id":2,"t":0,"kind":"action","name":"good","parent":null,"site":null}',
      `{"type":"progress","id":2,"t":1,"value":${deep}}`,
      '{"type":"error","id":2,"t":2,"errorCode":"E_FAIL","message":"x"}',
      '{"type":"snapshotEnd","t":0}',
      '',
    ].join('\n'));
    const process = await waitUntil(() => store.processes().find((p) => p.hello.pid === 999_999 && p.malformed === 3), 'three malformed messages counted');
    assert.deepEqual(process.hello.argv, ['node', 'bad.js']);
    const ops = store.children(process.key, null, 0, 10);
    assert.deepEqual(ops.map((op) => [op.id, op.name, op.status, op.hasProgress]), [[2, 'good', 'Started', false]]);
  });
});
