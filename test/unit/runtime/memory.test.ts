// "close() drops references" and "what the runtime keeps never keeps the program's memory
// hostage": checked with WeakRefs and a real garbage collector, each in a fresh `node --expose-gc`.
import * as assert from 'node:assert';
import { runInChild } from './support';

const GC = { flags: ['--expose-gc'] };

describe('contract: memory', () => {
  it('a closed op pins nothing: not its result, handlers or work', async () => {
    const alive = await runInChild(async (rt) => {
      const gc = (globalThis as unknown as { gc(): void }).gc;
      const collect = async () => { for (let i = 0; i < 6; i++) { await new Promise((r) => setImmediate(r)); gc(); } };
      const refs: Record<string, WeakRef<object>> = {};
      const ops: unknown[] = [];
      // A function of its own: a suspended async frame may keep stale registers alive.
      const make = async () => {
        const result = { big: new Array(1000).fill(1) };
        const work = async () => result;
        const handler = () => {};
        const onProgress = () => {};
        const error = new Error('failed');
        refs.result = new WeakRef(result);
        refs.work = new WeakRef(work);
        refs.handler = new WeakRef(handler);
        refs.progressHandler = new WeakRef(onProgress);
        refs.error = new WeakRef(error);
        const completed = rt.AsyncInfo.runOperationWithProgress<object, number>(work);
        completed.completed = handler;
        completed.progress = onProgress;
        const failed = rt.AsyncInfo.runOperation(async () => { throw error; });
        await completed;
        await Promise.resolve(failed).catch(() => {});
        completed.close();
        failed.close();
        ops.push(completed, failed); // the program keeps the closed ops
      };
      await make();
      await collect();
      return Object.entries(refs).filter(([, ref]) => ref.deref() !== undefined).map(([name]) => name).concat(ops.length ? [] : ['?']);
    }, GC);
    assert.deepStrictEqual(alive, []);
  });

  for (const listening of [false, true]) {
    it(`a terminal op the program dropped is collected, closed or not${listening ? ', while a subscriber listens and it sits in the retained ring' : ''}`, async () => {
      const alive = await runInChild(async (rt) => {
        const gc = (globalThis as unknown as { gc(): void }).gc;
        const collect = async () => { for (let i = 0; i < 6; i++) { await new Promise((r) => setImmediate(r)); gc(); } };
        const dc: typeof import('node:diagnostics_channel') = require('node:diagnostics_channel');
        const seen: unknown[] = [];
        if (process.env.LISTEN === '1') dc.subscribe(rt.LIFECYCLE_CHANNEL, (m) => { seen.push(m); });
        const refs: Record<string, WeakRef<object>> = {};
        const ids: number[] = [];
        const make = async () => {
          const completedOp = rt.AsyncInfo.runOperation(async () => ({ big: new Array(1000).fill(1) }));
          const failedOp = rt.AsyncInfo.runAction(async () => { throw new Error('x'); });
          const closedOp = rt.AsyncInfo.runOperation(async () => 1);
          const canceledOp = rt.AsyncInfo.runAction(async () => {});
          canceledOp.cancel();
          await completedOp;
          await Promise.resolve(failedOp).catch(() => {});
          await closedOp;
          await Promise.resolve(canceledOp).catch(() => {});
          closedOp.close();
          for (const [name, op] of Object.entries({ completedOp, failedOp, closedOp, canceledOp })) {
            refs[name] = new WeakRef(op);
            if (name !== 'closedOp') ids.push(op.id);
          }
        };
        await make();
        const hub = (globalThis as unknown as Record<symbol, { snapshot(): { id: number; type: string }[] }>)[Symbol.for(rt.HUB_KEY)];
        // While alive, a listening debugger's snapshot still shows them (the ring is doing its job).
        const inSnapshot = hub.snapshot().filter((m) => m.type === 'created' && ids.includes(m.id)).length;
        await collect();
        return {
          alive: Object.entries(refs).filter(([, ref]) => ref.deref() !== undefined).map(([name]) => name),
          inSnapshot,
          afterGc: hub.snapshot().length,
          events: seen.length,
        };
      }, { ...GC, env: { LISTEN: listening ? '1' : '0' } });
      assert.deepStrictEqual(alive.alive, []);
      assert.strictEqual(alive.inSnapshot, listening ? 3 : 0);
      assert.strictEqual(alive.afterGc, 0);
      assert.ok(listening ? alive.events > 0 : alive.events === 0);
    });
  }

  it('a Started op is tracked while its work runs, and released once it ends', async () => {
    const result = await runInChild(async (rt) => {
      const gc = (globalThis as unknown as { gc(): void }).gc;
      const collect = async () => { for (let i = 0; i < 6; i++) { await new Promise((r) => setImmediate(r)); gc(); } };
      let finish!: () => void;
      const make = () => {
        const gate = new Promise<void>((r) => { finish = r; });
        return new WeakRef(rt.AsyncInfo.runAction(() => gate));
      };
      const ref = make();
      await collect();
      const trackedWhileRunning = ref.deref() !== undefined;
      finish();
      await collect();
      return { trackedWhileRunning, releasedAfter: ref.deref() === undefined };
    }, GC);
    assert.deepStrictEqual(result, { trackedWhileRunning: true, releasedAfter: true });
  });
});

