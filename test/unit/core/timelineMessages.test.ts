// The timeline's webview is a web page: what it sends is input, and what it is sent is checked
// there too. Each side keeps what matches the contract and drops anything else whole.
import * as assert from 'node:assert/strict';
import { parseFromWebview, parseToWebview } from '../../../src/core/timelineMessages';

describe('timeline messages', () => {
  it('from the webview: the known commands with fields of the right types, nothing else', () => {
    assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromWebview({ type: 'reveal', key: 'k', id: 7, extra: 'ignored' }), { type: 'reveal', key: 'k', id: 7 });
    assert.deepEqual(parseFromWebview({ type: 'seek', key: 'k', t: 12.5 }), { type: 'seek', key: 'k', t: 12.5 });
    assert.deepEqual(parseFromWebview({ type: 'step', key: 'k', delta: -1 }), { type: 'step', key: 'k', delta: -1 });
    for (const bad of [
      null, 'ready', [], { type: 'eval', code: '1' }, { type: 'reveal', key: 'k', id: '7' }, { type: 'reveal', key: 'k', id: 0 },
      { type: 'reveal', key: 'k', id: 1.5 }, { type: 'seek', key: 'k', t: Infinity }, { type: 'seek', key: 'k', t: NaN },
      { type: 'step', key: 'k', delta: 2 }, { type: 'pick', key: 5 }, { type: 'pick', key: 'x'.repeat(5000) }, { type: '__proto__' },
    ]) assert.equal(parseFromWebview(bad), undefined, JSON.stringify(bad));
  });

  it('to the webview: ops batches are checked op by op; one bad op refuses the batch', () => {
    const op = { id: 1, parent: null, name: 'a', start: 0, end: null, status: 'Started', cancelT: null, progressT: [1, 2], site: null };
    const batch = { type: 'ops', key: 'k', upserts: [op], removed: [3], latestT: 5, live: true };
    assert.deepEqual(parseToWebview(batch), batch);
    for (const bad of [
      { ...op, status: 'Running' }, { ...op, id: -1 }, { ...op, progressT: ['1'] }, { ...op, end: '2' }, { ...op, name: 7 }, { ...op, parent: 'x' },
    ]) assert.equal(parseToWebview({ ...batch, upserts: [op, bad] }), undefined, JSON.stringify(bad));
    assert.equal(parseToWebview({ ...batch, removed: ['3'] }), undefined);
    assert.deepEqual(parseToWebview({ type: 'cursor', key: 'k', cursor: { t: null, index: 4, count: 5, label: 'the whole trace' } }),
      { type: 'cursor', key: 'k', cursor: { t: null, index: 4, count: 5, label: 'the whole trace' } });
    assert.equal(parseToWebview({ type: 'cursor', key: 'k', cursor: { t: 1, index: 0.5, count: 5, label: '' } }), undefined);
    assert.equal(parseToWebview({ type: 'processes', items: [{ key: 'k' }], selected: null }), undefined);
  });
});
