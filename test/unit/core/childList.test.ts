import * as assert from 'node:assert';
import { ChildList } from '../../../src/core/childList';
import { OpRecord } from '../../../src/core/opRecord';

describe('ChildList', () => {
  const record = (seq: number) => new OpRecord(seq, seq, 'operation', 'op', null, null, 0);

  it('matches a sorted array under random adds, bulk adds and removes', () => {
    let seed = 42;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const list = new ChildList();
    const reference: OpRecord[] = [];
    const pool = Array.from({ length: 5000 }, (_, i) => record(i));
    const absent = new Set(pool);
    for (let step = 0; step < 6000; step++) {
      const action = random(10);
      if (action < 6 && absent.size > 0) {
        const r = pool[random(pool.length)];
        if (!absent.has(r)) continue;
        absent.delete(r);
        list.add(r);
        reference.push(r);
      } else if (action < 7) {
        const batch = [...absent].filter(() => random(20) === 0).slice(0, 200);
        for (const r of batch) absent.delete(r);
        list.addAll(batch);
        reference.push(...batch);
      } else if (reference.length > 0) {
        const r = reference[random(reference.length)];
        assert.ok(list.remove(r));
        reference.splice(reference.indexOf(r), 1);
        absent.add(r);
      }
    }
    reference.sort((a, b) => a.seq - b.seq);
    assert.strictEqual(list.size, reference.length);
    assert.deepStrictEqual(list.toArray(), reference);
    assert.deepStrictEqual(list.page(1234, 700), reference.slice(1234, 1934));
    assert.strictEqual(list.remove(record(99_999)), false);
  });
});
