// AsyncInfo.fromPromise: plain promises (with a controller, a cancel callback, or neither) and the
// shapes of react-native-winrt and dynwinrt (modelled in projectionPromises.ts).
import * as assert from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeLine } from '../../../src/protocol/codec';
import { ForeignOpWithProgress } from './foreignOp';
import { ERROR_CANCELLED, dynwinrtPromise, reactNativeWinrtPromise } from './projectionPromises';
import { AsyncInfo, AsyncStatus, deferred, hub, itRefusesLeavingNothing, listen, settled, type LifecycleMessage } from './support';

const E_NOTIMPL_REPLY = { ok: false, code: 'E_NOTIMPL' };

function created(events: ReturnType<typeof listen>, id: number): Record<string, unknown> {
  return events.of(id).find((m) => m.type === 'created') as unknown as Record<string, unknown>;
}

async function settle(op: PromiseLike<unknown>): Promise<{ value?: unknown; error?: Error }> {
  return Promise.resolve(op).then((value) => ({ value }), (error: Error) => ({ error }));
}

describe('fromPromise(): plain promises', () => {
  let events: ReturnType<typeof listen>;
  beforeEach(() => { events = listen(); });
  afterEach(() => events.stop());

  it('resolves: Completed with the value; rejects: Error with its code', async () => {
    const ok = AsyncInfo.fromPromise(Promise.resolve('text'), { name: 'readFile' });
    const failure = Object.assign(new Error('denied'), { number: 0x80070005 | 0 });
    const bad = AsyncInfo.fromPromise(Promise.reject(failure));
    assert.strictEqual(ok.status, AsyncStatus.Started);
    assert.strictEqual(await ok, 'text');
    assert.strictEqual(ok.getResults(), 'text');
    assert.deepStrictEqual(await settle(bad), { error: failure });
    assert.strictEqual(bad.status, AsyncStatus.Error);
    assert.strictEqual(bad.errorCode, 0x80070005 | 0);
    assert.strictEqual((events.of(bad.id).at(-1) as { errorCode: number }).errorCode, 0x80070005 | 0);
  });

  it('a thenable that is not a Promise works too', async () => {
    const op = AsyncInfo.fromPromise({ then: (resolve: (v: number) => void) => resolve(5) } as unknown as PromiseLike<number>);
    assert.strictEqual(await op, 5);
  });

  it("with no way to cancel: created says canCancel false and the debugger's Cancel gets E_NOTIMPL", async () => {
    const gate = deferred<string>();
    const op = AsyncInfo.fromPromise(gate.promise);
    assert.deepStrictEqual(created(events, op.id), {
      type: 'created', id: op.id, t: created(events, op.id).t, kind: 'operation', name: 'operation', parent: null, site: created(events, op.id).site,
      source: 'promise', canCancel: false,
    });
    const reply = hub().cancel(op.id);
    assert.deepStrictEqual({ ok: reply.ok, code: !reply.ok && reply.code }, E_NOTIMPL_REPLY);
    assert.match(!reply.ok ? reply.message : '', /no way to cancel/);
    assert.strictEqual(op.status, AsyncStatus.Started, 'nothing happened');
    gate.resolve('done');
    assert.strictEqual(await op, 'done');
  });

  it("the program's own cancel() still cancels it: Canceled once the promise settles, awaiters get an AbortError", async () => {
    const gate = deferred<string>();
    const op = AsyncInfo.fromPromise(gate.promise);
    const calls: number[] = [];
    op.completed = (_op, status) => { calls.push(status); };
    op.cancel();
    assert.strictEqual(op.status, AsyncStatus.Canceled);
    gate.resolve('ignored');
    const got = await settle(op);
    assert.strictEqual(got.error?.name, 'AbortError');
    assert.deepStrictEqual(calls, [AsyncStatus.Canceled]);
  });

  it('with a controller: Cancel from the debugger aborts it, and the op ends canceled', async () => {
    const controller = new AbortController();
    const op = AsyncInfo.fromPromise(sleep(60_000, 'late', { signal: controller.signal }), { controller, name: 'wait a minute' });
    assert.strictEqual('canCancel' in created(events, op.id), false, 'absent: it can');
    assert.deepStrictEqual(hub().cancel(op.id), { ok: true });
    assert.strictEqual(controller.signal.aborted, true);
    assert.strictEqual((await settle(op)).error?.name, 'AbortError');
    assert.strictEqual(op.status, AsyncStatus.Canceled);
    assert.deepStrictEqual(events.of(op.id).map((m) => m.type), ['created', 'cancelRequested', 'canceled']);
  });

  it('the program aborting its own controller reads as a cancel by the program', async () => {
    const controller = new AbortController();
    const op = AsyncInfo.fromPromise(sleep(60_000, 'late', { signal: controller.signal }), { controller });
    controller.abort();
    await settled();
    assert.strictEqual(op.status, AsyncStatus.Canceled);
    assert.deepStrictEqual(events.of(op.id).map((m) => [m.type, (m as { source?: string }).source]),
      [['created', 'promise'], ['cancelRequested', 'program'], ['canceled', undefined]]);
  });

  it("options.cancel is called once, after the promise's own cancel(); the controller is aborted too", async () => {
    const order: string[] = [];
    const gate = deferred<void>();
    const controller = new AbortController();
    controller.signal.addEventListener('abort', () => order.push('controller'));
    const promise = Object.assign(gate.promise, { cancel: () => order.push('promise.cancel') });
    const op = AsyncInfo.fromPromise(promise, { cancel: () => order.push('options.cancel'), controller });
    op.cancel();
    op.cancel();
    assert.deepStrictEqual(hub().cancel(op.id), { ok: true }, 'a second cancel is a no-op');
    assert.deepStrictEqual(order, ['promise.cancel', 'options.cancel', 'controller']);
    gate.resolve();
    await settled();
    assert.strictEqual(op.status, AsyncStatus.Canceled);
  });

  it('snapshots carry source and canCancel; encoded, a runtime op keeps its exact bytes', async () => {
    const gate = deferred<void>();
    const promiseOp = AsyncInfo.fromPromise(gate.promise, { name: 'p' });
    const runtimeOp = AsyncInfo.runAction(function work() { return gate.promise; });
    const snapshot = hub().snapshot().filter((m): m is LifecycleMessage & { type: 'created' } => m.type === 'created');
    const mine = snapshot.find((m) => m.id === promiseOp.id)!;
    const theirs = snapshot.find((m) => m.id === runtimeOp.id)!;
    assert.strictEqual(encodeLine(mine),
      `{"type":"created","id":${mine.id},"t":${mine.t},"kind":"operation","name":"p","parent":null,"site":null,"source":"promise","canCancel":false}\n`);
    assert.deepStrictEqual(Object.keys(theirs), ['type', 'id', 't', 'kind', 'name', 'parent', 'site']);
    assert.strictEqual(encodeLine(theirs),
      `{"type":"created","id":${theirs.id},"t":${theirs.t},"kind":"action","name":"work","parent":null,"site":null}\n`);
    gate.resolve();
  });
});

