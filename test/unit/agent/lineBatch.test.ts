// The agent writes event lines as bytes from their fields; a client must get exactly the bytes of
// the protocol's encoder (a trace file and a live stream are the same format), for every message,
// whichever path writes it, and across chunk boundaries.
import * as assert from 'assert';
import { LineBatch } from '../../../src/agent/lineBatch';
import { encodeLine } from '../../../src/protocol/codec';
import type { AgentMessage } from '../../../src/protocol/messages';

const expected = (messages: AgentMessage[]): Buffer => Buffer.from(messages.map(encodeLine).join(''), 'utf8');

const numbers = [0, -0, 7, 10, 99, 100, 99_999_999, 1e8, 1e8 + 1, 1_234_567_800_000_001, 1e15 + 7, 4294967295, 4294967296, 2 ** 53 - 1, 2 ** 53, 1e21, 12.5, -3, 0.1 + 0.2, 1e-7];
const names = ['', 'fetchUser', 'é ü 漢字 🎉', 'quote " backslash \\ newline \n tab \t', '\u0000\u001f\u007f', '\ud800 lone', 'x'.repeat(600)];

function cases(): AgentMessage[] {
  const out: AgentMessage[] = [];
  for (const n of numbers) {
    out.push({ type: 'completed', id: n, t: n }, { type: 'canceled', id: 1, t: n }, { type: 'closed', id: n, t: 5 });
    out.push({ type: 'created', id: n, t: n, kind: 'operation', name: 'op', parent: n, site: null });
  }
  for (const name of names) {
    for (const kind of ['action', 'operation', 'actionWithProgress', 'operationWithProgress'] as const) {
      out.push({ type: 'created', id: 3, t: 4, kind, name, parent: null, site: `/src/${name}.js:1:2` });
    }
  }
  // Not the fast path: other fields, or fields of other types; each must come out as encodeLine writes it.
  out.push(
    { type: 'created', id: 1, t: 2, kind: 'action', name: 'n', parent: null, site: null, stack: 'at x (/a.js:1:1)' } as AgentMessage,
    { type: 'created', id: 1, t: 2, kind: 'action', name: 'n', parent: null, site: null, source: 'node', attributes: { url: 'http://h/é' } },
    { type: 'completed', id: 1, t: 2, attributes: { status: 200 } },
    { type: 'completed', id: NaN, t: 2 },
    { type: 'progress', id: 1, t: 2, value: { done: 3, of: 'ü' } },
    { type: 'error', id: 1, t: 2, errorCode: -2147467259, message: 'boom ✗', observed: false },
    { type: 'cancelRequested', id: 1, t: 2, source: 'client' },
  );
  return out;
}

describe('agent line batch', () => {
  it('writes every message exactly as encodeLine does', () => {
    const batch = new LineBatch();
    const messages = cases();
    for (const m of messages) batch.add(m);
    assert.strictEqual(batch.count, messages.length);
    const bytes = batch.take();
    assert.strictEqual(bytes.toString('utf8'), expected(messages).toString('utf8'));
    assert.ok(bytes.equals(expected(messages)));
    assert.strictEqual(batch.length, 0);
    assert.strictEqual(batch.count, 0);
  });

  it('keeps taken bytes intact while later batches fill and overflow the chunk', () => {
    const batch = new LineBatch();
    const taken: Buffer[] = [];
    const all: AgentMessage[] = [];
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 500; i++) {
        const id = round * 1000 + i;
        const m: AgentMessage = i % 50 === 0
          ? { type: 'progress', id, t: id, value: 'p'.repeat(3000) } // long lines force new chunks mid-batch
          : { type: 'created', id, t: id * 3, kind: 'action', name: `name${i % 7}`, parent: null, site: null };
        batch.add(m);
        all.push(m);
      }
      const length = batch.length;
      taken.push(batch.take());
      assert.strictEqual(taken[taken.length - 1].length, length);
    }
    assert.ok(Buffer.concat(taken).equals(expected(all)));
  });

  it('takes a line longer than a chunk whole', () => {
    const batch = new LineBatch();
    const big: AgentMessage = { type: 'created', id: 1, t: 2, kind: 'action', name: 'n'.repeat(300_000), parent: null, site: null };
    const small: AgentMessage = { type: 'closed', id: 1, t: 3 };
    batch.add(small);
    batch.add(big);
    batch.add(small);
    assert.strictEqual(batch.length, expected([small, big, small]).length);
    assert.ok(batch.take().equals(expected([small, big, small])));
  });

  it('adds nothing for a message encodeLine refuses', () => {
    const batch = new LineBatch();
    const cyclic: Record<string, unknown> = { type: 'hello' };
    cyclic.self = cyclic;
    assert.throws(() => batch.add(cyclic as unknown as AgentMessage));
    assert.strictEqual(batch.length, 0);
    assert.strictEqual(batch.count, 0);
  });
});
