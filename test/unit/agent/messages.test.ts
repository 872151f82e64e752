// Every message the agent sends and every reply a command can get, over a real socket to a real
// program; and the snapshot a late-joining client gets.
import * as assert from 'assert';
import { Scope, type Client, type Program } from './harness';

describe('agent messages and commands', () => {
  let scope: Scope;
  let program: Program;
  let client: Client;
  beforeEach(async () => {
    scope = new Scope();
    const server = await scope.server({ path: scope.file('client.sock') });
    // Creation sites are opt-in (ASYNCINFO_SITES); the first test checks them.
    program = await scope.program({ ASYNCINFO_CHANNEL: server.address, ASYNCINFO_SITES: 'frame' });
    client = await server.nextClient();
    await client.waitForType('snapshotEnd');
  });
  afterEach(() => scope.dispose());

  it('sends created, progress, completed and closed, in order, with their fields', async () => {
    const id = await program.start({ kind: 'operationWithProgress', name: 'download' });
    await program.call('progress', { id, value: { bytes: 512 } });
    await program.call('complete', { id, value: 1 });
    await program.call('close', { id });
    await client.waitForType('closed', { id });
    const mine = client.messages.filter((m) => m.id === id);
    assert.deepStrictEqual(mine.map((m) => m.type), ['created', 'progress', 'completed', 'closed']);
    const [created, progress] = mine;
    assert.strictEqual(created.kind, 'operationWithProgress');
    assert.strictEqual(created.name, 'download');
    assert.strictEqual(created.parent, null);
    assert.match(String(created.site), /program\.js:\d+:\d+$/);
    assert.deepStrictEqual(progress.value, { bytes: 512 });
    const ts = mine.map((m) => m.t as number);
    assert.ok(ts.every((t, i) => Number.isInteger(t) && (i === 0 || t >= ts[i - 1])), `timestamps ${ts}`);
  });

  it('answers resync (an extension of v1) with the whole state again: snapshotStart, snapshot, snapshotEnd, reply', async () => {
    const running = await program.start({ name: 'running' });
    await program.call('progress', { id: running, value: 1 });
    await program.call('progress', { id: running, value: 2 });
    const finished = await program.start({ name: 'finished' });
    await program.call('complete', { id: finished, value: 1 });
    await client.waitForType('completed', { id: finished });
    const from = client.messages.length;
    const reply = await client.request({ type: 'resync', req: 'r1' });
    assert.strictEqual(reply.ok, true);
    const after = client.messages.slice(from);
    const start = after.findIndex((m) => m.type === 'snapshotStart');
    const end = after.findIndex((m) => m.type === 'snapshotEnd');
    assert.ok(start >= 0 && end > start && after.indexOf(reply) > end, after.map((m) => m.type).join(','));
    const snapshot = after.slice(start + 1, end);
    assert.deepStrictEqual(snapshot.filter((m) => m.id === running).map((m) => [m.type, m.value]), [['created', undefined], ['progress', 2]]);
    assert.deepStrictEqual(snapshot.filter((m) => m.id === finished).map((m) => m.type), ['created', 'completed']);
    const before = client.messages.length;
    client.send({ type: 'resync' }); // no req: refused, and nothing is sent again
    await client.waitFor((m) => m.type === 'reply' && m.req === null && (m.error as { code: string }).code === 'BAD_REQUEST', 'BAD_REQUEST', before);
    assert.ok(!client.messages.slice(before).some((m) => m.type === 'snapshotStart'));
  });

  it('sends every kind', async () => {
    for (const kind of ['action', 'operation', 'actionWithProgress', 'operationWithProgress']) {
      const id = await program.start({ kind });
      assert.strictEqual((await client.waitForType('created', { id })).kind, kind);
    }
  });

  it('sends error with its code and message, and canceled after a program cancel', async () => {
    const failing = await program.start();
    await program.call('fail', { id: failing, message: 'ECONNRESET' });
    const error = await client.waitForType('error', { id: failing });
    assert.strictEqual(error.errorCode, -2147467259);
    assert.strictEqual(error.message, 'ECONNRESET');
    const custom = await program.start();
    await program.call('fail', { id: custom, message: 'denied', number: -2147024891 });
    assert.strictEqual((await client.waitForType('error', { id: custom })).errorCode, -2147024891);
    const canceled = await program.start();
    await program.call('cancel', { id: canceled });
    assert.strictEqual((await client.waitForType('cancelRequested', { id: canceled })).source, 'program');
    await program.call('complete', { id: canceled });
    await client.waitForType('canceled', { id: canceled });
  });

  it('cancel: replies ok, the op reports cancelRequested from the client, the work ends canceled', async () => {
    const id = await program.start();
    const reply = await client.request({ type: 'cancel', id, req: 1 });
    assert.deepStrictEqual(reply, { type: 'reply', req: 1, ok: true });
    const cancel = client.messages.find((m) => m.type === 'cancelRequested' && m.id === id)!;
    assert.strictEqual(cancel.source, 'client');
    assert.ok(client.messages.indexOf(cancel) < client.messages.indexOf(reply), 'the event comes before the reply');
    assert.strictEqual((await program.call('status', { id })).status, 2);
    await program.call('complete', { id });
    await client.waitForType('canceled', { id });
    // Canceling a canceled op is a no-op, still answered once.
    assert.strictEqual((await client.request({ type: 'cancel', id, req: 2 })).ok, true);
  });

  it('close: ok on a finished op, E_ILLEGAL_STATE_CHANGE on a running one, NOT_FOUND once closed', async () => {
    const id = await program.start();
    const running = await client.request({ type: 'close', id, req: 'a' });
    assert.strictEqual(running.ok, false);
    assert.strictEqual((running.error as { code: string }).code, 'E_ILLEGAL_STATE_CHANGE');
    assert.match((running.error as { message: string }).message, /running/);
    assert.strictEqual((await program.call('status', { id })).status, 0);
    await program.call('complete', { id });
    await client.waitForType('completed', { id });
    assert.deepStrictEqual(await client.request({ type: 'close', id, req: 'b' }), { type: 'reply', req: 'b', ok: true });
    await client.waitForType('closed', { id });
    assert.strictEqual((await program.call('status', { id })).threw, 'E_ILLEGAL_METHOD_CALL');
    const gone = await client.request({ type: 'close', id, req: 'c' });
    assert.strictEqual((gone.error as { code: string }).code, 'NOT_FOUND');
    const never = await client.request({ type: 'cancel', id: 999999, req: 'd' });
    assert.strictEqual((never.error as { code: string }).code, 'NOT_FOUND');
  });

  it('closing a canceled op whose work still runs sends canceled, then closed', async () => {
    const id = await program.start();
    await client.request({ type: 'cancel', id, req: 1 });
    await client.request({ type: 'close', id, req: 2 });
    await client.waitForType('closed', { id });
    assert.deepStrictEqual(client.messages.filter((m) => m.id === id).map((m) => m.type), ['created', 'cancelRequested', 'canceled', 'closed']);
  });

  it('answers each bad line with BAD_REQUEST, executes none of them, and keeps the connection', async () => {
    const id = await program.start();
    const bad: [string, unknown][] = [
      ['not json\n', null],
      ['[1,2]\n', null],
      ['"cancel"\n', null],
      ['{"type":"explode","req":5}\n', 5],
      ['{"type":"constructor","req":"c"}\n', 'c'],
      ['{"type":"__proto__","req":6}\n', 6],
      [`{"type":"cancel","req":7}\n`, 7],
      [`{"type":"cancel","id":"${id}","req":8}\n`, 8],
      [`{"type":"close","id":-1,"req":9}\n`, 9],
      [`{"type":"close","id":1.5,"req":10}\n`, 10],
      [`{"type":"cancel","id":${id}}\n`, null],
      [`{"type":"cancel","id":${id},"req":{"x":1}}\n`, null],
      [`{"req":11}\n`, 11],
    ];
    for (const [line] of bad) client.send(line);
    client.send({ type: 'cancel', id: 999999, req: 'last' });
    await client.waitFor((m) => m.req === 'last', 'the last reply');
    const replies = client.messages.filter((m) => m.type === 'reply' && m.req !== 'last');
    assert.deepStrictEqual(replies.map((r) => r.req), bad.map(([, req]) => req));
    for (const r of replies) {
      assert.strictEqual(r.ok, false);
      assert.strictEqual((r.error as { code: string }).code, 'BAD_REQUEST');
    }
    assert.strictEqual((await program.call('status', { id })).status, 0, 'nothing was canceled');
  });

  it('refuses a line over 1 MiB with BAD_REQUEST (req null) without executing it', async () => {
    const id = await program.start();
    const huge = `{"type":"cancel","id":${id},"req":1,"pad":"${'x'.repeat(1024 * 1024)}"}\n`;
    client.send(huge);
    client.send({ type: 'close', id: 999999, req: 'after' });
    await client.waitFor((m) => m.req === 'after', 'the reply after the huge line');
    const replies = client.messages.filter((m) => m.type === 'reply');
    assert.strictEqual(replies.length, 2);
    assert.strictEqual(replies[0].req, null);
    assert.strictEqual((replies[0].error as { code: string }).code, 'BAD_REQUEST');
    assert.strictEqual((await program.call('status', { id })).status, 0);
    // Exactly 1 MiB is still a line.
    const exact = `{"type":"cancel","id":${id},"req":2,"pad":"`;
    const fit = exact + 'y'.repeat(1024 * 1024 - exact.length - 2) + '"}';
    assert.strictEqual(Buffer.byteLength(fit), 1024 * 1024);
    assert.strictEqual((await client.request({ type: 'x', req: 0 })).ok, false);
    client.send(fit + '\n');
    assert.strictEqual((await client.waitFor((m) => m.req === 2, 'the 1 MiB line reply')).ok, true);
  });

  it('cuts long progress values and error messages and says so', async () => {
    const id = await program.start();
    await program.call('progress', { id, value: { text: 'z'.repeat(10000) } });
    const progress = await client.waitForType('progress', { id });
    assert.strictEqual(progress.valueTruncated, true);
    await program.call('fail', { id, message: 'm'.repeat(10000) });
    const error = await client.waitForType('error', { id });
    assert.strictEqual(error.messageTruncated, true);
    assert.ok((error.message as string).length < 10000);
  });
});

