// The registry finds an op by id at once: a debugger's Cancel All (one command per op) must not
// cost the program a walk over every op per command. Measured by how many ops a lookup looks at,
// not by time, so the test is the same on a loaded machine.
import * as assert from 'node:assert';
import { OpRegistry, type TrackedOp } from '../../../src/runtime/registry';
import { OpTable } from '../../../src/runtime/opTable';
import type { RuntimeHub } from '../../../src/runtime/hub';
import type { CommandResult } from '../../../src/protocol/hub';

/** An op that counts how often its id is read. */
class CountingOp implements TrackedOp {
  static reads = 0;
  _closed = false;
  canceled = false;
  constructor(private readonly id: number, readonly terminal: boolean) {}
  get _id(): number {
    CountingOp.reads++;
    return this.id;
  }
  _snapshot(): void {}
  _tryCancel(): CommandResult {
    this.canceled = true;
    return { ok: true };
  }
  _tryClose(): CommandResult {
    if (!this.terminal) return { ok: false, code: 'E_ILLEGAL_STATE_CHANGE', message: 'running' };
    this._closed = true;
    return { ok: true };
  }
}

function registryKeeping(retainTerminal: number): OpRegistry {
  return new OpRegistry({ settings: { retainTerminal } } as unknown as RuntimeHub, () => 0);
}

/** Id reads done by `run`. */
function readsOf(run: () => void): number {
  CountingOp.reads = 0;
  run();
  return CountingOp.reads;
}

describe('registry: commands find an op by id at once', () => {
  it('cancel and close look at a handful of ops, whether 20,000 are Started or 5,000 retained', () => {
    const registry = registryKeeping(5000);
    const started: CountingOp[] = [];
    for (let id = 1; id <= 20000; id++) {
      const op = new CountingOp(id, false);
      started.push(op);
      registry.link(op);
    }
    for (let id = 20001; id <= 25000; id++) registry.retain(new CountingOp(id, true));

    for (const id of [1, 10000, 20000]) {
      const reads = readsOf(() => assert.deepStrictEqual(registry.cancel(id), { ok: true }));
      assert.ok(reads <= 16, `cancel(${id}) read ${reads} ids`);
      assert.ok(started[id - 1].canceled);
    }
    for (const id of [20001, 22500, 25000]) {
      const reads = readsOf(() => assert.deepStrictEqual(registry.close(id), { ok: true }));
      assert.ok(reads <= 16, `close(${id}) read ${reads} ids`);
    }
    assert.strictEqual(registry.close(25000), undefined, 'a closed op is no longer found');
    assert.ok(readsOf(() => registry.cancel(99999)) <= 16, 'an unknown id is refused as fast');
  });

  it('ops kept alive at a regular stride (every 1,024th) are found as fast', () => {
    const registry = registryKeeping(0);
    for (let id = 1024; id <= 1024 * 4000; id += 1024) registry.link(new CountingOp(id, false));
    const reads = readsOf(() => registry.cancel(1024 * 3999));
    assert.ok(reads <= 16, `read ${reads} ids`);
  });
});

describe('registry: the table of Started ops', () => {
  it('agrees with a Map through 200,000 random adds and deletes, and shrinks back when emptied', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const table = new OpTable<{ _id: number }>();
    const model = new Map<number, { _id: number }>();
    const ids: number[] = [];
    let nextId = 1;
    for (let step = 0; step < 200000; step++) {
      if (ids.length === 0 || rand(100) < 55) {
        // Mostly the next id, sometimes one past 2^31 (ids are uint32).
        const item = { _id: rand(10) === 0 ? 0x80000000 + rand(0x7fffffff) : nextId++ };
        if (model.has(item._id)) continue;
        table.add(item);
        model.set(item._id, item);
        ids.push(item._id);
      } else {
        const k = rand(ids.length);
        const id = ids[k];
        ids[k] = ids[ids.length - 1];
        ids.pop();
        table.delete(model.get(id)!);
        model.delete(id);
      }
      if (step % 997 === 0) {
        assert.strictEqual(table.size, model.size);
        for (const [id, item] of model) assert.strictEqual(table.get(id), item, `id ${id} at step ${step}`);
      }
    }
    for (const item of [...model.values()]) table.delete(item);
    assert.strictEqual(table.size, 0);
    assert.strictEqual(table.get(1), undefined);
    let left = 0;
    table.forEach(() => left++);
    assert.strictEqual(left, 0);
    assert.ok((table as unknown as { slots: unknown[] }).slots.length <= 128, 'the table gave its memory back');
  });
});
