// Issue 10: Node's own work as ops (operation-sources.md §3). A plain Node program (nodeWork.js)
// serves HTTP on loopback, requests, fetches, spawns and sets timers for real, with the agent
// preloaded and ASYNCINFO_NODE set; a real client reads the agent's stream and cancels. Run on the
// machine's Node (20), on Node 22 and on the Node 24 the harness installs.
import * as assert from 'assert';
import { fork } from 'child_process';
import * as path from 'path';
import { ensureNode } from '../../harness/install';
import { AGENT, FIXTURES, Program, Scope, cleanEnv, waitUntil, type Client, type Message } from './harness';

const NODE_WORK = path.join(FIXTURES, 'nodeWork.js');

/** nodeWork.js with the agent preloaded, on `node`; what it reports is kept in `events`. */
class NodeWork extends Program {
  readonly events: Record<string, unknown>[] = [];
  base = '';

  constructor(scope: Scope, env: Record<string, string>, execPath: string) {
    super(scope.track(fork(NODE_WORK, [], { env: cleanEnv(env), execPath, execArgv: ['--require', AGENT], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })));
    this.child.on('message', (m: Record<string, unknown>) => {
      if (m.event) this.events.push(m.event as Record<string, unknown>);
      if (m.ready) this.base = m.base as string;
    });
  }

  event(match: (e: Record<string, any>) => boolean, what: string): Promise<Record<string, any>> {
    return waitUntil(() => this.events.find(match), what);
  }
}

function created(client: Client, source: string, name: string): Promise<Message> {
  return client.waitFor((m) => m.type === 'created' && m.source === source && m.name === name, `${source} op ${name}`);
}

function ended(client: Client, id: unknown): Promise<Message> {
  return client.waitFor((m) => (m.type === 'completed' || m.type === 'canceled' || m.type === 'error') && m.id === id, `the end of op ${id}`);
}

const NODES: Array<{ label: string; execPath: () => Promise<string> }> = [
  { label: `Node ${process.versions.node.split('.')[0]} (this machine's)`, execPath: async () => process.execPath },
  { label: 'Node 22 (installed once from the npm registry)', execPath: async () => (await ensureNode(22)).node },
  { label: 'Node 24 (the harness installs it)', execPath: async () => (await ensureNode(24)).node },
];

