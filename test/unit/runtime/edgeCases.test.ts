// Regressions found by review: handlers that close their op, errors that cannot be read, and
// settings at their edges.
import * as assert from 'node:assert';
import { KIND_CASES, started } from './fixtures';
import { AsyncInfo, AsyncStatus, E_FAIL, hub, listen, runInChild, settled } from './support';

const isAbortError = (e: unknown) => e instanceof Error && e.name === 'AbortError';

describe('edge cases: a completion handler that closes its op', () => {
  for (const kindCase of KIND_CASES) {
    it(`${kindCase.kind}: earlier awaiters still get the result, the error or an AbortError`, async () => {
      const done = started(kindCase);
      const failed = started(kindCase);
      const canceled = started(kindCase);
      const awaited = [done, failed, canceled].map((f) => Promise.resolve(f.op).then((v) => ({ v }), (e: unknown) => ({ e })));
      for (const f of [done, failed, canceled]) f.op.completed = (op) => { op.close(); };
      canceled.op.cancel();
      done.work.resolve(done.result);
      failed.work.reject(failed.error);
      canceled.work.resolve(canceled.result);
      const [d, e, c] = await Promise.all(awaited);
      assert.deepStrictEqual(d, { v: kindCase.hasResult ? done.result : undefined });
      assert.strictEqual((e as { e: unknown }).e, failed.error);
      assert.ok(isAbortError((c as { e: unknown }).e));
    });
  }

  it('a failed or canceled op whose handler closes it, awaited by nobody, raises no unhandled rejection', async () => {
    const unhandled = await runInChild(async (rt) => {
      const seen: string[] = [];
      process.on('unhandledRejection', (e) => { seen.push(String(e)); });
      const failed = rt.AsyncInfo.runOperation(async () => { await null; throw new Error('failed'); });
      failed.completed = (op) => { op.close(); };
      const canceled = rt.AsyncInfo.runAction(() => new Promise<void>((r) => setTimeout(r, 5)));
      canceled.completed = (op) => { op.close(); };
      canceled.cancel();
      // Canceled in the work's synchronous part: the handler fires when set, and closes it.
      const canceledEarly = rt.AsyncInfo.runAction(async (token) => {
        (token as unknown as { cancel(): void }).cancel();
        await new Promise((r) => setTimeout(r, 5));
      });
      canceledEarly.completed = (op) => { op.close(); };
      const canceledEarlyFailing = rt.AsyncInfo.runAction(async (token) => {
        (token as unknown as { cancel(): void }).cancel();
        await new Promise((r) => setTimeout(r, 5));
        throw new Error('late');
      });
      canceledEarlyFailing.completed = (op) => { op.close(); };
      await new Promise((r) => setTimeout(r, 30));
      return seen;
    });
    assert.deepStrictEqual(unhandled, []);
  });

  it('canceled and closed while its work runs, then the work rejects: earlier awaiters get an AbortError', async () => {
    const f = started(KIND_CASES[1]);
    const outcome = Promise.resolve(f.op).then(() => 'resolved', (e: unknown) => e);
    f.op.cancel();
    f.op.close();
    f.work.reject(new Error('late'));
    assert.ok(isAbortError(await outcome));
  });
});

describe('edge cases: errors whose code cannot be read', () => {
  it('a number getter that throws: the op is still in Error with E_FAIL, its handler fires, observed or not', async () => {
    for (const observed of [false, true]) {
      const events = observed ? listen() : undefined;
      try {
        const error = { get number(): number { throw new Error('getter'); }, message: 'unreadable' };
        const op = AsyncInfo.runOperation(async () => { throw error; });
        const calls: number[] = [];
        op.completed = (_op, status) => { calls.push(status); };
        await assert.rejects(Promise.resolve(op), (e) => e === error);
        assert.strictEqual(op.status, AsyncStatus.Error);
        assert.strictEqual(op.errorCode, E_FAIL);
        assert.deepStrictEqual(calls, [AsyncStatus.Error]);
        if (events) {
          const terminal = events.of(op.id).find((m) => m.type === 'error');
          assert.deepStrictEqual({ ...terminal, t: 0 }, { type: 'error', id: op.id, t: 0, errorCode: E_FAIL, message: 'unreadable' });
        }
      } finally {
        events?.stop();
      }
    }
  });
});