describe('fromPromise(): react-native-winrt (a thenable with operation, cancel() and progress through then)', () => {
  let events: ReturnType<typeof listen>;
  beforeEach(() => { events = listen(); });
  afterEach(() => events.stop());

  it('is observed through its operation: WithProgress, progress forwarded, the result, close reaches the operation', async () => {
    const native = new ForeignOpWithProgress();
    const op = AsyncInfo.fromPromise(reactNativeWinrtPromise(native), { name: 'downloadAsync' });
    assert.deepStrictEqual(created(events, op.id), {
      type: 'created', id: op.id, t: created(events, op.id).t, kind: 'operationWithProgress', name: 'downloadAsync', parent: null,
      site: created(events, op.id).site, source: 'promise', attributes: { foreignId: native.id },
    });
    const got: unknown[] = [];
    op.progress = (_op, value) => { got.push(value); };
    native.report(25);
    native.report(75);
    assert.deepStrictEqual(got, [25, 75]);
    native.complete({ bytes: 100 });
    assert.deepStrictEqual(await op, { bytes: 100 });
    op.close();
    assert.strictEqual(native.calls.close, 1);
  });

  it('Cancel from the debugger calls the promise\'s cancel(); the native op ends canceled, so does the op', async () => {
    const native = new ForeignOpWithProgress();
    const op = AsyncInfo.fromPromise(reactNativeWinrtPromise(native));
    assert.deepStrictEqual(hub().cancel(op.id), { ok: true });
    assert.strictEqual(native.calls.cancel, 1);
    native.complete(); // the native work notices: completion fires Canceled, the promise rejects
    assert.strictEqual((await settle(op)).error?.name, 'AbortError');
    assert.strictEqual(op.status, AsyncStatus.Canceled);
  });

  it('canceled through the promise by the program: the op ends canceled, not in error', async () => {
    const native = new ForeignOpWithProgress();
    const promise = reactNativeWinrtPromise(native);
    const op = AsyncInfo.fromPromise(promise);
    promise.cancel();
    native.complete();
    const rejection = await Promise.resolve(promise).then(() => undefined, (e: { number?: number }) => e.number);
    assert.strictEqual(rejection, ERROR_CANCELLED, 'the projection rejects with ERROR_CANCELLED');
    await settled();
    assert.strictEqual(op.status, AsyncStatus.Canceled);
  });
});

