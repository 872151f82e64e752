// A program that sends megabytes of text per op cannot make the extension hold them: names,
// sites, messages, stacks and progress values are cut to the protocol's bounds as they arrive.
import * as assert from 'node:assert/strict';
import { MAX_NAME_CHARS, MAX_STACK_CHARS } from '../../../src/core/lifecycle';
import { OperationStore } from '../../../src/core/operationStore';
import { MAX_VALUE_CHARS } from '../../../src/protocol/codec';
import type { CreatedMessage } from '../../../src/protocol/messages';
import { applyAll, created, failed, hello, progress, snapshotEnd } from './messages';

describe('operation store: bytes per op are bounded', () => {
  it('cuts a megabyte name, site, stack, error message and progress value', () => {
    const store = new OperationStore({ coalesceMs: 0 });
    store.addProcess('p', hello(), 'debug');
    const mb = 'x'.repeat(1024 * 1024);
    const big: CreatedMessage = { ...created(1, null, mb), site: mb, stack: mb };
    applyAll(store, 'p', [snapshotEnd(), big, progress(1, { text: mb }), created(2), progress(2, mb), failed(1, -1, mb)]);
    const op = store.op('p', 1)!;
    assert.ok(op.name.length <= MAX_NAME_CHARS && op.site!.length <= MAX_NAME_CHARS && op.stack!.length <= MAX_STACK_CHARS);
    assert.ok(op.message!.length <= MAX_VALUE_CHARS);
    assert.equal(typeof op.progress, 'string', 'a megabyte object progress value kept whole');
    assert.ok(String(op.progress).length <= MAX_VALUE_CHARS);
    assert.ok(String(store.op('p', 2)!.progress).length <= MAX_VALUE_CHARS);
    // The same op repeated by a snapshot is the same op, not a new one with a reused id.
    applyAll(store, 'p', [big]);
    assert.equal(store.op('p', 1), op);
    store.dispose();
  });
});
