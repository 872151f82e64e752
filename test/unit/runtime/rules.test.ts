// The contract's "Further rules", "Errors", awaiting, toPromise, the token and progress delivery.
import * as assert from 'node:assert';
import { KIND_CASES, started } from './fixtures';
import {
  AsyncInfo, AsyncInfoError, AsyncStatus, E_FAIL, E_ILLEGAL_DELEGATE_ASSIGNMENT, E_ILLEGAL_METHOD_CALL,
  E_ILLEGAL_STATE_CHANGE, deferred, runInChild, settled,
} from './support';

const isAbortError = (e: unknown) => e instanceof Error && e.name === 'AbortError';

describe('contract: ops are hot', () => {
  for (const kindCase of KIND_CASES) {
    it(`${kindCase.kind}: the work runs inside the factory; the op is Started when it returns`, async () => {
      let ran = false;
      const op = kindCase.run(async () => { ran = true; return 1; });
      assert.strictEqual(ran, true);
      assert.strictEqual(op.status, AsyncStatus.Started);
      await op;
      assert.strictEqual(op.status, AsyncStatus.Completed);
    });

    it(`${kindCase.kind}: work that throws synchronously leaves the op in Error before the factory returns`, async () => {
      const error = Object.assign(new Error('sync'), { hresult: 0x80070057 | 0 });
      const op = kindCase.run(() => { throw error; });
      assert.strictEqual(op.status, AsyncStatus.Error);
      assert.strictEqual(op.errorCode, 0x80070057 | 0);
      assert.throws(() => op.getResults(), (e) => e === error);
      await assert.rejects(Promise.resolve(op), (e) => e === error);
      const calls: number[] = [];
      op.completed = (_op, status) => { calls.push(status); };
      assert.deepStrictEqual(calls, [AsyncStatus.Error]);
    });
  }

  it('work that returns a plain value (not a promise) completes with it', async () => {
    const op = AsyncInfo.runOperation((() => 7) as never);
    assert.strictEqual(await op, 7);
  });

  it('factories refuse work that is not a function', () => {
    assert.throws(() => AsyncInfo.runOperation(undefined as never), TypeError);
  });
});

describe('contract: the completion handler', () => {
  it('runs after the work settles, on a later turn, never synchronously with the resolve', async () => {
    const f = started(KIND_CASES[1]);
    const calls: number[] = [];
    f.op.completed = (op, status) => { calls.push(status); assert.strictEqual(op.status, status); };
    f.work.resolve(1);
    assert.deepStrictEqual(calls, []);
    await settled();
    assert.deepStrictEqual(calls, [AsyncStatus.Completed]);
  });

  it('never runs inside cancel(); runs once with Canceled after the work settles', async () => {
    const f = started(KIND_CASES[0]);
    const calls: number[] = [];
    f.op.completed = (_op, status) => { calls.push(status); };
    f.op.cancel();
    assert.deepStrictEqual(calls, []);
    await settled();
    assert.deepStrictEqual(calls, [], 'the work still runs');
    f.work.resolve(undefined);
    await settled();
    assert.deepStrictEqual(calls, [AsyncStatus.Canceled]);
  });

  it('a handler that throws changes nothing and is reported as an uncaught exception', async () => {
    const result = await runInChild(async (rt) => {
      const uncaught: string[] = [];
      process.on('uncaughtException', (e) => { uncaught.push(e.message); });
      const op = rt.AsyncInfo.runOperation(async () => 5);
      op.completed = () => { throw new Error('handler boom'); };
      const progressOp = rt.AsyncInfo.runActionWithProgress(async (_t, report) => {
        await null;
        report(1);
        return undefined;
      });
      progressOp.progress = () => { throw new Error('progress boom'); };
      await new Promise((r) => setTimeout(r, 20));
      return {
        uncaught, status: op.status, result: op.getResults(), awaited: await op,
        progressStatus: progressOp.status,
      };
    });
    assert.deepStrictEqual(result.uncaught.sort(), ['handler boom', 'progress boom']);
    assert.strictEqual(result.status, 1);
    assert.strictEqual(result.result, 5);
    assert.strictEqual(result.awaited, 5);
    assert.strictEqual(result.progressStatus, 1);
  });

  it('a handler that throws crashes a program that does not handle uncaught exceptions, like any callback', async () => {
    await assert.rejects(runInChild(async (rt) => {
      const op = rt.AsyncInfo.runOperation(async () => 5);
      op.completed = () => { throw new Error('handler boom'); };
      await new Promise((r) => setTimeout(r, 50));
      return 'survived';
    }), /handler boom/);
  });
});

