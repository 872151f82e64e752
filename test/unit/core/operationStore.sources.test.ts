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
});
