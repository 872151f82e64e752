// `"observed": false` on an error nobody could see, and `errorObserved` when the program looks
// after all: the extension warns only while an error stays unseen.
import * as assert from 'node:assert';
import { AsyncInfo, listen, settled, type LifecycleMessage } from './support';

const errorOf = (messages: LifecycleMessage[]) => messages.find((m) => m.type === 'error') as { observed?: boolean } | undefined;
const types = (messages: LifecycleMessage[]) => messages.map((m) => m.type);

describe('runtime: errors nobody could see', () => {
  let log: ReturnType<typeof listen>;
  beforeEach(() => { log = listen(); });
  afterEach(() => log.stop());

  it('an op that fails with no handler, awaiter or toPromise says "observed": false', async () => {
    const op = AsyncInfo.runOperation(async () => { await settled(); throw new Error('lost'); });
    await settled();
    await settled();
    assert.strictEqual(errorOf(log.of(op.id))?.observed, false);
    assert.ok(!types(log.of(op.id)).includes('errorObserved'));
  });

  it('an awaited op, one with a completed handler and one under toPromise leave the field out', async () => {
    const fail = async () => { await settled(); throw new Error('seen'); };
    const awaited = AsyncInfo.runOperation(fail);
    const handled = AsyncInfo.runOperation(fail);
    handled.completed = () => {};
    const promised = AsyncInfo.runOperation(fail);
    await Promise.allSettled([(async () => awaited)(), AsyncInfo.toPromise(promised)]);
    await settled();
    for (const op of [awaited, handled, promised]) {
      assert.strictEqual(errorOf(log.of(op.id))?.observed, undefined, `op ${op.id}`);
      assert.ok(!types(log.of(op.id)).includes('errorObserved'));
    }
  });

  it('`await op` right after creation, for work that throws at once, follows with errorObserved in the same turn', async () => {
    const op = AsyncInfo.runOperation(() => { throw new Error('at once'); });
    await assert.rejects(async () => { await op; }, /at once/);
    assert.deepStrictEqual(types(log.of(op.id)), ['created', 'error', 'errorObserved']);
    assert.strictEqual(errorOf(log.of(op.id))?.observed, false);
  });

  it('a handler set or getResults() read later also count as looking, once', async () => {
    const a = AsyncInfo.runOperation(async () => { throw new Error('a'); });
    const b = AsyncInfo.runOperation(async () => { throw new Error('b'); });
    await settled();
    a.completed = () => {};
    assert.throws(() => b.getResults(), /b/);
    assert.throws(() => b.getResults(), /b/);
    assert.deepStrictEqual(types(log.of(a.id)), ['created', 'error', 'errorObserved']);
    assert.deepStrictEqual(types(log.of(b.id)), ['created', 'error', 'errorObserved']);
  });

  it('an op mirroring a promise is never reported unseen (its owner may watch the promise)', async () => {
    const op = AsyncInfo.fromPromise(Promise.reject(new Error('theirs')));
    await settled();
    await settled();
    assert.strictEqual(errorOf(log.of(op.id))?.observed, undefined);
  });
});
