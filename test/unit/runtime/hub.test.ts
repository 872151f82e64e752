// The process-wide hub: several copies of the runtime in one process share ids, and an agent sees
// and commands the ops of all of them through `globalThis[Symbol.for('asyncinfo.hub.v1')]`.
import * as assert from 'node:assert';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KIND_CASES, started } from './fixtures';
import {
  AsyncInfo, AsyncStatus, RUNTIME_PATH, deferred, hub, listen, settled, type LifecycleMessage, type RuntimeModule,
} from './support';

describe('hub: several runtime copies in one process', () => {
  let dir: string;
  let other: RuntimeModule;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'asyncinfo-copy-'));
    const copy = path.join(dir, 'runtime.js');
    copyFileSync(RUNTIME_PATH, copy);
    other = require(copy) as RuntimeModule;
    assert.notStrictEqual(other.AsyncInfo, AsyncInfo, 'a distinct copy of the bundle');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('share one id sequence: ids are unique across copies', () => {
    const gates = Array.from({ length: 20 }, () => deferred<void>());
    const ops = gates.map((g, i) => (i % 2 ? other.AsyncInfo : AsyncInfo).runAction(() => g.promise));
    assert.strictEqual(new Set(ops.map((op) => op.id)).size, ops.length);
    gates.forEach((g) => g.resolve());
  });

  it("the hub's snapshot, cancel and close reach the ops of both copies", async () => {
    const events = listen();
    try {
      const gateA = deferred<void>();
      const gateB = deferred<void>();
      const mine = AsyncInfo.runAction(() => gateA.promise);
      const theirs = other.AsyncInfo.runAction(() => gateB.promise);
      const ids = [mine.id, theirs.id];
      const created = hub().snapshot().filter((m) => m.type === 'created' && ids.includes(m.id));
      assert.deepStrictEqual(created.map((m) => m.id), ids);

      assert.deepStrictEqual(hub().cancel(theirs.id), { ok: true });
      assert.strictEqual(theirs.status, AsyncStatus.Canceled);
      assert.deepStrictEqual(events.of(theirs.id).find((m) => m.type === 'cancelRequested'),
        { type: 'cancelRequested', id: theirs.id, t: events.of(theirs.id)[1].t, source: 'client' });

      gateA.resolve();
      gateB.resolve();
      await settled();
      assert.deepStrictEqual(hub().close(mine.id), { ok: true });
      assert.deepStrictEqual(hub().close(theirs.id), { ok: true });
      assert.throws(() => mine.status, /closed/);
      assert.throws(() => theirs.status, /closed/);
    } finally {
      events.stop();
    }
  });
});

describe('hub: commands', () => {
  let events: ReturnType<typeof listen>;
  beforeEach(() => { events = listen(); });
  afterEach(() => events.stop());

  it('cancel of a running op: ok, the op is canceled (source client)', () => {
    const f = started(KIND_CASES[1]);
    assert.deepStrictEqual(hub().cancel(f.op.id), { ok: true });
    assert.strictEqual(f.token.isCancellationRequested, true);
    assert.strictEqual(f.token.signal.aborted, true);
    assert.strictEqual((events.of(f.op.id)[1] as { source?: string }).source, 'client');
    f.work.resolve(1);
  });

  it('an unknown id: NOT_FOUND, for cancel and close', () => {
    for (const result of [hub().cancel(0xfffffff0), hub().close(0xfffffff0)]) {
      assert.strictEqual(result.ok, false);
      if (result.ok) return;
      assert.strictEqual(result.code, 'NOT_FOUND');
      assert.ok(result.message.length > 0);
    }
  });

  it('close of a running op: E_ILLEGAL_STATE_CHANGE with a message, and the op keeps running', () => {
    const f = started(KIND_CASES[0]);
    const result = hub().close(f.op.id);
    assert.strictEqual(result.ok, false);
    if (result.ok) return;
    assert.strictEqual(result.code, 'E_ILLEGAL_STATE_CHANGE');
    assert.ok(result.message.length > 0);
    assert.strictEqual(f.op.status, AsyncStatus.Started);
    f.work.resolve(undefined);
  });

  it('close of a terminal op: ok, then the op is gone (NOT_FOUND)', async () => {
    const op = AsyncInfo.runOperation(async () => 1);
    await op;
    const id = op.id;
    assert.deepStrictEqual(hub().close(id), { ok: true });
    assert.strictEqual(hub().close(id).ok, false);
    assert.strictEqual(events.of(id).at(-1)?.type, 'closed');
  });

  it('close of a canceled op whose work still runs: ok, canceled then closed', () => {
    const f = started(KIND_CASES[0]);
    const id = f.op.id;
    f.op.cancel();
    assert.deepStrictEqual(hub().close(id), { ok: true });
    assert.deepStrictEqual(events.of(id).map((m) => m.type), ['created', 'cancelRequested', 'canceled', 'closed']);
    f.work.resolve(undefined);
  });

  it('cancel of a terminal op: ok and nothing changes', async () => {
    const op = AsyncInfo.runOperation(async () => 1);
    await op;
    assert.deepStrictEqual(hub().cancel(op.id), { ok: true });
    assert.strictEqual(op.status, AsyncStatus.Completed);
  });
});

describe('hub: snapshot', () => {
  it("per op: created, latest progress, cancelRequested, terminal; closed ops are left out", async () => {
    const events = listen();
    try {
      const running = started(KIND_CASES[3]);
      running.report('first');
      running.report('latest');
      const canceling = started(KIND_CASES[2]);
      canceling.op.cancel();
      const failed = AsyncInfo.runOperation(async () => { throw Object.assign(new Error('nope'), { number: -7 }); });
      const done = AsyncInfo.runOperation(async () => 1);
      const closed = AsyncInfo.runOperation(async () => 1);
      await settled();
      const closedId = closed.id;
      closed.close();
      const ids = [running.op.id, canceling.op.id, failed.id, done.id];
      const snapshot = hub().snapshot().filter((m) => ids.includes(m.id) || m.id === closedId);
      const live = (id: number, type: string) => events.of(id).filter((m) => m.type === type).at(-1);
      const expected: LifecycleMessage[] = [
        live(running.op.id, 'created')!, live(running.op.id, 'progress')!,
        live(canceling.op.id, 'created')!, live(canceling.op.id, 'cancelRequested')!,
        live(failed.id, 'created')!, live(failed.id, 'error')!,
        live(done.id, 'created')!, live(done.id, 'completed')!,
      ];
      assert.deepStrictEqual(snapshot, expected);
      assert.deepStrictEqual((snapshot[1] as { value: unknown }).value, 'latest');
      const text = hub().snapshotText();
      for (const m of expected) assert.ok(text.includes(JSON.stringify(m) + '\n'), JSON.stringify(m));
      running.work.resolve(1);
      canceling.work.resolve(undefined);
    } finally {
      events.stop();
    }
  });

  it('an op created while nobody listened shows with the time it was first seen, no parent and no site', async () => {
    const f = started(KIND_CASES[1]);
    const first = hub().snapshot().filter((m) => m.id === f.op.id);
    assert.strictEqual(first.length, 1);
    assert.deepStrictEqual({ ...first[0], t: 0 }, { type: 'created', id: f.op.id, t: 0, kind: 'operation', name: 'operation', parent: null, site: null });
    assert.ok(Number.isInteger(first[0].t));
    f.work.resolve(1);
    await settled();
  });
});
