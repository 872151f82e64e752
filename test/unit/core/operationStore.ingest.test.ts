import * as assert from 'node:assert';
import { OperationStore } from '../../../src/core/operationStore';
import {
  applyAll, cancelRequested, canceled, childIds, closed, completed, created, failed, hello, plain, progress, snapshotEnd,
} from './messages';

describe('OperationStore: ingesting each message type', () => {
  let store: OperationStore;
  const key = 'conn-1';

  beforeEach(() => {
    store = new OperationStore();
    store.addProcess(key, hello(), 'debug', 'session-1');
  });
  afterEach(() => store.dispose());

  it('lists the process with its hello, source and session', () => {
    const [process] = store.processes();
    assert.strictEqual(process.key, key);
    assert.strictEqual(process.hello.pid, 4242);
    assert.strictEqual(process.source, 'debug');
    assert.strictEqual(process.debugSessionId, 'session-1');
    assert.strictEqual(process.connected, true);
    assert.strictEqual(process.paused, false);
    assert.strictEqual(process.opCount, 0);
  });

  it('created: a Started op with every field of the message, at the root', () => {
    store.apply(key, { ...created(7, null, 'download', 'operationWithProgress', 1520), stack: 'at a (x.js:1:1)' } as never);
    assert.deepStrictEqual(plain(store.op(key, 7)!), {
      id: 7, kind: 'operationWithProgress', name: 'download', parent: null, site: '/app/src/work.js:7:1',
      stack: 'at a (x.js:1:1)', createdT: 1520, status: 'Started', cancelRequested: false, cancelSource: undefined,
      endT: undefined, errorCode: 0, message: undefined, hasProgress: false, progress: undefined, closed: false,
    });
    assert.deepStrictEqual(childIds(store, key, null), [7]);
    assert.strictEqual(store.process(key)!.pendingCount, 1);
  });

  it('created with a known parent: nested under it', () => {
    applyAll(store, key, [created(1), created(2, 1), created(3, 2)]);
    assert.deepStrictEqual(childIds(store, key, null), [1]);
    assert.deepStrictEqual(childIds(store, key, 1), [2]);
    assert.deepStrictEqual(childIds(store, key, 2), [3]);
    assert.strictEqual(store.childCount(key, 1), 1);
  });

  it('progress: keeps the latest value as given', () => {
    const value = { bytes: 512 };
    applyAll(store, key, [created(7), progress(7, { bytes: 1 }), progress(7, value)]);
    const op = store.op(key, 7)!;
    assert.strictEqual(op.hasProgress, true);
    assert.strictEqual(op.progress, value);
  });

  it('cancelRequested: status Canceled while the work still runs, still pending', () => {
    applyAll(store, key, [created(7), cancelRequested(7, 'client', 1900)]);
    const op = store.op(key, 7)!;
    assert.strictEqual(op.status, 'Canceled');
    assert.strictEqual(op.cancelRequested, true);
    assert.strictEqual(op.cancelSource, 'client');
    assert.strictEqual(op.endT, undefined);
    assert.strictEqual(store.process(key)!.pendingCount, 1);
  });

  it('completed, canceled, error: terminal status, end time, error details; no longer pending', () => {
    applyAll(store, key, [created(1), created(2), created(3), completed(1, 100), canceled(2, 200), failed(3, -5, 'boom', 300)]);
    assert.deepStrictEqual([1, 2, 3].map((id) => store.op(key, id)!.status), ['Completed', 'Canceled', 'Error']);
    assert.deepStrictEqual([1, 2, 3].map((id) => store.op(key, id)!.endT), [100, 200, 300]);
    assert.strictEqual(store.op(key, 3)!.errorCode, -5);
    assert.strictEqual(store.op(key, 3)!.message, 'boom');
    assert.strictEqual(store.process(key)!.pendingCount, 0);
    assert.strictEqual(store.process(key)!.opCount, 3);
  });

  it('a cancel request that the work outran: Completed, with the request remembered', () => {
    applyAll(store, key, [created(1), cancelRequested(1, 'program'), completed(1)]);
    assert.strictEqual(store.op(key, 1)!.status, 'Completed');
    assert.strictEqual(store.op(key, 1)!.cancelSource, 'program');
  });

  it('closed: stays visible as finished with closed=true', () => {
    applyAll(store, key, [created(8), completed(8), closed(8)]);
    const op = store.op(key, 8)!;
    assert.strictEqual(op.closed, true);
    assert.strictEqual(op.status, 'Completed');
    assert.deepStrictEqual(childIds(store, key, null), [8]);
  });

  it('closed while the canceled work still runs: canceled, then closed', () => {
    applyAll(store, key, [created(7), cancelRequested(7), canceled(7), closed(7)]);
    assert.strictEqual(store.op(key, 7)!.status, 'Canceled');
    assert.strictEqual(store.op(key, 7)!.closed, true);
    assert.strictEqual(store.process(key)!.pendingCount, 0);
  });

  it('dropped: adds to the process count of lost events', () => {
    store.apply(key, { type: 'dropped', count: 1200, t: 5000 });
    store.apply(key, { type: 'dropped', count: 3, t: 6000 });
    assert.strictEqual(store.process(key)!.dropped, 1203);
  });

  it('reply, snapshotEnd, unknown types and unknown processes change no op', () => {
    applyAll(store, key, [
      created(1),
      { type: 'reply', req: 1, ok: true },
      snapshotEnd(),
      { type: 'somethingNew', id: 1 } as never,
    ]);
    store.apply('no-such-process', created(2));
    assert.deepStrictEqual(childIds(store, key, null), [1]);
    assert.strictEqual(store.op(key, 1)!.status, 'Started');
    assert.strictEqual(store.process('no-such-process'), undefined);
  });

  it('hello on an existing process: updates its hello', () => {
    store.apply(key, hello(4242, { session: 's2' }));
    assert.strictEqual(store.process(key)!.hello.session, 's2');
  });

  it('setConnected and setPaused; removeProcess forgets the process and its ops', () => {
    applyAll(store, key, [created(1)]);
    store.setPaused(key, true);
    assert.strictEqual(store.process(key)!.paused, true);
    store.setConnected(key, false);
    assert.strictEqual(store.process(key)!.connected, false);
    assert.strictEqual(store.process(key)!.paused, false, 'a gone process is not paused');
    store.removeProcess(key);
    assert.deepStrictEqual(store.processes(), []);
    assert.strictEqual(store.op(key, 1), undefined);
    assert.deepStrictEqual(store.children(key, null, 0, 10), []);
  });

  it('resetProcess empties a process where it is listed (a replay rebuilt at an earlier moment keeps its row in place)', () => {
    store.addProcess('conn-2', hello(5000), 'trace');
    store.addProcess('conn-3', hello(6000), 'attach');
    applyAll(store, 'conn-2', [created(1), created(2, 1), completed(2)]);
    store.resetProcess('conn-2', hello(5000), 'trace');
    assert.deepStrictEqual(store.processes().map((p) => p.key), [key, 'conn-2', 'conn-3']);
    assert.strictEqual(store.process('conn-2')!.opCount, 0);
    assert.strictEqual(store.process('conn-2')!.connected, false, 'a trace is never connected');
    assert.strictEqual(store.op('conn-2', 1), undefined);
    store.apply('conn-2', created(5));
    assert.deepStrictEqual(childIds(store, 'conn-2', null), [5]);
  });

  it('keeps processes apart: the same op id in two processes', () => {
    store.addProcess('conn-2', hello(5000), 'attach');
    store.apply(key, created(1, null, 'first'));
    store.apply('conn-2', created(1, null, 'second'));
    assert.strictEqual(store.op(key, 1)!.name, 'first');
    assert.strictEqual(store.op('conn-2', 1)!.name, 'second');
    assert.deepStrictEqual(store.processes().map((p) => p.key), [key, 'conn-2']);
  });

  it('a trace process is not connected', () => {
    store.addProcess('trace:x:1', hello(1), 'trace');
    assert.strictEqual(store.process('trace:x:1')!.connected, false);
  });
});
