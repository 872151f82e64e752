import * as assert from 'node:assert';
import { OperationStore } from '../../../src/core/operationStore';
import { applyAll, childIds, completed, created, hello } from './messages';

describe('OperationStore: identical siblings', () => {
  const key = 'p';
  let store: OperationStore;
  beforeEach(() => {
    store = new OperationStore();
    store.addProcess(key, hello(), 'debug');
  });
  afterEach(() => store.dispose());

  it('names shared by at least `min` children, with counts by status, in order of their first member', () => {
    applyAll(store, key, [created(1, null, 'download')]);
    for (let id = 2; id <= 5001; id++) store.apply(key, created(id, 1, 'writeChunk'));
    applyAll(store, key, [created(6000, 1, 'verify'), created(6001, 1, 'verify')]);
    for (let id = 2; id <= 4991; id++) store.apply(key, completed(id));
    const [group, ...rest] = store.siblingGroups(key, 1, 50);
    assert.deepStrictEqual(rest, []);
    assert.strictEqual(group.name, 'writeChunk');
    assert.strictEqual(group.count, 5000);
    assert.deepStrictEqual(group.byStatus, { Started: 10, Completed: 4990, Canceled: 0, Error: 0 });
    assert.strictEqual(group.live, true);
    assert.deepStrictEqual(store.siblingGroups(key, 1, 2).map((g) => g.name), ['writeChunk', 'verify']);
    assert.deepStrictEqual(store.siblingGroups(key, 1, 0), [], 'off');
    assert.deepStrictEqual(store.siblingGroups(key, 1, 50, true), [], 'hiding finished: 10 live are too few');
    assert.strictEqual(store.siblingGroups(key, 1, 5, true)[0].count, 10, 'hiding finished counts the live');
  });

  it('a group\'s members, and the rest of the list without them, page in creation order', () => {
    applyAll(store, key, [created(1, null, 'download'), created(2, 1, 'a'), created(3, 1, 'w'), created(4, 1, 'w'), created(5, 1, 'b'), created(6, 1, 'w')]);
    assert.deepStrictEqual(childIds(store, key, 1, { name: 'w' }), [3, 4, 6]);
    assert.deepStrictEqual(childIds(store, key, 1, { exceptNames: new Set(['w']), group: 'live' }), [2, 5]);
    store.apply(key, completed(4));
    assert.deepStrictEqual(childIds(store, key, 1, { name: 'w' }), [3, 4, 6], 'members of every status');
    assert.deepStrictEqual(childIds(store, key, 1, { name: 'w', hideFinished: true }), [3, 6]);
  });
});
