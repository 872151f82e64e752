// The agent's memory stays bounded whatever the program's pending work: past MAX_LIVE_NODE_OPS
// Started Node ops, new work goes unobserved and is counted; finished ones are kept up to the
// retention setting only.
import * as assert from 'assert';
import { MAX_LIVE_NODE_OPS, NodeOp, nodeOpCounts, roomForNodeOp } from '../../../src/agent/node/nodeOp';
import { getHub } from '../../../src/runtime/hub';

describe('Node ops: bounds', () => {
  it('follows at most MAX_LIVE_NODE_OPS Started ops, counts the rest, and keeps only the newest finished ones', () => {
    const before = nodeOpCounts();
    const made: NodeOp[] = [];
    try {
      while (roomForNodeOp()) {
        made.push(new NodeOp({ source: 'node:timers', name: 'setTimeout 1000ms', attributes: { delay: 1000 }, cancel: () => true }));
      }
      assert.strictEqual(nodeOpCounts().live, MAX_LIVE_NODE_OPS);
      assert.strictEqual(nodeOpCounts().unobserved, before.unobserved + 1);
      assert.strictEqual(roomForNodeOp(), false);
      assert.strictEqual(nodeOpCounts().unobserved, before.unobserved + 2);
      made.pop()!.completed();
      assert.strictEqual(roomForNodeOp(), true, 'room again once one ends');
    } finally {
      for (const op of made) op.completed();
    }
    assert.strictEqual(nodeOpCounts().live, before.live);
    const finished = getHub().snapshot().filter((m) => m.type === 'completed' && made.some((op) => op.id === m.id));
    assert.strictEqual(finished.length, getHub().settings.retainTerminal, 'the newest finished ones only');
    for (const op of made.slice(-getHub().settings.retainTerminal - 1)) op.tryClose(); // leave the hub as it was
  });
});
