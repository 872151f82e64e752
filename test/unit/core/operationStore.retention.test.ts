import * as assert from 'node:assert';
import { OperationStore } from '../../../src/core/operationStore';
import { applyAll, childIds, closed, completed, created, hello } from './messages';

describe('OperationStore: retention', () => {
  const key = 'p';
  let clock: number;
  let store: OperationStore;

  function open(maxFinished: number, finishedTtlMs = 0): void {
    clock = 1_000_000;
    store = new OperationStore({ retention: { maxFinished, finishedTtlMs }, now: () => clock });
    store.addProcess(key, hello(), 'debug');
  }
  afterEach(() => store.dispose());

  it('keeps at most maxFinished finished ops per process, dropping the oldest finished first', () => {
    open(2);
    applyAll(store, key, [created(1), created(2), created(3), created(4), created(5)]);
    applyAll(store, key, [completed(3), completed(1), completed(4), completed(2)]);
    assert.deepStrictEqual(childIds(store, key, null), [2, 4, 5]);
    assert.strictEqual(store.op(key, 3), undefined);
    assert.strictEqual(store.process(key)!.opCount, 3);
    assert.strictEqual(store.process(key)!.pendingCount, 1);
  });

  it('closing a finished op does not make it newer', () => {
    open(1);
    applyAll(store, key, [created(1), created(2), completed(1), completed(2)]);
    applyAll(store, key, [closed(1)]);
    assert.deepStrictEqual(childIds(store, key, null), [2]);
  });

  it('a dropped op\'s children move to the root', () => {
    open(0);
    applyAll(store, key, [created(1), created(2, 1), created(3, 1), created(4)]);
    store.apply(key, completed(1));
    assert.strictEqual(store.op(key, 1), undefined);
    assert.deepStrictEqual(childIds(store, key, null), [2, 3, 4]);
  });

  it('finished ops older than finishedTtlMs are dropped', () => {
    open(100, 5_000);
    applyAll(store, key, [created(1), created(2), created(3), completed(1)]);
    clock += 3_000;
    store.apply(key, completed(2));
    clock += 2_500; // op 1 ended 5.5 s ago, op 2 2.5 s ago
    store.apply(key, completed(3));
    assert.deepStrictEqual(childIds(store, key, null), [2, 3]);
  });

  it('finished ops expire on their own, without further messages', async () => {
    store = new OperationStore({ retention: { maxFinished: 100, finishedTtlMs: 20 }, coalesceMs: 1 }); // the real clock
    store.addProcess(key, hello(), 'debug');
    applyAll(store, key, [created(1), completed(1)]);
    await new Promise<void>((resolve) => {
      store.onDidChange(() => {
        if (!store.op(key, 1)) resolve();
      });
    });
    assert.deepStrictEqual(childIds(store, key, null), []);
  });

  it('setRetention applies at once', () => {
    open(100);
    applyAll(store, key, [created(1), created(2), created(3), completed(1), completed(2)]);
    store.setRetention({ maxFinished: 1, finishedTtlMs: 0 });
    assert.deepStrictEqual(childIds(store, key, null), [2, 3]);
  });

  it('clearFinished drops every finished op, of one process or of all', () => {
    open(100);
    store.addProcess('q', hello(2), 'debug');
    applyAll(store, key, [created(1), created(2, 1), completed(1), created(3), completed(3), closed(3)]);
    applyAll(store, 'q', [created(1), completed(1)]);
    store.clearFinished(key);
    assert.deepStrictEqual(childIds(store, key, null), [2]);
    assert.strictEqual(store.process(key)!.pendingCount, 1);
    assert.deepStrictEqual(childIds(store, 'q', null), [1]);
    store.clearFinished();
    assert.deepStrictEqual(childIds(store, 'q', null), []);
  });

  it('dropping 100,000 finished ops keeps the count bounded', () => {
    open(1000);
    for (let id = 1; id <= 100_000; id++) {
      store.apply(key, created(id));
      store.apply(key, completed(id));
      store.apply(key, closed(id));
    }
    assert.strictEqual(store.process(key)!.opCount, 1000);
    assert.strictEqual(store.children(key, null, 0, 1)[0].id, 99_001);
  });
});

describe('OperationStore: retention under reused ids', () => {
  it('keeps its finished-op bookkeeping bounded when ids are reused forever', () => {
    const store = new OperationStore({ retention: { maxFinished: 10_000, finishedTtlMs: 0 } });
    store.addProcess('p', hello(), 'debug');
    for (let round = 0; round < 50_000; round++) {
      const id = (round % 10) + 1; // ten ids, each reused 5,000 times
      store.apply('p', created(id));
      store.apply('p', completed(id));
      store.apply('p', closed(id));
    }
    const queue = (store as unknown as { states: Map<string, { finishedQueue: unknown[] }> }).states.get('p')!.finishedQueue;
    assert.ok(queue.length < 2_000, `finished queue holds ${queue.length} entries for 10 ops`);
    assert.strictEqual(store.process('p')!.opCount, 10);
    store.dispose();
  });
});
