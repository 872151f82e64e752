import * as assert from 'node:assert';
import { StringInterner } from '../../../src/core/intern';

describe('StringInterner', () => {
  it('returns one shared copy per distinct string, and null and undefined as given', () => {
    const strings = new StringInterner();
    const first = strings.intern(['fetch', 'Resource'].join(''));
    assert.strictEqual(strings.intern('fetchResource'), first);
    assert.strictEqual(strings.intern(null), null);
    assert.strictEqual(strings.intern(undefined), undefined);
    assert.strictEqual(strings.size, 1);
  });

  it('stops growing at its bounds (entries and characters) but still returns every string', () => {
    const byEntries = new StringInterner(2, 1000);
    for (const s of ['a', 'b', 'c', 'd']) assert.strictEqual(byEntries.intern(s), s);
    assert.strictEqual(byEntries.size, 2);
    const byChars = new StringInterner(1000, 10);
    byChars.intern('x'.repeat(8));
    byChars.intern('y'.repeat(8));
    assert.strictEqual(byChars.size, 1);
  });
});
