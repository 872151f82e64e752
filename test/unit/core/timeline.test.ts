import * as assert from 'node:assert';
import { OperationStore } from '../../../src/core/operationStore';
import { layoutLanes, MAX_PROGRESS_MARKS, TimelineBuilder } from '../../../src/core/timeline';
import type { LifecycleMessage } from '../../../src/protocol/messages';
import { cancelRequested, closed, completed, created, failed, hello, progress } from './messages';

const lanes = (ops: { id: number; parent: number | null; start: number }[]) => {
  const layout = layoutLanes(ops);
  return layout.ids.map((id, i) => `${'  '.repeat(layout.depths[i])}${id}`);
};

describe('timeline lanes', () => {
  it('one lane per op, each op\'s children right below it in creation order, roots in creation order', () => {
    assert.deepStrictEqual(lanes([
      { id: 1, parent: null, start: 0 }, { id: 4, parent: null, start: 5 }, { id: 2, parent: 1, start: 3 },
      { id: 3, parent: 1, start: 2 }, { id: 5, parent: 3, start: 9 },
    ]), ['1', '  3', '    5', '  2', '4']);
  });

  it('an op whose parent is unknown (dropped, or never seen) is a root; its own parent; ops in a parent cycle follow the roots', () => {
    assert.deepStrictEqual(lanes([
      { id: 2, parent: 99, start: 1 }, { id: 3, parent: 4, start: 2 }, { id: 4, parent: 3, start: 3 }, { id: 5, parent: 5, start: 4 },
    ]), ['2', '5', '3', '  4']);
  });

  it('a chain 100,000 deep lays out without recursion', () => {
    const ops = Array.from({ length: 100_000 }, (_, i) => ({ id: i + 1, parent: i === 0 ? null : i, start: i }));
    const layout = layoutLanes(ops);
    assert.strictEqual(layout.ids.length, 100_000);
    assert.strictEqual(layout.depths[99_999], 99_999);
  });
});

describe('timeline builder', () => {
  const run = (messages: LifecycleMessage[]) => {
    const builder = new TimelineBuilder();
    for (const m of messages) builder.apply(m);
    return builder;
  };

  it('bars run from creation to the end, coloured by how they ended; pending bars stay open', () => {
    const builder = run([
      created(1, null, 'a', 'action', 10), created(2, 1, 'b', 'action', 20), created(3, null, 'c', 'action', 30), created(4, null, 'd', 'action', 35),
      completed(1, 40), failed(2, -1, 'x', 50), { type: 'canceled', id: 3, t: 60 }, closed(1, 70),
    ] as LifecycleMessage[]);
    assert.deepStrictEqual(builder.all().map((op) => [op.id, op.start, op.end, op.status]), [
      [1, 10, 40, 'Completed'], [2, 20, 50, 'Error'], [3, 30, 60, 'Canceled'], [4, 35, null, 'Started'],
    ]);
    assert.strictEqual(builder.latestT, 70);
  });

  it('marks: each progress report and the first cancel request, at their times; a chatty op keeps the latest marks only', () => {
    const messages = [created(1, null, 'a', 'operationWithProgress', 0), cancelRequested(1, 'client', 7), cancelRequested(1, 'program', 9)];
    for (let i = 1; i <= 100; i++) messages.push(progress(1, i, i * 10));
    const op = run(messages as LifecycleMessage[]).all()[0];
    assert.strictEqual(op.cancelT, 7);
    assert.strictEqual(op.progressT.length, MAX_PROGRESS_MARKS);
    assert.strictEqual(op.progressT[op.progressT.length - 1], 1000);
  });

  it('hands out only what changed since last taken: new and changed ops, and the ids dropped', () => {
    const builder = run([created(1, null, 'a', 'action', 0), created(2, null, 'b', 'action', 1)] as LifecycleMessage[]);
    assert.deepStrictEqual(builder.takeChanges().upserts.map((op) => op.id), [1, 2]);
    builder.apply(completed(2, 5) as LifecycleMessage);
    builder.apply(created(1, null, 'a', 'action', 0) as LifecycleMessage); // a snapshot's repeat changes nothing
    builder.remove(1);
    const changes = builder.takeChanges();
    assert.deepStrictEqual(changes.upserts.map((op) => [op.id, op.end]), [[2, 5]]);
    assert.deepStrictEqual(changes.removed, [1]);
    assert.deepStrictEqual(builder.takeChanges(), { upserts: [], removed: [] });
  });

  it('seeded from the store for ops that existed before the timeline opened', () => {
    const store = new OperationStore();
    store.addProcess('p', hello(), 'debug');
    for (const m of [
      created(1, null, 'a', 'action', 10), cancelRequested(1, 'client', 12), { type: 'canceled', id: 1, t: 15 }, created(2, 1, 'b', 'action', 20),
      created(3, null, 'c', 'action', 30), cancelRequested(3, 'client', 35),
    ]) store.apply('p', m as LifecycleMessage);
    const builder = new TimelineBuilder();
    for (const id of [1, 2, 3]) builder.seed(store.op('p', id)!);
    // #3: canceled but its work still runs: an open bar with a cancel mark, as a trace draws it.
    assert.deepStrictEqual(builder.all().map((op) => [op.id, op.parent, op.start, op.end, op.status, op.cancelT]), [
      [1, null, 10, 15, 'Canceled', 15], [2, 1, 20, null, 'Started', null], [3, null, 30, null, 'Started', 30],
    ]);
    store.dispose();
  });
});