describe('contract: errorCode of an Error op', () => {
  const cases: [string, unknown, number][] = [
    ['number in the failure range', Object.assign(new Error('x'), { number: 0x80070002 | 0 }), 0x80070002 | 0],
    ['hresult in the failure range', Object.assign(new Error('x'), { hresult: 0x8007000e | 0 }), 0x8007000e | 0],
    ['number wins over hresult', Object.assign(new Error('x'), { number: -5, hresult: -6 }), -5],
    ['hresult when number is out of range', Object.assign(new Error('x'), { number: 5, hresult: -6 }), -6],
    ['the lowest int32', Object.assign(new Error('x'), { number: -0x80000000 }), -0x80000000],
    ['no number: E_FAIL', new Error('plain'), E_FAIL],
    ['a positive (success) number: E_FAIL', Object.assign(new Error('x'), { number: 1 }), E_FAIL],
    ['an unsigned HRESULT: E_FAIL', Object.assign(new Error('x'), { number: 0x80070002 }), E_FAIL],
    ['below int32: E_FAIL', Object.assign(new Error('x'), { number: -0x80000001 }), E_FAIL],
    ['not an integer: E_FAIL', Object.assign(new Error('x'), { number: -1.5 }), E_FAIL],
    ['a string: E_FAIL', Object.assign(new Error('x'), { number: '-5' }), E_FAIL],
    ['a thrown string: E_FAIL', 'oops', E_FAIL],
    ['a thrown undefined: E_FAIL', undefined, E_FAIL],
  ];
  for (const [name, error, code] of cases) {
    it(name, async () => {
      const op = AsyncInfo.runAction(() => Promise.reject(error));
      await settled();
      assert.strictEqual(op.status, AsyncStatus.Error);
      assert.strictEqual(op.errorCode, code);
    });
  }

  it('E_FAIL is 0x80004005 | 0', () => assert.strictEqual(E_FAIL, 0x80004005 | 0));
});

describe('contract: AsyncInfoError', () => {
  it('carries the HRESULT name as code and its signed int32 value as number', async () => {
    const f = started(KIND_CASES[3]);
    const thrown: Record<string, unknown> = {};
    const capture = (fn: () => unknown) => {
      try { fn(); } catch (e) { const err = e as InstanceType<typeof AsyncInfoError>; thrown[err.code] = err; }
    };
    capture(() => f.op.close());
    f.op.completed = null;
    capture(() => { f.op.completed = null; });
    capture(() => f.op.getResults());
    assert.deepStrictEqual(
      Object.fromEntries(Object.entries(thrown).map(([code, e]) => [code, (e as { number: number }).number])),
      { E_ILLEGAL_STATE_CHANGE: E_ILLEGAL_STATE_CHANGE, E_ILLEGAL_DELEGATE_ASSIGNMENT: E_ILLEGAL_DELEGATE_ASSIGNMENT, E_ILLEGAL_METHOD_CALL: E_ILLEGAL_METHOD_CALL });
    assert.deepStrictEqual([E_ILLEGAL_METHOD_CALL, E_ILLEGAL_STATE_CHANGE, E_ILLEGAL_DELEGATE_ASSIGNMENT],
      [0x8000000e | 0, 0x8000000d | 0, 0x80000018 | 0]);
    for (const e of Object.values(thrown)) {
      assert.ok(e instanceof AsyncInfoError);
      assert.ok(e instanceof Error);
      assert.ok((e as Error).message.length > 0);
    }
    f.work.resolve(1);
  });
});

