// Ops from elsewhere than the runtime's factories: where they come from, whether Cancel can act,
// and what the program attached, kept by the store, filtered by `source:` and kept by recordings.
import * as assert from 'node:assert/strict';
import { OperationStore } from '../../../src/core/operationStore';
import type { CreatedMessage } from '../../../src/protocol/messages';
import { parseFilter } from '../../../src/ui/filterInput';
import { applyAll, created, hello, snapshotEnd } from './messages';

describe('operation store: sources of operations', () => {
  const fetchOp: CreatedMessage = { ...created(2, null, 'GET http://127.0.0.1:8080/a'), source: 'node:fetch', attributes: { method: 'GET', status: 200 } };
  const promiseOp: CreatedMessage = { ...created(3, null, 'load'), source: 'promise', canCancel: false };

  it('keeps source, canCancel and attributes, and a runtime op has none', () => {
    const store = new OperationStore({ coalesceMs: 0 });
    store.addProcess('p', hello(), 'debug');
    applyAll(store, 'p', [snapshotEnd(), created(1), fetchOp, promiseOp]);
    const [runtime, fetch, promise] = [1, 2, 3].map((id) => store.op('p', id)!);
    assert.deepEqual([runtime.source, runtime.canCancel, runtime.attributes], [undefined, true, undefined]);
    assert.deepEqual([fetch.source, fetch.canCancel, fetch.attributes], ['node:fetch', true, { method: 'GET', status: 200 }]);
    assert.deepEqual([promise.source, promise.canCancel], ['promise', false]);
    // A recording started now writes them again.
    const again = store.snapshotMessages('p').filter((m) => m.type === 'created') as CreatedMessage[];
    assert.deepEqual(again.map((m) => [m.source, m.canCancel, m.attributes]), [[undefined, undefined, undefined], ['node:fetch', undefined, { method: 'GET', status: 200 }], ['promise', false, undefined]]);
    store.dispose();
  });

  it('filters by source: `fetch` finds node:fetch, `runtime` the factories\' ops', () => {
    const store = new OperationStore({ coalesceMs: 0 });
    store.addProcess('p', hello(), 'debug');
    applyAll(store, 'p', [snapshotEnd(), created(1), fetchOp, promiseOp]);
    const ids = (input: string) => {
      const filter = parseFilter(input, false);
      assert.ok(typeof filter !== 'string', String(filter));
      return store.children('p', null, 0, 10, filter).map((op) => op.id);
    };
    assert.deepEqual(ids('source:fetch'), [2]);
    assert.deepEqual(ids('source:runtime,promise'), [1, 3]);
    assert.deepEqual(ids('load source:promise'), [3]);
    store.dispose();
  });

  it('adds the attributes an op learned while it ran (status code, exit code) from its terminal message, at most 16 keys', () => {
    const store = new OperationStore({ coalesceMs: 0 });
    store.addProcess('p', hello(), 'debug');
    const child: CreatedMessage = { ...created(4, null, 'spawn node worker.js'), source: 'node:child-process', attributes: { pid: 42, command: 'node worker.js' } };
    const many: CreatedMessage = { ...created(5, null, 'GET /many'), source: 'node:http-server', attributes: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, i])) };
    applyAll(store, 'p', [snapshotEnd(), fetchOp, child, many,
      { type: 'completed', id: 2, t: 5, attributes: { status: 404 } },
      { type: 'error', id: 4, t: 6, errorCode: -2147467259, message: 'exited with code 3', attributes: { exitCode: 3 } },
      { type: 'completed', id: 5, t: 7, attributes: { k0: 'later', statusCode: 200 } }]);
    assert.deepEqual(store.op('p', 2)!.attributes, { method: 'GET', status: 404 });
    assert.deepEqual(store.op('p', 4)!.attributes, { pid: 42, command: 'node worker.js', exitCode: 3 });
    const five = store.op('p', 5)!.attributes!;
    assert.equal(Object.keys(five).length, 16, 'a 17th key is left out, so a recording of it stays valid');
    assert.equal(five.k0, 'later');
    store.dispose();
  });
});
