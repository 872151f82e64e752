// The view's default: under each parent, the live ops (pending, or holding a pending op) first,
// oldest first, and the finished rest in a group of their own.
import * as assert from 'node:assert/strict';
import { OperationStore } from '../../../src/core/operationStore';
import { applyAll, closed, completed, created, hello, snapshotEnd } from './messages';

describe('operation store: live and finished groups', () => {
  it('splits a parent\'s children into live (oldest first) and finished (newest first); a finished op above a pending one is live', () => {
    const store = new OperationStore({ coalesceMs: 0 });
    store.addProcess('p', hello(), 'debug');
    applyAll(store, 'p', [
      snapshotEnd(), created(1), created(2), created(3), created(4), created(5, 4), created(6),
      completed(1), completed(3), closed(3), completed(4), // 4 finished, but its child 5 runs
    ]);
    const ids = (group: 'live' | 'finished', hideFinished = false) => store.children('p', null, 0, 100, { group, hideFinished }).map((op) => op.id);
    assert.deepEqual(ids('live'), [2, 4, 6]);
    assert.deepEqual(ids('finished'), [3, 1]);
    assert.equal(store.childCount('p', null, { group: 'finished' }), 2);
    assert.deepEqual(ids('finished', true), [], 'hiding finished ops hides the group');
    applyAll(store, 'p', [completed(5)]);
    assert.deepEqual(ids('live'), [2, 6]);
    assert.deepEqual(ids('finished'), [4, 3, 1]);
    assert.deepEqual(store.children('p', null, 0, 100).map((op) => op.id), [1, 2, 3, 4, 6], 'without a group: every child, in creation order');
    store.dispose();
  });
});
