import * as assert from 'node:assert';
import { OperationStore } from '../../../src/core/operationStore';
import { TraceReplay } from '../../../src/core/traceReplay';
import type { AgentMessage } from '../../../src/protocol/messages';
import { applyAll, cancelRequested, closed, completed, created, failed, hello, progress, snapshotEnd, stateOf } from './messages';

// The state a replay gives at a moment must be the state the store reaches by reading the trace
// up to that moment: the tree then shows exactly what was pending and what had ended.
function storeState(messages: readonly AgentMessage[]): unknown {
  const store = new OperationStore({ retention: { maxFinished: Number.MAX_SAFE_INTEGER, finishedTtlMs: 0 } });
  store.addProcess('p', hello(), 'trace');
  applyAll(store, 'p', messages);
  const state = stateOf(store, 'p');
  store.dispose();
  return state;
}

describe('trace replay (state at a moment)', () => {
  const trace: AgentMessage[] = [
    created(1, null, 'download', 'operationWithProgress', 10), created(2, 1, 'part', 'operation', 20), progress(1, 10, 25),
    snapshotEnd(26), cancelRequested(2, 'client', 30), canceled(2, 40), progress(1, 50, 45), created(3, null, 'save', 'action', 50),
    failed(3, -2147467259, 'EIO', 60), completed(1, 70), closed(2, 80), closed(1, 90),
  ];
  function canceled(id: number, t: number): AgentMessage {
    return { type: 'canceled', id, t };
  }
  const lifecycle = trace.filter((m) => m.type !== 'snapshotEnd');

  it('each moment, with checkpoints every 1, 2, 3 or 4096 events, rebuilds what the store had read up to it', () => {
    for (const interval of [1, 2, 3, 4096]) {
      const replay = new TraceReplay({ messages: trace }, interval);
      assert.strictEqual(replay.count, lifecycle.length);
      for (let i = -1; i < replay.count; i++) {
        assert.deepStrictEqual(storeState(replay.stateAt(i)), storeState(lifecycle.slice(0, i + 1)), `moment ${i}, interval ${interval}`);
      }
    }
  });

  it('before the first event nothing exists; after the last, the whole trace', () => {
    const replay = new TraceReplay({ messages: trace });
    assert.deepStrictEqual(replay.stateAt(-1), []);
    assert.deepStrictEqual(storeState(replay.stateAt(replay.count - 1)), storeState(trace));
  });

  it('a moment in the middle: what was pending then is pending, what had ended has ended, later ops do not exist', () => {
    const replay = new TraceReplay({ messages: trace });
    const state = storeState(replay.stateAt(replay.indexAt(45))) as { pendingCount: number; roots: { id: number; status: string; children: { id: number; status: string }[] }[] };
    assert.strictEqual(state.pendingCount, 1);
    assert.deepStrictEqual(state.roots.map((r) => [r.id, r.status]), [[1, 'Started']]);
    assert.deepStrictEqual(state.roots[0].children.map((c) => [c.id, c.status]), [[2, 'Canceled']]);
  });

  it('times never go back (a snapshot repeats older times), and indexAt finds the last event at or before t', () => {
    const replay = new TraceReplay({ messages: [created(1, null, 'a', 'action', 100), created(2, null, 'b', 'action', 50), completed(1, 120)] });
    assert.deepStrictEqual([0, 1, 2].map((i) => replay.timeOf(i)), [100, 100, 120]);
    assert.strictEqual(replay.indexAt(99), -1);
    assert.strictEqual(replay.indexAt(100), 1);
    assert.strictEqual(replay.indexAt(119), 1);
    assert.strictEqual(replay.indexAt(1e9), 2);
    assert.strictEqual(replay.startT, 100);
    assert.strictEqual(replay.endT, 120);
  });

  it('stepping forward by the events between two moments reaches the same state as a rebuild', () => {
    const replay = new TraceReplay({ messages: trace }, 3);
    const stepped = [...replay.stateAt(2), ...replay.eventsBetween(2, 7)];
    assert.deepStrictEqual(storeState(stepped), storeState(replay.stateAt(7)));
  });

  it('100,000 ops with 400,000 events: a state in the middle costs a checkpoint and one interval, not the whole trace', () => {
    const messages: AgentMessage[] = [];
    const n = 100_000;
    for (let id = 1; id <= n; id++) messages.push(created(id, id > 1 ? Math.floor(id / 2) : null, `op${id}`, 'operationWithProgress', id * 10));
    for (let id = 1; id <= n; id++) messages.push(progress(id, id, n * 10 + id), completed(id, n * 20 + id), closed(id, n * 30 + id));
    const replay = new TraceReplay({ messages });
    // Every op is in the state with its four messages (but the last op's close, still to come).
    const late = replay.stateAt(replay.count - 2);
    assert.strictEqual(late.length, 4 * n - 1);
    assert.strictEqual(late[late.length - 1].type, 'completed');
    const early = replay.stateAt(n - 1);
    assert.strictEqual(early.length, n);
    assert.ok(early.every((m) => m.type === 'created'));
  });
});