describe('edge cases: instrumentation', () => {
  it('an op canceled while nobody listened and closed while someone listens: canceled, then closed', async () => {
    const f = started(KIND_CASES[0]);
    f.op.cancel();
    const events = listen();
    try {
      const id = f.op.id;
      f.op.close();
      f.work.resolve(undefined);
      await settled();
      assert.deepStrictEqual(events.of(id).map((m) => m.type), ['canceled', 'closed']);
    } finally {
      events.stop();
    }
  });
});

describe('edge cases: settings', () => {
  it('ASYNCINFO_RETAIN empty, blank or invalid: the default 1,000; ASYNCINFO_SITES/PARENTS invalid: the defaults', async () => {
    for (const value of ['', ' ', 'lots', '-1', '2.5']) {
      const settings = await runInChild(() => (globalThis as unknown as Record<symbol, { settings: unknown }>)[Symbol.for('asyncinfo.hub.v1')].settings,
        { env: { ASYNCINFO_RETAIN: value, ASYNCINFO_SITES: 'everything', ASYNCINFO_PARENTS: 'maybe' } });
      assert.deepStrictEqual(settings, { sites: 'off', siteBudget: 2, parents: 'async', retainTerminal: 1000 }, JSON.stringify(value));
    }
  });

  it('a huge retainTerminal costs nothing up front and breaks no op', async () => {
    const result = await runInChild(async (rt) => {
      const dc: typeof import('node:diagnostics_channel') = require('node:diagnostics_channel');
      dc.subscribe(rt.LIFECYCLE_CHANNEL, () => {});
      const hub = (globalThis as unknown as Record<symbol, { snapshot(): { type: string }[] }>)[Symbol.for(rt.HUB_KEY)];
      rt.AsyncInfo.configure({ retainTerminal: Number.MAX_SAFE_INTEGER });
      const ops = [];
      for (let i = 0; i < 5; i++) ops.push(rt.AsyncInfo.runOperation(async () => i));
      const results = [];
      for (const op of ops) results.push(await op);
      return { results, statuses: ops.map((op) => op.status), retained: hub.snapshot().filter((m) => m.type === 'completed').length };
    });
    assert.deepStrictEqual(result, { results: [0, 1, 2, 3, 4], statuses: [1, 1, 1, 1, 1], retained: 5 });
  });

  it('configure without an options object throws a TypeError and changes nothing', () => {
    const before = JSON.stringify((hub() as unknown as { settings: unknown }).settings);
    assert.throws(() => AsyncInfo.configure(undefined as never), TypeError);
    assert.throws(() => AsyncInfo.configure(null as never), TypeError);
    assert.strictEqual(JSON.stringify((hub() as unknown as { settings: unknown }).settings), before);
  });
});

describe('edge cases: handler values', () => {
  it('completed and progress refuse a value that is not a function or null with a TypeError, taking no slot', async () => {
    const f = started(KIND_CASES[3]);
    assert.throws(() => { f.op.completed = 42 as never; }, TypeError);
    assert.throws(() => { f.op.progress = 'log' as never; }, TypeError);
    assert.strictEqual(f.op.completed, null);
    const calls: number[] = [];
    f.op.completed = (_op, status) => { calls.push(status); };
    f.work.resolve(1);
    await settled();
    assert.deepStrictEqual(calls, [AsyncStatus.Completed]);
  });

  it('undefined reads as null: it takes the completed slot, and clears the progress handler', async () => {
    const f = started(KIND_CASES[3]);
    f.op.completed = undefined as never;
    assert.throws(() => { f.op.completed = () => {}; }, (e: unknown) => (e as { code?: string }).code === 'E_ILLEGAL_DELEGATE_ASSIGNMENT');
    f.op.progress = () => assert.fail('cleared');
    f.op.progress = undefined as never;
    f.report(1);
    f.work.resolve(1);
    await f.op;
  });
});