describe('contract: await and toPromise', () => {
  for (const kindCase of KIND_CASES) {
    it(`${kindCase.kind}: await resolves with the result (undefined for actions)`, async () => {
      const result = { answer: 1 };
      const op = kindCase.run(async () => result);
      assert.strictEqual(await op, kindCase.hasResult ? result : undefined);
      assert.strictEqual(await op, kindCase.hasResult ? result : undefined, 'and again once terminal');
    });
  }

  it("await rejects with the work's error", async () => {
    const error = new Error('bad');
    const op = AsyncInfo.runOperation(async () => { throw error; });
    await assert.rejects(Promise.resolve(op), (e) => e === error);
    await settled();
    await assert.rejects(Promise.resolve(op), (e) => e === error, 'and again once terminal');
  });

  it("await of a canceled op rejects with an error named 'AbortError'", async () => {
    const f = started(KIND_CASES[1]);
    const pending = Promise.resolve(f.op).then(() => 'resolved', (e) => e);
    f.op.cancel();
    f.work.resolve(1);
    assert.ok(isAbortError(await pending));
    await assert.rejects(Promise.resolve(f.op), isAbortError, 'and again once terminal');
  });

  it('a canceled op closed while its work still runs: awaiting it after close rejects with AbortError at once', async () => {
    const f = started(KIND_CASES[1]);
    f.op.cancel();
    f.op.close();
    // `await` calls then() a microtask late: after close() here.
    assert.ok(isAbortError(await Promise.resolve(f.op).then(() => 'resolved', (e) => e)));
    f.work.resolve(1);
  });

  it('a canceled op closed while its work still runs: earlier awaiters reject with AbortError when the work ends', async () => {
    const f = started(KIND_CASES[1]);
    let outcome: unknown = 'pending';
    f.op.then(() => { outcome = 'resolved'; }, (e) => { outcome = e; });
    f.op.cancel();
    f.op.close();
    await settled();
    assert.strictEqual(outcome, 'pending');
    f.work.resolve(1);
    await settled();
    assert.ok(isAbortError(outcome));
  });

  it('a failed op nobody awaits raises no unhandled rejection', async () => {
    const result = await runInChild(async (rt) => {
      const unhandled: unknown[] = [];
      process.on('unhandledRejection', (e) => { unhandled.push(String(e)); });
      rt.AsyncInfo.runOperation(async () => { throw new Error('ignored'); });
      const canceled = rt.AsyncInfo.runAction(() => new Promise((r) => setTimeout(r, 5)));
      canceled.cancel();
      const awaitedThenCanceled = rt.AsyncInfo.runAction(() => new Promise((r) => setTimeout(r, 5)));
      void awaitedThenCanceled.then(() => {}, () => {});
      awaitedThenCanceled.cancel();
      const closedWhileRunning = rt.AsyncInfo.runAction(() => new Promise((r) => setTimeout(r, 5)));
      closedWhileRunning.cancel();
      closedWhileRunning.close();
      const closedWhileFailing = rt.AsyncInfo.runAction(() => new Promise((_r, reject) => setTimeout(reject, 5, new Error('late'))));
      closedWhileFailing.cancel();
      closedWhileFailing.close();
      await new Promise((r) => setTimeout(r, 30));
      return unhandled;
    });
    assert.deepStrictEqual(result, []);
  });

  it('awaiting never uses up the completed slot', async () => {
    const f = started(KIND_CASES[1]);
    const awaited = Promise.resolve(f.op);
    const viaToPromise = AsyncInfo.toPromise(f.op);
    f.work.resolve(3);
    assert.strictEqual(await awaited, 3);
    assert.strictEqual(await viaToPromise, 3);
    const calls: number[] = [];
    f.op.completed = (_op, status) => { calls.push(status); };
    assert.deepStrictEqual(calls, [AsyncStatus.Completed]);
  });

  it('toPromise resolves with the result and rejects like await', async () => {
    assert.strictEqual(await AsyncInfo.toPromise(AsyncInfo.runOperation(async () => 'x')), 'x');
    const error = new Error('no');
    await assert.rejects(AsyncInfo.toPromise(AsyncInfo.runOperation(async () => { throw error; })), (e) => e === error);
    const f = started(KIND_CASES[0]);
    const p = AsyncInfo.toPromise(f.op);
    f.op.cancel();
    f.work.resolve(undefined);
    await assert.rejects(p, isAbortError);
  });

  it('toPromise with a signal: aborting it cancels the op, which rejects with AbortError', async () => {
    const f = started(KIND_CASES[1]);
    const controller = new AbortController();
    const p = AsyncInfo.toPromise(f.op, { signal: controller.signal });
    controller.abort();
    assert.strictEqual(f.op.status, AsyncStatus.Canceled);
    assert.strictEqual(f.token.isCancellationRequested, true);
    f.work.resolve(1);
    await assert.rejects(p, isAbortError);
  });

  it('toPromise with an already aborted signal cancels at once', async () => {
    const f = started(KIND_CASES[1]);
    const p = AsyncInfo.toPromise(f.op, { signal: AbortSignal.abort() });
    assert.strictEqual(f.token.isCancellationRequested, true);
    f.work.resolve(1);
    await assert.rejects(p, isAbortError);
  });

  it('toPromise with a signal aborted after completion changes nothing', async () => {
    const controller = new AbortController();
    const op = AsyncInfo.runOperation(async () => 9);
    assert.strictEqual(await AsyncInfo.toPromise(op, { signal: controller.signal }), 9);
    controller.abort();
    assert.strictEqual(op.status, AsyncStatus.Completed);
  });
});

