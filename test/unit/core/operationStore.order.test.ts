import * as assert from 'node:assert';
import { OperationStore } from '../../../src/core/operationStore';
import type { AgentMessage } from '../../../src/protocol/messages';
import {
  applyAll, cancelRequested, childIds, closed, completed, created, failed, hello, progress, stateOf,
} from './messages';

describe('OperationStore: idempotence and order tolerance', () => {
  let store: OperationStore;
  const key = 'p';

  beforeEach(() => {
    store = new OperationStore();
    store.addProcess(key, hello(), 'debug');
  });
  afterEach(() => store.dispose());

  const lifecycle: AgentMessage[] = [
    created(1), created(2, 1), progress(2, 50), created(3, 1), cancelRequested(3), completed(2, 20), failed(1, -1, 'x', 30),
    closed(2, 40),
  ];

  it('each message delivered twice gives the state of delivering it once', () => {
    applyAll(store, key, lifecycle);
    const once = stateOf(store, key);
    const other = new OperationStore();
    other.addProcess(key, hello(), 'debug');
    applyAll(other, key, lifecycle.flatMap((m) => [m, m]));
    assert.deepStrictEqual(stateOf(other, key), once);
    other.dispose();
  });

  it('replaying the messages of the ops still open changes nothing', () => {
    applyAll(store, key, lifecycle);
    const once = stateOf(store, key);
    applyAll(store, key, lifecycle.filter((m) => m.type !== 'closed' && (m as { id?: number }).id !== 2));
    assert.deepStrictEqual(stateOf(store, key), once);
  });

  it('created for a closed op\'s id is a new op (ids are unique among live ops only)', () => {
    applyAll(store, key, lifecycle);
    store.apply(key, created(2, 1));
    assert.strictEqual(store.op(key, 2)!.status, 'Started');
    assert.strictEqual(store.op(key, 2)!.closed, false);
  });

  it('the first terminal message stands', () => {
    applyAll(store, key, [created(1), completed(1, 10), canceled(1, 20), failed(1, -1, 'late', 30)]);
    assert.strictEqual(store.op(key, 1)!.status, 'Completed');
    assert.strictEqual(store.op(key, 1)!.endT, 10);
    assert.strictEqual(store.process(key)!.pendingCount, 0);
  });

  it('a child before its parent: at the root, then nested when the parent appears', () => {
    store.apply(key, created(5, 1));
    store.apply(key, created(6, 1));
    assert.deepStrictEqual(childIds(store, key, null), [5, 6]);
    assert.strictEqual(store.op(key, 5)!.parent, 1, 'keeps the parent the program reported');
    store.apply(key, created(1));
    assert.deepStrictEqual(childIds(store, key, null), [1]);
    assert.deepStrictEqual(childIds(store, key, 1), [5, 6]);
  });

  it('a grandchild before both ancestors ends in the right place', () => {
    applyAll(store, key, [created(3, 2), created(2, 1), created(1)]);
    assert.deepStrictEqual(childIds(store, key, null), [1]);
    assert.deepStrictEqual(childIds(store, key, 1), [2]);
    assert.deepStrictEqual(childIds(store, key, 2), [3]);
  });

  it('adopted children keep creation order among the parent\'s own later children', () => {
    applyAll(store, key, [created(10, 1), created(1), created(11, 1)]);
    assert.deepStrictEqual(childIds(store, key, 1), [10, 11]);
  });

  it('a message before its op\'s created makes a placeholder that created fills in', () => {
    applyAll(store, key, [created(1), progress(7, 3), completed(7, 99)]);
    assert.strictEqual(store.op(key, 7)!.name, '(unknown)');
    assert.strictEqual(store.op(key, 7)!.status, 'Completed');
    store.apply(key, created(7, 1, 'late-created'));
    const op = store.op(key, 7)!;
    assert.strictEqual(op.name, 'late-created');
    assert.strictEqual(op.status, 'Completed');
    assert.strictEqual(op.progress, 3);
    assert.deepStrictEqual(childIds(store, key, 1), [7]);
    assert.deepStrictEqual(childIds(store, key, null), [1]);
  });

  it('closed for an op never seen changes nothing', () => {
    store.apply(key, closed(9));
    assert.strictEqual(store.op(key, 9), undefined);
    assert.strictEqual(store.process(key)!.opCount, 0);
  });

  it('an id reused by a new op after the old one closed: the new op replaces it', () => {
    applyAll(store, key, [created(1, null, 'old'), created(2, 1), completed(1), closed(1)]);
    store.apply(key, created(1, null, 'new'));
    const op = store.op(key, 1)!;
    assert.strictEqual(op.name, 'new');
    assert.strictEqual(op.status, 'Started');
    assert.strictEqual(op.closed, false);
    assert.deepStrictEqual(childIds(store, key, null), [2, 1], 'the old op\'s child stays at the root, not under the new op');
    assert.strictEqual(store.process(key)!.pendingCount, 2);
  });

  it('parent cycles from inconsistent input never hide ops', () => {
    applyAll(store, key, [created(1, 2), created(2, 1)]);
    const reachable = new Set<number>();
    const walk = (parent: number | null): void => {
      for (const id of childIds(store, key, parent)) {
        reachable.add(id);
        walk(id);
      }
    };
    walk(null);
    assert.deepStrictEqual([...reachable].sort(), [1, 2]);
    store.apply(key, created(3, 3)); // its own parent
    assert.ok(childIds(store, key, null).includes(3));
  });
});

function canceled(id: number, t: number): AgentMessage {
  return { type: 'canceled', id, t };
}