for (const node of NODES) {
  describe(`Node's own work as ops, on ${node.label}`, function () {
    this.timeout(40000);
    let scope: Scope;
    let execPath: string;
    let programs = 0;
    before(async function () {
      this.timeout(300000);
      execPath = await node.execPath();
    });
    beforeEach(() => (scope = new Scope()));
    afterEach(() => scope.dispose());

    async function start(env: Record<string, string> = {}): Promise<{ work: NodeWork; client: Client }> {
      const server = await scope.server({ path: scope.file(`c${++programs}.sock`) });
      const work = new NodeWork(scope, { ASYNCINFO_CHANNEL: server.address, ASYNCINFO_NODE: 'all', ...env }, execPath);
      await work.ready;
      const client = await server.clientOf(work.pid);
      await client.waitForType('snapshotEnd');
      return { work, client };
    }

    it('an incoming request and an outgoing one: named, with attributes, completed with their status code', async () => {
      const { work, client } = await start();
      await work.call('get', { path: '/ok?secret=1' });
      const port = new URL(work.base).port;
      const server = await created(client, 'node:http-server', 'GET /ok');
      const outgoing = await created(client, 'node:http-client', `GET http://127.0.0.1:${port}/ok`);
      assert.strictEqual(server.kind, 'operation');
      assert.strictEqual(server.canCancel, undefined, 'Cancel can act');
      assert.deepStrictEqual({ method: (server.attributes as any).method, url: (server.attributes as any).url }, { method: 'GET', url: '/ok' });
      assert.deepStrictEqual(outgoing.attributes, { method: 'GET', url: `http://127.0.0.1:${port}/ok` });
      const [serverEnd, outgoingEnd] = [await ended(client, server.id), await ended(client, outgoing.id)];
      assert.deepStrictEqual([serverEnd.type, serverEnd.attributes], ['completed', { statusCode: 200 }], 'the status code comes with the end');
      assert.deepStrictEqual([outgoingEnd.type, outgoingEnd.attributes], ['completed', { statusCode: 200 }]);
      await work.event((e) => e.get === 'end', 'the response read to its end');
      assert.ok(!JSON.stringify(client.messages).includes('secret'), 'the query stays out of names');
    });

    it('a fetch made while handling a request, and a child it spawns, appear under that request', async () => {
      const { work, client } = await start();
      await work.call('get', { path: '/work' });
      const port = new URL(work.base).port;
      const request = await created(client, 'node:http-server', 'GET /work');
      const fetched = await created(client, 'node:fetch', `GET http://127.0.0.1:${port}/ok`);
      const child = await client.waitFor((m) => m.type === 'created' && m.source === 'node:child-process', 'the child op');
      assert.strictEqual(fetched.parent, request.id, 'the fetch is the request\'s');
      assert.strictEqual(child.parent, request.id, 'the child is the request\'s');
      assert.match(child.name as string, /^spawn node -e process\.exit\(0\)$/);
      assert.strictEqual(typeof (child.attributes as any).pid, 'number');
      assert.deepStrictEqual((fetched.attributes as any).method, 'GET');
      for (const op of [fetched, child, request]) assert.strictEqual((await ended(client, op.id)).type, 'completed', `${op.name} completed`);
      const served = await created(client, 'node:http-server', 'GET /ok');
      assert.strictEqual(served.parent, null, 'a request that comes in is nobody\'s child');
      const get = await work.event((e) => e.get === 'end', 'the answer');
      assert.strictEqual(get.body, 'ok 0');
    });

    it('a child spawned inside a runtime op appears under it; a failing child ends in Error saying why', async () => {
      const { work, client } = await start();
      await work.call('spawn', { script: 'process.exit(3)', inOp: true });
      const op = await client.waitFor((m) => m.type === 'created' && m.name === 'runs a child', 'the runtime op');
      const child = await client.waitFor((m) => m.type === 'created' && m.source === 'node:child-process', 'the child op');
      assert.strictEqual(child.parent, op.id);
      const end = await ended(client, child.id);
      assert.strictEqual(end.type, 'error');
      assert.strictEqual(end.message, 'exited with code 3');
      assert.deepStrictEqual(end.attributes, { exitCode: 3 });
      await work.call('spawnMissing');
      const missing = await created(client, 'node:child-process', 'spawn program-of-the-test');
      assert.match((await ended(client, missing.id)).message as string, /could not start: ENOENT/);
      await work.event((e) => e.spawn === 'error' && e.code === 'ENOENT', 'the program sees its own spawn error');
    });

    it('Cancel on an incoming request destroys its socket: the op ends canceled, the client sees the connection reset', async () => {
      const { work, client } = await start();
      await work.call('get', { path: '/hang' });
      const op = await created(client, 'node:http-server', 'GET /hang');
      const reply = await client.request({ type: 'cancel', id: op.id, req: 1 });
      assert.strictEqual(reply.ok, true);
      assert.strictEqual((await ended(client, op.id)).type, 'canceled');
      const seen = await work.event((e) => e.get === 'error' && e.path === '/hang', 'the client sees the request fail');
      assert.strictEqual(seen.error.code, 'ECONNRESET');
      await work.event((e) => e.server === 'close' && e.url === '/hang' && e.finished === false, 'the handler sees its response closed');
      assert.strictEqual(work.stderr, '');
    });

    it('Cancel on an outgoing request destroys it with an AbortError', async () => {
      const { work, client } = await start({ ASYNCINFO_NODE: 'http-client' });
      await work.call('get', { path: '/slow-body' });
      const op = await client.waitFor((m) => m.type === 'created' && m.source === 'node:http-client', 'the request op');
      await new Promise((resolve) => setTimeout(resolve, 300)); // its response has begun
      const reply = await client.request({ type: 'cancel', id: op.id, req: 1 });
      assert.strictEqual(reply.ok, true);
      assert.strictEqual((await ended(client, op.id)).type, 'canceled');
      const seen = await work.event((e) => e.get === 'error' || e.get === 'responseError', 'the program sees the request aborted');
      assert.strictEqual(seen.error.name, 'AbortError');
      assert.strictEqual(work.stderr, '');
    });

    it('Cancel on a fetch aborts it: the fetch or its body rejects, the op ends canceled', async () => {
      const { work, client } = await start({ ASYNCINFO_NODE: 'fetch' });
      await work.call('fetch', { path: '/slow-body' });
      const op = await client.waitFor((m) => m.type === 'created' && m.source === 'node:fetch', 'the fetch op');
      assert.match(op.name as string, /^GET http:\/\/127\.0\.0\.1:\d+\/slow-body$/);
      await new Promise((resolve) => setTimeout(resolve, 300)); // its response has begun
      const reply = await client.request({ type: 'cancel', id: op.id, req: 1 });
      assert.strictEqual(reply.ok, true);
      assert.strictEqual((await ended(client, op.id)).type, 'canceled');
      const seen = await work.event((e) => e.fetch === 'rejected', 'the program sees its fetch fail');
      assert.ok(seen.error.name === 'AbortError' || seen.error.cause?.name === 'AbortError', JSON.stringify(seen.error));
      assert.strictEqual(work.stderr, '');
    });

    it('Cancel on a child sends SIGTERM: the op ends canceled, the program sees its child killed', async () => {
      const { work, client } = await start({ ASYNCINFO_NODE: 'child-process' });
      await work.call('spawn', { script: 'setInterval(() => {}, 1000)' });
      const op = await client.waitFor((m) => m.type === 'created' && m.source === 'node:child-process', 'the child op');
      assert.strictEqual((await client.request({ type: 'cancel', id: op.id, req: 1 })).ok, true);
      assert.strictEqual((await ended(client, op.id)).type, 'canceled');
      const seen = await work.event((e) => e.spawn === 'exit', 'the child exits');
      assert.deepStrictEqual([seen.code, seen.signal], [null, 'SIGTERM']);
    });

    it('a child that ignores SIGTERM is killed with SIGKILL 5 s later', async function () {
      this.timeout(60000);
      const { work, client } = await start({ ASYNCINFO_NODE: 'child-process' });
      await work.call('spawn', { script: 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); process.send ? 0 : 0' });
      const op = await client.waitFor((m) => m.type === 'created' && m.source === 'node:child-process', 'the child op');
      await new Promise((resolve) => setTimeout(resolve, 500)); // its SIGTERM handler is set
      const asked = Date.now();
      assert.strictEqual((await client.request({ type: 'cancel', id: op.id, req: 1 })).ok, true);
      const seen = await work.event((e) => e.spawn === 'exit', 'the child killed');
      assert.strictEqual(seen.signal, 'SIGKILL');
      assert.ok(Date.now() - asked >= 4500, 'not before 5 s');
      assert.strictEqual((await ended(client, op.id)).type, 'canceled');
    });

    it('timers of at least ASYNCINFO_TIMERS_MIN_MS: fired completes, a clear by the program cancels, Cancel clears', async () => {
      const { work, client } = await start({ ASYNCINFO_NODE: 'timers', ASYNCINFO_TIMERS_MIN_MS: '200' });
      await work.call('timer', { ms: 50 }); // below the minimum: no op
      const { id: fires } = await work.call('timer', { ms: 250 });
      const fired = await created(client, 'node:timers', 'setTimeout 250ms');
      assert.deepStrictEqual(fired.attributes, { delay: 250, repeats: false });
      assert.strictEqual((await ended(client, fired.id)).type, 'completed');
      await work.event((e) => e.timer === 'fired' && e.id === fires, 'the program\'s callback ran');

      const { id: cleared } = await work.call('timer', { ms: 60000, interval: true });
      const interval = await created(client, 'node:timers', 'setInterval 60000ms');
      await work.call('clearTimer', { id: cleared });
      await client.waitFor((m) => m.type === 'cancelRequested' && m.id === interval.id && m.source === 'program', 'a cancel by the program');
      assert.strictEqual((await ended(client, interval.id)).type, 'canceled');

      const { id: canceled } = await work.call('timer', { ms: 1500 });
      const op = await created(client, 'node:timers', 'setTimeout 1500ms');
      assert.strictEqual((await client.request({ type: 'cancel', id: op.id, req: 1 })).ok, true);
      assert.strictEqual((await ended(client, op.id)).type, 'canceled');
      await new Promise((resolve) => setTimeout(resolve, 1800));
      assert.ok(!work.events.some((e) => e.timer === 'fired' && e.id === canceled), 'the canceled timer never fired');
      assert.ok(!client.messages.some((m) => m.type === 'created' && m.name === 'setTimeout 50ms'));
    });

    it('the agent\'s own timers are never shown, even with every timer observed', async () => {
      const { work, client } = await start({ ASYNCINFO_NODE: 'all', ASYNCINFO_TIMERS_MIN_MS: '0' });
      // Events in quick succession: the agent's flushes then wait on a timer of its own.
      await work.call('timerBurst', { n: 50, ms: 20 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const timers = client.messages.filter((m) => m.type === 'created' && m.source === 'node:timers').map((m) => m.name);
      assert.deepStrictEqual(timers, Array(50).fill('setTimeout 20ms'));
    });

    it('a resync gets pending ops and the newest ASYNCINFO_RETAIN finished ones; Close takes a finished one, refuses a running one', async () => {
      const { work, client } = await start({ ASYNCINFO_NODE: 'http-server', ASYNCINFO_RETAIN: '2' });
      for (const p of ['/ok?1', '/ok?2', '/ok?3']) {
        await work.call('get', { path: p });
        await work.event((e) => e.get === 'end' && e.path === p, `the answer to ${p}`);
      }
      await work.call('get', { path: '/hang' });
      const hang = await created(client, 'node:http-server', 'GET /hang');
      const from = client.messages.length;
      await client.request({ type: 'resync', req: 'r' });
      const snapshot = client.messages.slice(from);
      const names = snapshot.filter((m) => m.type === 'created').map((m) => m.name);
      assert.deepStrictEqual(names, ['GET /ok', 'GET /ok', 'GET /hang'], 'two finished (the newest) and the pending one');
      const finished = snapshot.filter((m) => m.type === 'completed');
      assert.strictEqual(finished.length, 2);
      assert.deepStrictEqual(finished[0].attributes, { statusCode: 200 });
      const refused = await client.request({ type: 'close', id: hang.id, req: 1 });
      assert.strictEqual((refused.error as any)?.code, 'E_ILLEGAL_STATE_CHANGE');
      const closed = await client.request({ type: 'close', id: finished[1].id, req: 2 });
      assert.strictEqual(closed.ok, true);
      await client.waitForType('closed', { id: finished[1].id });
      const gone = await client.request({ type: 'close', id: finished[1].id, req: 3 });
      assert.strictEqual((gone.error as any)?.code, 'NOT_FOUND');
    });

    it('with ASYNCINFO_NODE unset nothing is hooked: no wrapper, no channel subscriber', async () => {
      const off = await start({ ASYNCINFO_NODE: '' });
      const on = await start({ ASYNCINFO_NODE: 'all' });
      const bare = new NodeWork(scope, {}, execPath);
      await bare.ready;
      const [offEnv, onEnv, bareEnv] = await Promise.all([off.work.call('env'), on.work.call('env'), bare.call('env')]);
      assert.deepStrictEqual(offEnv.subscribers, []);
      assert.strictEqual(offEnv.setTimeout, bareEnv.setTimeout, 'setTimeout is Node\'s own');
      assert.strictEqual(offEnv.timersSetTimeout, bareEnv.timersSetTimeout);
      // and the check can tell: with every source on, both differ
      assert.deepStrictEqual(onEnv.subscribers, ['http.server.request.start', 'http.client.request.start', 'undici:request:create', 'child_process']);
      assert.notStrictEqual(onEnv.setTimeout, bareEnv.setTimeout);
      await off.work.call('get', { path: '/ok' });
      await off.work.event((e) => e.get === 'end', 'the request done');
      assert.ok(!off.client.messages.some((m) => m.type === 'created'), 'no ops');
    });
  });
}
