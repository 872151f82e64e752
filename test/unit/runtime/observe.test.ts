// AsyncInfo.observe against an independent model of a Windows Runtime op (foreignOp.ts): the
// shim keeps the whole contract, and what happens to either side reaches the other exactly once.
import * as assert from 'node:assert';
import { ForeignOp, ForeignOpWithProgress, HR } from './foreignOp';
import { OBSERVED_KIND_CASES } from './observedCases';
import { describeStateTable } from './stateTable';
import {
  AsyncInfo, AsyncInfoError, AsyncStatus, E_ILLEGAL_DELEGATE_ASSIGNMENT, assertAsyncInfoError, hub, itRefusesLeavingNothing, listen, settled,
} from './support';

for (const kindCase of OBSERVED_KIND_CASES) describeStateTable('observe() shim', kindCase);

type Shim = ReturnType<typeof AsyncInfo.observe<unknown, unknown>> & { progress?: unknown };

/** Every outcome a program can see: handler calls, and what each of two awaiters got. */
async function outcomes(shim: PromiseLike<unknown> & { completed: unknown }, drive: () => void) {
  const calls: number[] = [];
  (shim as { completed: unknown }).completed = (_op: unknown, status: number) => { calls.push(status); };
  const awaited = [0, 1].map(() => Promise.resolve(shim).then((value) => ({ value }), (error: unknown) => ({ error })));
  drive();
  await settled();
  return { calls, awaited: await Promise.all(awaited) };
}