describe('fromPromise(): dynwinrt (a Promise with cancel() and a chainable progress(cb))', () => {
  let events: ReturnType<typeof listen>;
  beforeEach(() => { events = listen(); });
  afterEach(() => events.stop());

  it('becomes operationWithProgress; its reports are the op\'s progress; the program\'s own progress callbacks still run', async () => {
    const native = new ForeignOpWithProgress();
    const mine: unknown[] = [];
    const promise = dynwinrtPromise(native).progress((v) => mine.push(v));
    const op = AsyncInfo.fromPromise(promise);
    const got: unknown[] = [];
    op.progress = (_op, value) => { got.push(value); };
    native.report(0.5);
    assert.deepStrictEqual(got, [0.5]);
    assert.deepStrictEqual(mine, [0.5]);
    assert.strictEqual((created(events, op.id) as { kind: string }).kind, 'operationWithProgress');
    assert.strictEqual('canCancel' in created(events, op.id), false);
    native.complete('recognized text');
    assert.strictEqual(await op, 'recognized text');
  });

  it('Cancel from the debugger reaches its cancel(); the op ends canceled, then options.cancel ran', async () => {
    const native = new ForeignOpWithProgress();
    const order: string[] = [];
    const promise = dynwinrtPromise(native);
    const cancel = promise.cancel;
    promise.cancel = () => { order.push('promise.cancel'); cancel(); };
    const op = AsyncInfo.fromPromise(promise, { cancel: () => order.push('options.cancel') });
    assert.deepStrictEqual(hub().cancel(op.id), { ok: true });
    assert.deepStrictEqual(order, ['promise.cancel', 'options.cancel']);
    assert.strictEqual(native.calls.cancel, 1);
    native.complete(); // fires Canceled: dynwinrt rejects with "Async operation was canceled"
    assert.strictEqual((await settle(op)).error?.name, 'AbortError');
    assert.strictEqual(op.status, AsyncStatus.Canceled);
  });
});

describe('fromPromise(): bad input is a TypeError naming what was expected, and leaves nothing behind', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['a number', () => AsyncInfo.fromPromise(3 as never), /expects a promise \(an object with a then\(\) method\), got number/],
    ['null', () => AsyncInfo.fromPromise(null as never), /expects a promise .* got null/],
    ['then that is not a function', () => AsyncInfo.fromPromise({ then: 1 } as never), /expects a promise .* got an object/],
    ['options not an object', () => AsyncInfo.fromPromise(Promise.resolve(), 5 as never), /options must be an object, got number/],
    ['options.name not a string', () => AsyncInfo.fromPromise(Promise.resolve(), { name: {} as never }), /options.name must be a string, got an object/],
    ['options.controller not an AbortController', () => AsyncInfo.fromPromise(Promise.resolve(), { controller: {} as never }), /options.controller must be an AbortController, got an object/],
    ['options.cancel not a function', () => AsyncInfo.fromPromise(Promise.resolve(), { cancel: 'now' as never }), /options.cancel must be a function, got string/],
  ];
  itRefusesLeavingNothing(cases);
});
