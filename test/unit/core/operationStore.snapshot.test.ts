import * as assert from 'node:assert';
import { OperationStore } from '../../../src/core/operationStore';
import type { AgentMessage } from '../../../src/protocol/messages';
import {
  applyAll, cancelRequested, childIds, closed, completed, created, hello, progress, snapshotEnd, stateOf,
} from './messages';

describe('OperationStore: snapshots', () => {
  let store: OperationStore;
  const key = 'p';

  beforeEach(() => {
    store = new OperationStore();
    store.addProcess(key, hello(), 'debug');
  });
  afterEach(() => store.dispose());

  it('replaceWithSnapshot takes the snapshot\'s state of each op it lists', () => {
    applyAll(store, key, [created(1), created(2, 1), progress(2, 10)]);
    store.replaceWithSnapshot(key, [created(1), created(2, 1), progress(2, 80), cancelRequested(2), created(3, 2)]);
    assert.strictEqual(store.op(key, 2)!.progress, 80);
    assert.strictEqual(store.op(key, 2)!.status, 'Canceled');
    assert.deepStrictEqual(childIds(store, key, 2), [3]);
    assert.strictEqual(store.process(key)!.pendingCount, 3);
  });

  it('ops the snapshot no longer lists were let go of meanwhile: kept, marked released (not closed: nobody said so) and finished', () => {
    applyAll(store, key, [created(1), created(2, 1), completed(2), created(3)]);
    store.replaceWithSnapshot(key, [created(1), created(3), completed(3)]);
    const gone = store.op(key, 2)!;
    assert.strictEqual(gone.released, true);
    assert.strictEqual(gone.closed, false);
    assert.strictEqual(gone.status, 'Completed');
    assert.deepStrictEqual(childIds(store, key, 1), [2]);
    assert.strictEqual(store.op(key, 3)!.status, 'Completed');
    assert.strictEqual(store.op(key, 3)!.closed, false);
    assert.strictEqual(store.process(key)!.pendingCount, 1);
  });

  it('an op missing from the snapshot with no known end stops counting as pending', () => {
    applyAll(store, key, [created(1), created(2)]);
    store.replaceWithSnapshot(key, [created(2)]);
    assert.strictEqual(store.op(key, 1)!.released, true);
    assert.strictEqual(store.process(key)!.pendingCount, 1);
  });

  it('the same snapshot applied twice leaves the same state', () => {
    const snapshot: AgentMessage[] = [created(1), created(2, 1), progress(2, 5), created(3), completed(3, 9)];
    store.replaceWithSnapshot(key, snapshot);
    const once = stateOf(store, key);
    store.replaceWithSnapshot(key, snapshot);
    assert.deepStrictEqual(stateOf(store, key), once);
  });

  it('a reconnect (hello, snapshot, snapshotEnd) marks released the ops the program let go of while disconnected', () => {
    applyAll(store, key, [created(1), created(2), created(3)]);
    applyAll(store, key, [hello(), created(2), created(4), snapshotEnd()]);
    assert.deepStrictEqual([1, 2, 3, 4].map((id) => store.op(key, id)!.released), [true, false, true, false]);
  });

  it('a first connection\'s snapshot releases nothing', () => {
    applyAll(store, key, [created(1), created(2), completed(2), snapshotEnd(), created(3)]);
    assert.deepStrictEqual([1, 2, 3].map((id) => store.op(key, id)!.released), [false, false, false]);
  });

  it('an op the program says it no longer has is released, and a recording started then leaves it out', () => {
    applyAll(store, key, [created(1), completed(1), created(2)]);
    store.markReleased(key, 1);
    assert.strictEqual(store.op(key, 1)!.released, true);
    assert.strictEqual(store.process(key)!.pendingCount, 1);
    assert.deepStrictEqual(store.snapshotMessages(key).map((m) => m.id), [2], 'a released op was written into a recording');
  });

  it('snapshotMessages replays to the same state', () => {
    applyAll(store, key, [
      created(5, 1), created(1), progress(1, { n: 1 }), created(2, 1), cancelRequested(2), completed(2, 7),
      created(3), { type: 'error', id: 3, t: 8, errorCode: -3, message: 'bad' }, closed(3),
    ]);
    const copy = new OperationStore();
    copy.addProcess('copy', hello(), 'trace');
    applyAll(copy, 'copy', store.snapshotMessages(key));
    assert.deepStrictEqual(stateOf(copy, 'copy'), stateOf(store, key));
    copy.dispose();
  });
});