describe('contract: retained terminal ops are bounded', () => {
  it('by default the 1,000 newest, even when the program keeps them all', async () => {
    const result = await runInChild(async (rt) => {
      const dc: typeof import('node:diagnostics_channel') = require('node:diagnostics_channel');
      dc.subscribe(rt.LIFECYCLE_CHANNEL, () => {});
      const ops = [];
      for (let i = 0; i < 1100; i++) ops.push(rt.AsyncInfo.runOperation(async () => i));
      for (const op of ops) await op;
      const hub = (globalThis as unknown as Record<symbol, { snapshot(): { id: number; type: string }[] }>)[Symbol.for(rt.HUB_KEY)];
      const terminalIds = hub.snapshot().filter((m) => m.type === 'completed').map((m) => m.id);
      const expected = ops.slice(100).map((op) => op.id);
      return { count: terminalIds.length, newest: JSON.stringify(terminalIds) === JSON.stringify(expected) };
    });
    assert.deepStrictEqual(result, { count: 1000, newest: true });
  });

  it('ASYNCINFO_RETAIN and AsyncInfo.configure({ retainTerminal }) set the bound; lowering it keeps the newest', async () => {
    const result = await runInChild(async (rt) => {
      const dc: typeof import('node:diagnostics_channel') = require('node:diagnostics_channel');
      dc.subscribe(rt.LIFECYCLE_CHANNEL, () => {});
      const hub = (globalThis as unknown as Record<symbol, { snapshot(): { id: number; type: string }[] }>)[Symbol.for(rt.HUB_KEY)];
      const retainedIds = () => hub.snapshot().filter((m) => m.type === 'completed').map((m) => m.id);
      const ops: { id: number }[] = [];
      const runSome = async (n: number) => {
        const batch = [];
        for (let i = 0; i < n; i++) batch.push(rt.AsyncInfo.runOperation(async () => i));
        for (const op of batch) await op;
        ops.push(...batch);
      };
      await runSome(7); // the ring (5, from the environment) wraps
      const fromEnv = retainedIds();
      rt.AsyncInfo.configure({ retainTerminal: 3 });
      const lowered = retainedIds();
      await runSome(1);
      const afterOneMore = retainedIds();
      rt.AsyncInfo.configure({ retainTerminal: 4 });
      await runSome(2);
      const raised = retainedIds();
      rt.AsyncInfo.configure({ retainTerminal: 0 });
      await runSome(1);
      const none = retainedIds();
      const idsOf = (from: number, to: number) => ops.slice(from, to).map((op) => op.id);
      return {
        fromEnv: JSON.stringify(fromEnv) === JSON.stringify(idsOf(2, 7)),
        lowered: JSON.stringify(lowered) === JSON.stringify(idsOf(4, 7)),
        afterOneMore: JSON.stringify(afterOneMore) === JSON.stringify(idsOf(5, 8)),
        raised: JSON.stringify(raised) === JSON.stringify(idsOf(6, 10)),
        none: none.length,
      };
    }, { env: { ASYNCINFO_RETAIN: '5' } });
    assert.deepStrictEqual(result, { fromEnv: true, lowered: true, afterOneMore: true, raised: true, none: 0 });
  });

  it('ops that end while nobody listens are not retained', async () => {
    const count = await runInChild(async (rt) => {
      await rt.AsyncInfo.runOperation(async () => 1);
      const hub = (globalThis as unknown as Record<symbol, { snapshot(): unknown[] }>)[Symbol.for(rt.HUB_KEY)];
      return hub.snapshot().length;
    });
    assert.strictEqual(count, 0);
  });
});
