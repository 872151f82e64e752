// The five warnings on message sequences, judged by the store's checker on a test clock and by
// the timer-free evaluation a trace summary uses.
import * as assert from 'node:assert';
import { OperationStore } from '../../../../src/core/operationStore';
import { collectWarnings, warningsAt } from '../../../../src/core/warnings/evaluate';
import { warningDelays } from '../../../../src/core/warnings/rules';
import type { AgentMessage } from '../../../../src/protocol/messages';
import { applyAll, cancelRequested, canceled, closed, completed, created, failed, hello } from '../messages';

const ORIGIN = 1_795_456_789_000;
const S = 1_000_000; // µs

describe('warnings', () => {
  const key = 'p';
  let clock: number;
  let store: OperationStore;

  function open(source: 'debug' | 'trace' = 'debug', delays = warningDelays()): void {
    clock = ORIGIN;
    store = new OperationStore({ now: () => clock, warningDelays: delays });
    store.addProcess(key, hello(4242, { timeOrigin: ORIGIN }), source);
  }
  /** Moves the wall clock to `micros` on the program's clock and lets the checker run. */
  function at(micros: number): void {
    clock = ORIGIN + micros / 1000;
    store.recheckWarnings();
  }
  const warnings = (id: number) => store.op(key, id)?.warnings ?? [];
  const count = () => store.process(key)!.warningCount;
  const unobservedError = (id: number, t: number): AgentMessage => ({ type: 'error', id, t, errorCode: -2147467259, message: 'boom', observed: false });
  const errorObserved = (id: number, t: number): AgentMessage => ({ type: 'errorObserved', id, t });

  afterEach(() => store.dispose());

  it('cancel-ignored: a cancel requested 5 s ago with no end; gone when the op ends', () => {
    open();
    applyAll(store, key, [created(1, null, 'download', 'operation', 0), cancelRequested(1, 'client', 10 * S)]);
    at(14.9 * S);
    assert.deepStrictEqual(warnings(1), []);
    at(15 * S);
    assert.deepStrictEqual(warnings(1), ['cancel-ignored']);
    assert.strictEqual(count(), 1);
    store.apply(key, canceled(1, 16 * S));
    assert.deepStrictEqual(warnings(1), []);
    assert.strictEqual(count(), 0);
  });

  it('long-pending: Started 60 s; not once a cancel was asked for (that is cancel-ignored)', () => {
    open();
    applyAll(store, key, [created(1, null, 'poll', 'operation', 0), created(2, null, 'other', 'operation', 0)]);
    at(59 * S);
    assert.deepStrictEqual(warnings(1), []);
    at(60 * S);
    assert.deepStrictEqual(warnings(1), ['long-pending']);
    store.apply(key, cancelRequested(2, 'program', 61 * S));
    store.apply(key, cancelRequested(1, 'program', 61 * S));
    assert.deepStrictEqual(warnings(1), []);
    store.apply(key, completed(2, 62 * S));
    at(70 * S);
    assert.deepStrictEqual(warnings(1), ['cancel-ignored']);
  });

  it('orphaned: at once when the parent ends first, also for a child made after; gone when it ends', () => {
    open();
    applyAll(store, key, [created(1, null, 'parent', 'operation', 0), created(2, 1, 'child', 'operation', 1), created(3, 1, 'awaited', 'operation', 2)]);
    store.apply(key, completed(3, 3));
    store.apply(key, completed(1, 4));
    assert.deepStrictEqual(warnings(2), ['orphaned']);
    assert.deepStrictEqual(warnings(3), []);
    store.apply(key, created(4, 1, 'late', 'operation', 5));
    assert.deepStrictEqual(warnings(4), ['orphaned']);
    store.apply(key, completed(2, 6));
    assert.deepStrictEqual(warnings(2), []);
    assert.strictEqual(count(), 1);
  });

  it('unobserved-error: at once for "observed": false, gone when the program looks; absent field is no warning', () => {
    open();
    applyAll(store, key, [created(1), created(2), unobservedError(1, 100), failed(2, -1, 'seen', 100)]);
    assert.deepStrictEqual(warnings(1), ['unobserved-error']);
    assert.deepStrictEqual(warnings(2), []);
    store.apply(key, errorObserved(1, 200));
    assert.deepStrictEqual(warnings(1), []);
  });

  it('never-closed: ended 300 s ago and not closed, for runtime and observed ops only', () => {
    open();
    const promiseOp = { ...created(2, null, 'fetch', 'operation', 0), source: 'promise' };
    const observedOp = { ...created(3, null, 'winrt', 'operation', 0), source: 'observed' };
    applyAll(store, key, [created(1, null, 'read', 'operation', 0), promiseOp, observedOp, completed(1, S), completed(2, S), completed(3, S)]);
    at(300 * S);
    assert.deepStrictEqual(warnings(1), []);
    at(301 * S);
    assert.deepStrictEqual(warnings(1), ['never-closed']);
    assert.deepStrictEqual(warnings(2), []);
    assert.deepStrictEqual(warnings(3), ['never-closed']);
    store.apply(key, closed(1, 302 * S));
    assert.deepStrictEqual(warnings(1), []);
  });

  it('settings: 0 or false turns a warning off, a number of seconds moves its threshold', () => {
    open('debug', warningDelays({ 'long-pending': 0, orphaned: false, 'cancel-ignored': 1 }));
    applyAll(store, key, [created(1, null, 'p', 'operation', 0), created(2, 1, 'c', 'operation', 0), created(3, null, 'x', 'operation', 0)]);
    store.apply(key, completed(1, 1));
    store.apply(key, cancelRequested(3, 'client', 0));
    at(100 * S);
    assert.deepStrictEqual(warnings(2), []);
    assert.deepStrictEqual(warnings(3), ['cancel-ignored']);
    store.setWarningDelays(warningDelays());
    store.recheckWarnings();
    assert.deepStrictEqual(warnings(2), ['long-pending', 'orphaned']); // an orphan pending 100 s is both
  });

  it('the session ends: every warning goes, and the count with it', () => {
    open();
    applyAll(store, key, [created(1), created(2, 1), completed(1, 100), created(3), unobservedError(3, 100)]);
    assert.strictEqual(count(), 2);
    store.setEnded(key);
    assert.deepStrictEqual(warnings(2), []);
    assert.deepStrictEqual(warnings(3), []);
    assert.strictEqual(count(), 0);
  });

  it('a dropped op takes its warnings with it', () => {
    open();
    store.setRetention({ maxFinished: 0, finishedTtlMs: 0 });
    applyAll(store, key, [created(1), unobservedError(1, 100)]);
    assert.strictEqual(store.op(key, 1), undefined);
    assert.strictEqual(count(), 0);
  });

  it('a trace is judged at its last moment, by the store and without timers', () => {
    open('trace');
    applyAll(store, key, [created(1, null, 'hang', 'operation', 0), created(2, null, 'quick', 'operation', 0), completed(2, 61 * S)]);
    store.recheckWarnings();
    assert.deepStrictEqual(warnings(1), ['long-pending']);
    const listed = collectWarnings(store, key);
    assert.deepStrictEqual(listed.map((w) => [w.op.id, w.id, w.reason]), [[1, 'long-pending', 'pending 61 s']]);
  });

  it('warningsAt judges one op at a given moment, with a reason and what to do', () => {
    open();
    applyAll(store, key, [created(1, null, 'read', 'operation', 0), cancelRequested(1, 'client', S)]);
    const op = store.op(key, 1)!;
    assert.deepStrictEqual(warningsAt(op, 5 * S), []);
    const [w] = warningsAt(op, 12 * S);
    assert.strictEqual(w.id, 'cancel-ignored');
    assert.strictEqual(w.reason, 'cancel ignored 11 s');
    assert.match(w.advice, /cancellation token/);
  });
});