describe('agent snapshot for late joiners', () => {
  let scope: Scope;
  beforeEach(() => (scope = new Scope()));
  afterEach(() => scope.dispose());

  it('holds every tracked op as it stands: created, latest progress, cancelRequested, terminal', async () => {
    const sock = scope.file('agent.sock');
    const program = await scope.program({ ASYNCINFO_LISTEN: sock });
    const running = await program.start({ name: 'running' });
    const progressed = await program.start({ name: 'progressed' });
    await program.call('progress', { id: progressed, value: 1 });
    await program.call('progress', { id: progressed, value: { n: 2 } });
    const cancelRequested = await program.start({ name: 'cancelRequested' });
    await program.call('cancel', { id: cancelRequested });
    const completed = await program.start({ name: 'completed' });
    await program.call('complete', { id: completed });
    const failed = await program.start({ name: 'failed' });
    await program.call('fail', { id: failed, message: 'boom' });
    const canceled = await program.start({ name: 'canceled' });
    await program.call('cancel', { id: canceled });
    await program.call('complete', { id: canceled });
    const closed = await program.start({ name: 'closed' });
    await program.call('complete', { id: closed });
    await program.call('close', { id: closed });
    await program.call('roundTrip'); // settles the promise reactions above

    const client = await scope.dial(sock);
    await client.waitForType('snapshotEnd');
    const snapshot = client.snapshot();
    const of = (id: number) => snapshot.filter((m) => m.id === id).map((m) => m.type);
    assert.deepStrictEqual(of(running), ['created']);
    assert.deepStrictEqual(of(progressed), ['created', 'progress']);
    assert.deepStrictEqual(snapshot.find((m) => m.id === progressed && m.type === 'progress')!.value, { n: 2 });
    assert.deepStrictEqual(of(cancelRequested), ['created', 'cancelRequested']);
    assert.deepStrictEqual(of(completed), ['created', 'completed']);
    assert.deepStrictEqual(of(failed), ['created', 'error']);
    assert.deepStrictEqual(of(canceled), ['created', 'cancelRequested', 'canceled']);
    assert.deepStrictEqual(of(closed), [], 'a closed op is not in the snapshot');
    assert.strictEqual(snapshot.find((m) => m.id === running)!.name, 'running');
    // Commands work on snapshot ops, live events follow snapshotEnd.
    assert.strictEqual((await client.request({ type: 'close', id: completed, req: 1 })).ok, true);
    const closedNow = await client.waitForType('closed', { id: completed });
    assert.ok(client.messages.indexOf(closedNow) > client.messages.findIndex((m) => m.type === 'snapshotEnd'));
  });
});
