import * as assert from 'node:assert';
import type { StoreChange } from '../../../src/core/model';
import { OperationStore } from '../../../src/core/operationStore';
import { MAX_LISTED_OPS } from '../../../src/core/changeTracker';
import { applyAll, completed, created, hello } from './messages';

describe('OperationStore: coalesced change events', () => {
  let store: OperationStore;
  const key = 'p';

  beforeEach(() => {
    store = new OperationStore({ coalesceMs: 5 });
  });
  afterEach(() => store.dispose());

  function nextChange(): Promise<StoreChange> {
    return new Promise((resolve) => {
      const listener = store.onDidChange((change) => {
        listener.dispose();
        resolve(change);
      });
    });
  }

  it('many changes in one interval arrive as one event listing each changed op once', async () => {
    store.addProcess(key, hello(), 'debug');
    store.flushChanges();
    const events: StoreChange[] = [];
    store.onDidChange((change) => events.push(change));
    const change = nextChange();
    applyAll(store, key, [created(1), created(2, 1), completed(2), created(3)]);
    const first = await change;
    assert.strictEqual(events.length, 1);
    assert.deepStrictEqual(first.processes, new Set());
    assert.deepStrictEqual([...first.ops.get(key)!].sort(), [1, 2, 3]);
  });

  it('adding, changing and removing a process reports the process', async () => {
    const added = nextChange();
    store.addProcess(key, hello(), 'debug');
    assert.deepStrictEqual((await added).processes, new Set([key]));
    const paused = nextChange();
    store.setPaused(key, true);
    assert.deepStrictEqual((await paused).processes, new Set([key]));
    const removed = nextChange();
    store.removeProcess(key);
    assert.deepStrictEqual((await removed).processes, new Set([key]));
  });

  it(`more than ${MAX_LISTED_OPS} changed ops of one process: the whole process instead`, async () => {
    store.addProcess(key, hello(), 'debug');
    store.addProcess('quiet', hello(2), 'debug');
    store.flushChanges();
    const change = nextChange();
    for (let id = 1; id <= MAX_LISTED_OPS + 1; id++) store.apply(key, created(id));
    store.apply('quiet', created(1));
    const got = await change;
    assert.deepStrictEqual(got.processes, new Set([key]));
    assert.strictEqual(got.ops.has(key), false);
    assert.deepStrictEqual(got.ops.get('quiet'), new Set([1]));
  });

  it('a nested op\'s parent is listed when its children change', async () => {
    store.addProcess(key, hello(), 'debug');
    store.apply(key, created(1));
    store.flushChanges();
    const change = nextChange();
    store.apply(key, created(2, 1));
    assert.deepStrictEqual((await change).ops.get(key), new Set([1, 2]));
  });

  it('dispose stops pending events and timers', () => {
    store.addProcess(key, hello(), 'debug');
    let fired = false;
    store.onDidChange(() => (fired = true));
    store.dispose();
    store.flushChanges();
    assert.strictEqual(fired, false);
    store.apply(key, created(1));
    assert.strictEqual(store.processes().length, 0);
  });
});
