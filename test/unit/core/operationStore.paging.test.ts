import * as assert from 'node:assert';
import { OperationStore } from '../../../src/core/operationStore';
import { applyAll, cancelRequested, childIds, closed, completed, created, failed, hello } from './messages';

describe('OperationStore: paging and filters', () => {
  let store: OperationStore;
  const key = 'p';

  beforeEach(() => {
    store = new OperationStore({ retention: { maxFinished: 1_000_000, finishedTtlMs: 0 } });
    store.addProcess(key, hello(), 'debug');
  });
  afterEach(() => store.dispose());

  it('pages 100,000 children of one parent in creation order', () => {
    const count = 100_000;
    store.apply(key, created(1));
    for (let id = 2; id <= count + 1; id++) store.apply(key, created(id, 1));
    assert.strictEqual(store.childCount(key, 1), count);
    assert.deepStrictEqual(store.children(key, 1, 0, 3).map((op) => op.id), [2, 3, 4]);
    assert.deepStrictEqual(store.children(key, 1, 90_000, 3).map((op) => op.id), [90_002, 90_003, 90_004]);
    assert.deepStrictEqual(store.children(key, 1, count - 2, 1000).map((op) => op.id), [count, count + 1]);
    assert.deepStrictEqual(store.children(key, 1, count, 10), []);
    // every page in turn covers every child once, in order
    const seen: number[] = [];
    for (let offset = 0; offset < count; offset += 1000) for (const op of store.children(key, 1, offset, 1000)) seen.push(op.id);
    assert.strictEqual(seen.length, count);
    assert.ok(seen.every((id, i) => id === i + 2));
  });

  it('paging stays right while children are dropped from the middle', () => {
    store.apply(key, created(1));
    for (let id = 2; id <= 5001; id++) store.apply(key, created(id, 1));
    store.setRetention({ maxFinished: 0, finishedTtlMs: 0 });
    for (let id = 2; id <= 5001; id += 2) store.apply(key, completed(id)); // dropped at once: no finished kept
    assert.strictEqual(store.childCount(key, 1), 2500);
    assert.deepStrictEqual(store.children(key, 1, 1000, 3).map((op) => op.id), [2003, 2005, 2007]);
  });

  it('children of an unknown parent or process: none', () => {
    assert.deepStrictEqual(store.children(key, 99, 0, 10), []);
    assert.strictEqual(store.childCount(key, 99), 0);
    assert.deepStrictEqual(store.children('nope', null, 0, 10), []);
    assert.strictEqual(store.childCount('nope', null), 0);
  });

  describe('filters', () => {
    beforeEach(() => {
      applyAll(store, key, [
        created(1, null, 'download'), created(2, 1, 'Download part'), created(3, 1, 'parse'), created(4, 3, 'write'),
        created(5, null, 'upload'), created(6, 5, 'chunk'),
        completed(2), failed(4), cancelRequested(6), completed(1), completed(3),
      ]);
    });

    it('text: a flat list of case-insensitive name matches, in creation order, without children', () => {
      assert.deepStrictEqual(childIds(store, key, null, { text: 'DOWNLOAD' }), [1, 2]);
      assert.strictEqual(store.childCount(key, null, { text: 'load' }), 3);
      assert.deepStrictEqual(childIds(store, key, 1, { text: 'load' }), []);
      assert.strictEqual(store.childCount(key, 1, { text: 'load' }), 0);
    });

    it('text #id: that op', () => {
      assert.deepStrictEqual(childIds(store, key, null, { text: '#4' }), [4]);
    });

    it('statuses: a flat list of ops in those statuses; a cancel request counts as Canceled', () => {
      assert.deepStrictEqual(childIds(store, key, null, { statuses: new Set(['Error', 'Canceled'] as const) }), [4, 6]);
      assert.deepStrictEqual(childIds(store, key, null, { statuses: new Set(['Started'] as const) }), [5]);
      assert.deepStrictEqual(childIds(store, key, null, { text: 'o', statuses: new Set(['Completed'] as const) }), [1, 2]);
    });

    it('an empty status set filters nothing', () => {
      assert.deepStrictEqual(childIds(store, key, null, { statuses: new Set() }), [1, 5]);
    });

    it('hideFinished: the tree without finished ops, unless a descendant is still shown', () => {
      const filter = { hideFinished: true };
      assert.deepStrictEqual(childIds(store, key, null, filter), [5]);
      assert.deepStrictEqual(childIds(store, key, 5, filter), [6]);
      store.apply(key, created(7, 4, 'late'));
      // 7 runs under 4 (Error) under 3 (Completed) under 1 (Completed): its ancestors come back
      assert.deepStrictEqual(childIds(store, key, null, filter), [1, 5]);
      assert.deepStrictEqual(childIds(store, key, 1, filter), [3]);
      assert.deepStrictEqual(childIds(store, key, 3, filter), [4]);
      assert.deepStrictEqual(childIds(store, key, 4, filter), [7]);
      assert.strictEqual(store.childCount(key, 1, filter), 1);
    });

    it('closed counts as finished for hideFinished', () => {
      applyAll(store, key, [completed(6), closed(6)]);
      assert.deepStrictEqual(childIds(store, key, null, { hideFinished: true }), [5]);
      assert.deepStrictEqual(childIds(store, key, 5, { hideFinished: true }), []);
    });

    it('filtered pages', () => {
      for (let id = 100; id < 3100; id++) store.apply(key, created(id, null, id % 2 ? 'odd' : 'even'));
      assert.strictEqual(store.childCount(key, null, { text: 'odd' }), 1500);
      assert.deepStrictEqual(store.children(key, null, 1000, 2, { text: 'odd' }).map((op) => op.id), [2101, 2103]);
    });
  });
});