describe('observe(): a foreign op and its shim', () => {
  let events: ReturnType<typeof listen>;
  beforeEach(() => { events = listen(); });
  afterEach(() => events.stop());

  it('the same object twice gives the same shim', () => {
    const foreign = new ForeignOp();
    const shim = AsyncInfo.observe(foreign);
    assert.strictEqual(AsyncInfo.observe(foreign), shim);
    assert.strictEqual(foreign.calls.completedSets, 1);
    foreign.complete(1);
  });

  it("an op of this runtime is already observable: observe() returns it", () => {
    const op = AsyncInfo.runOperation(async () => 1);
    assert.strictEqual(AsyncInfo.observe(op), op);
  });

  it('the kind: WithProgress when the object has `progress`, else operation; options.kind wins', () => {
    const kinds = [
      AsyncInfo.observe(new ForeignOp()),
      AsyncInfo.observe(new ForeignOpWithProgress()),
      AsyncInfo.observe(new ForeignOp(), { kind: 'action' }),
      AsyncInfo.observe(new ForeignOpWithProgress(), { kind: 'actionWithProgress' }),
    ].map((shim) => (events.of(shim.id)[0] as { kind: string }).kind);
    assert.deepStrictEqual(kinds, ['operation', 'operationWithProgress', 'action', 'actionWithProgress']);
  });

  it("created says where the op comes from: source 'observed', the foreign id as an attribute", () => {
    const foreign = new ForeignOp();
    const shim = AsyncInfo.observe(foreign, { name: 'StorageFile.OpenAsync' });
    const created = events.of(shim.id)[0];
    assert.deepStrictEqual(created, {
      type: 'created', id: shim.id, t: created.t, kind: 'operation', name: 'StorageFile.OpenAsync', parent: null, site: (created as { site: unknown }).site,
      source: 'observed', attributes: { foreignId: foreign.id },
    });
    assert.notStrictEqual(shim.id, foreign.id, 'the shim has an id of this process');
    const snapshot = hub().snapshot().find((m) => m.type === 'created' && m.id === shim.id);
    assert.deepStrictEqual(snapshot, created, 'snapshots carry the same fields');
  });

  for (const [status, drive, expect] of [
    ['Completed', (f: ForeignOp) => f.complete('the result'), { value: 'the result' }],
    ['Error', (f: ForeignOp) => f.fail(Object.assign(new Error('access denied'), { number: 0x80070005 | 0 })), { error: 'access denied' }],
    ['Canceled', (f: ForeignOp) => { f.cancel(); f.complete('late'); }, { error: 'AbortError' }],
  ] as const) {
    it(`the foreign op's own completion (${status}) reaches the shim's handler and awaiters exactly once`, async () => {
      const foreign = new ForeignOp();
      const shim = AsyncInfo.observe(foreign);
      const { calls, awaited } = await outcomes(shim, () => {
        drive(foreign);
        foreign.fireAgain(); // a foreign op that fires twice is believed once
      });
      assert.deepStrictEqual(calls, [AsyncStatus[status]]);
      assert.strictEqual(shim.status, AsyncStatus[status]);
      for (const got of awaited) {
        if ('value' in expect) assert.deepStrictEqual(got, { value: expect.value });
        else {
          const error = (got as { error: Error }).error;
          assert.ok(error.message === expect.error || error.name === expect.error, String(error));
        }
      }
      if (status === 'Error') assert.strictEqual(shim.errorCode, 0x80070005 | 0);
      const types = events.of(shim.id).map((m) => m.type);
      assert.deepStrictEqual(types, status === 'Canceled'
        ? ['created', 'cancelRequested', 'canceled'] : ['created', status === 'Completed' ? 'completed' : 'error']);
      if (status === 'Canceled') {
        assert.strictEqual((events.of(shim.id)[1] as { source: string }).source, 'program', 'canceled by whoever holds the foreign op');
      }
    });
  }

  it('a foreign op in Error whose getResults() throws something else: the shim still reports its errorCode', async () => {
    const foreign = new ForeignOp();
    const shim = AsyncInfo.observe(foreign);
    foreign.fail('a string, no code'); // the model reports E_FAIL
    await settled();
    assert.strictEqual(shim.status, AsyncStatus.Error);
    assert.strictEqual(shim.errorCode, HR.E_FAIL);
  });

  it('cancel from the debugger reaches the foreign op; its completion ends the shim canceled', async () => {
    const foreign = new ForeignOp();
    const shim = AsyncInfo.observe(foreign);
    const { calls, awaited } = await outcomes(shim, () => {
      assert.deepStrictEqual(hub().cancel(shim.id), { ok: true });
      assert.strictEqual(foreign.calls.cancel, 1);
      assert.strictEqual(foreign.status, AsyncStatus.Canceled);
      assert.strictEqual(foreign.cancellation.signal.aborted, true, "the foreign op's work was told");
      foreign.complete('ignored: canceled');
    });
    assert.deepStrictEqual(calls, [AsyncStatus.Canceled]);
    for (const got of awaited) assert.strictEqual((got as { error: Error }).error.name, 'AbortError');
    assert.strictEqual((events.of(shim.id)[1] as { source: string }).source, 'client');
  });

  it('close from the debugger reaches the foreign op; while Started it is refused and the foreign op untouched', async () => {
    const foreign = new ForeignOp();
    const shim = AsyncInfo.observe(foreign);
    const refused = hub().close(shim.id);
    assert.strictEqual(refused.ok, false);
    assert.strictEqual(!refused.ok && refused.code, 'E_ILLEGAL_STATE_CHANGE');
    assert.strictEqual(foreign.calls.close, 0);
    foreign.complete(1);
    await settled();
    assert.deepStrictEqual(hub().close(shim.id), { ok: true });
    assert.strictEqual(foreign.calls.close, 1);
    assert.throws(() => foreign.status, /closed/);
    assertAsyncInfoError(() => shim.status, 'E_ILLEGAL_METHOD_CALL', HR.E_ILLEGAL_METHOD_CALL);
  });

  it('closing a shim whose cancel is pending closes the foreign op, and its awaiters learn it was canceled', async () => {
    const foreign = new ForeignOp();
    const shim = AsyncInfo.observe(foreign);
    const id = shim.id;
    const awaited = Promise.resolve(shim).then(() => 'resolved', (e: Error) => e.name);
    shim.cancel();
    shim.close(); // legal in CancelRequested; the closed foreign op will never fire
    assert.strictEqual(foreign.calls.close, 1);
    assert.strictEqual(await awaited, 'AbortError');
    assert.deepStrictEqual(events.of(id).map((m) => m.type), ['created', 'cancelRequested', 'canceled', 'closed']);
  });

  it('a foreign op that refuses cancel or close: the error reaches the caller and the shim is unchanged', async () => {
    const foreign = new ForeignOp();
    const shim = AsyncInfo.observe(foreign);
    const refusal = Object.assign(new Error('busy'), { code: 'E_BUSY' });
    foreign.cancel = () => { throw refusal; };
    assert.throws(() => shim.cancel(), (e) => e === refusal);
    assert.strictEqual(shim.status, AsyncStatus.Started);
    assert.deepStrictEqual(hub().cancel(shim.id), { ok: false, code: 'E_BUSY', message: 'busy' });
    foreign.complete(1);
    await settled();
    foreign.close = () => { throw refusal; };
    assert.throws(() => shim.close(), (e) => e === refusal);
    assert.strictEqual(shim.status, AsyncStatus.Completed, 'still open');
  });

  it('progress is forwarded: the shim delivers and publishes what the foreign op reports', () => {
    const foreign = new ForeignOpWithProgress();
    const shim = AsyncInfo.observe(foreign) as unknown as Shim & { progress: unknown };
    const got: unknown[] = [];
    shim.progress = (op: unknown, value: unknown) => { got.push([op === shim, value]); };
    foreign.report(40);
    foreign.report({ bytes: 512 });
    assert.deepStrictEqual(got, [[true, 40], [true, { bytes: 512 }]]);
    assert.deepStrictEqual(events.of(shim.id).filter((m) => m.type === 'progress').map((m) => (m as { value: unknown }).value),
      [40, { bytes: 512 }]);
    foreign.complete();
  });

  it('an op that had already finished: the shim is Completed when observe() returns', async () => {
    const foreign = new ForeignOp();
    foreign.complete(7);
    const shim = AsyncInfo.observe(foreign);
    assert.strictEqual(shim.status, AsyncStatus.Completed);
    assert.strictEqual(shim.getResults(), 7);
    assert.strictEqual(await shim, 7);
    let fired = 0;
    shim.completed = () => { fired++; };
    assert.strictEqual(fired, 1, 'set on a finished op, the handler fires at once');
  });

  it("an already-taken completed slot is refused with E_ILLEGAL_DELEGATE_ASSIGNMENT, and nothing is made", () => {
    for (const handler of [() => {}, null]) {
      const foreign = new ForeignOp();
      foreign.completed = handler; // the program's own handler (null takes the slot too)
      const before = hub().snapshot().length;
      assert.throws(() => AsyncInfo.observe(foreign), (error: unknown) => {
        assert.ok(error instanceof AsyncInfoError);
        assert.strictEqual(error.code, 'E_ILLEGAL_DELEGATE_ASSIGNMENT');
        assert.strictEqual(error.number, E_ILLEGAL_DELEGATE_ASSIGNMENT);
        assert.match(error.message, /observe it before setting a handler/);
        return true;
      });
      assert.strictEqual(foreign.completed, handler, "the program's handler stays");
      assert.strictEqual(hub().snapshot().length, before);
      assert.strictEqual(events.messages.length, 0);
    }
  });

  it('a closed foreign op: its own error, and nothing is made', () => {
    const foreign = new ForeignOp();
    foreign.complete();
    foreign.close();
    const before = hub().snapshot().length;
    assert.throws(() => AsyncInfo.observe(foreign), (e: unknown) => (e as { number?: number }).number === HR.E_ILLEGAL_METHOD_CALL);
    assert.strictEqual(hub().snapshot().length, before);
  });
});