describe('contract: the cancellation token', () => {
  it('signal is a real AbortSignal, the same one on every read, aborted on cancel with an AbortError reason', async () => {
    const f = started(KIND_CASES[1]);
    const signal = f.token.signal;
    assert.ok(signal instanceof AbortSignal);
    assert.strictEqual(f.token.signal, signal);
    assert.strictEqual(signal.aborted, false);
    assert.strictEqual(f.token.isCancellationRequested, false);
    const fired: unknown[] = [];
    signal.addEventListener('abort', () => fired.push(signal.reason));
    f.op.cancel();
    f.op.cancel();
    assert.strictEqual(fired.length, 1);
    assert.ok(isAbortError(signal.reason));
    f.work.resolve(1);
  });

  it('a signal first read after cancel() is already aborted', () => {
    const f = started(KIND_CASES[0]);
    f.op.cancel();
    assert.strictEqual(f.token.signal.aborted, true);
    f.work.resolve(undefined);
  });

  it('platform APIs accept it: a timer waiting on it is aborted by cancel()', async () => {
    const { setTimeout: sleep } = await import('node:timers/promises');
    const op = AsyncInfo.runAction(async (token) => { await sleep(60_000, undefined, { signal: token.signal }); });
    op.cancel();
    await assert.rejects(Promise.resolve(op), isAbortError);
    assert.strictEqual(op.status, AsyncStatus.Canceled);
  });

  it('no AbortController is made for an op whose token signal is never read', async () => {
    const Original = globalThis.AbortController;
    let made = 0;
    globalThis.AbortController = class extends Original {
      constructor() { super(); made++; }
    };
    try {
      const f = started(KIND_CASES[1]);
      f.op.cancel();
      f.work.resolve(1);
      await settled();
      await assert.rejects(Promise.resolve(f.op), isAbortError);
      assert.strictEqual(made, 0);
      void f.token.signal;
      assert.strictEqual(made, 1);
    } finally {
      globalThis.AbortController = Original;
    }
  });
});

describe('contract: progress delivery', () => {
  it('report during the work delivers (op, value) to the current handler, in order', async () => {
    const gate = deferred();
    const op = AsyncInfo.runOperationWithProgress<string, number>(async (_token, report) => {
      report(0); // before any handler can be set: dropped, and harmless
      await gate.promise;
      report(1);
      report(2);
      return 'done';
    });
    const got: [unknown, number][] = [];
    op.progress = (o, v) => { got.push([o, v]); };
    gate.resolve(undefined);
    assert.strictEqual(await op, 'done');
    assert.deepStrictEqual(got, [[op, 1], [op, 2]]);
  });

  it('a null handler receives nothing and breaks nothing', async () => {
    const f = started(KIND_CASES[2]);
    f.op.progress = () => assert.fail('replaced');
    f.op.progress = null;
    f.report(1);
    f.work.resolve(undefined);
    await f.op;
  });
});

describe('contract: ids', () => {
  it('are unique among live ops', () => {
    const fixtures = Array.from({ length: 50 }, () => started(KIND_CASES[1]));
    const ids = new Set(fixtures.map((f) => f.op.id));
    assert.strictEqual(ids.size, 50);
    for (const f of fixtures) f.work.resolve(1);
  });
});