describe('observe(): bad input is a TypeError naming what was expected, and leaves nothing behind', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['null', () => AsyncInfo.observe(null as never), /expects an IAsyncInfo object .* got null/],
    ['a number', () => AsyncInfo.observe(42 as never), /expects an IAsyncInfo object .* got number/],
    ['a promise', () => AsyncInfo.observe(Promise.resolve() as never), /got an object without id, status, errorCode, completed, cancel\(\), close\(\), getResults\(\)/],
    ['an object missing close()', () => AsyncInfo.observe({ ...shapeOf(new ForeignOp()), close: undefined } as never), /without close\(\)/],
    ['options not an object', () => AsyncInfo.observe(new ForeignOp(), 'fast' as never), /options must be an object, got string/],
    ['options.name not a string', () => AsyncInfo.observe(new ForeignOp(), { name: 7 as never }), /options.name must be a string, got number/],
    ['options.kind unknown', () => AsyncInfo.observe(new ForeignOp(), { kind: 'task' as never }), /options.kind must be one of 'action', 'operation', 'actionWithProgress', 'operationWithProgress', got 'task'/],
  ];
  itRefusesLeavingNothing(cases);

  it('bad options take no slot: the foreign op can still be observed', () => {
    const foreign = new ForeignOp();
    assert.throws(() => AsyncInfo.observe(foreign, { kind: 'task' as never }), TypeError);
    assert.strictEqual(foreign.calls.completedSets, 0);
    assert.strictEqual(AsyncInfo.observe(foreign).status, AsyncStatus.Started);
    foreign.complete();
  });
});

/** A plain object with the foreign op's members (for shapes with one missing). */
function shapeOf(foreign: ForeignOp): Record<string, unknown> {
  return {
    id: foreign.id, status: foreign.status, errorCode: foreign.errorCode, completed: null,
    cancel: () => foreign.cancel(), close: () => foreign.close(), getResults: () => foreign.getResults(),
  };
}
