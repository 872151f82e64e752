// What the runtime publishes on diagnostics_channel `asyncinfo:lifecycle`: one message per
// transition, shaped exactly like the wire protocol's lifecycle messages.
import * as assert from 'node:assert';
import { performance } from 'node:perf_hooks';
import { KIND_CASES, started } from './fixtures';
import { AsyncInfo, deferred, lineOfCaller, listen, runtime, settled, type LifecycleMessage } from './support';

// These tests observe everything: sites are 'off' by default (they cost microseconds per op).
const observeFully = () => AsyncInfo.configure({ sites: 'frame', parents: 'async', retainTerminal: 1000 });
const nowMicros = () => performance.now() * 1000;

describe('instrumentation: lifecycle messages', () => {
  let events: ReturnType<typeof listen>;
  beforeEach(() => { observeFully(); events = listen(); });
  afterEach(() => { events.stop(); observeFully(); });

  it('is published on the channel named asyncinfo:lifecycle', () => {
    assert.strictEqual(runtime.LIFECYCLE_CHANNEL, 'asyncinfo:lifecycle');
  });

  for (const kindCase of KIND_CASES) {
    it(`created (${kindCase.kind}): id, kind, name, parent, site, integer-microsecond t`, async () => {
      const before = nowMicros();
      const f = started(kindCase);
      const after = nowMicros();
      const [created, ...rest] = events.of(f.op.id);
      assert.strictEqual(rest.length, 0);
      assert.deepStrictEqual(Object.keys(created).sort(), ['id', 'kind', 'name', 'parent', 'site', 't', 'type']);
      assert.strictEqual(created.type, 'created');
      if (created.type !== 'created') return;
      assert.strictEqual(created.kind, kindCase.kind);
      assert.strictEqual(created.parent, null);
      assert.ok(Number.isInteger(created.t) && created.t >= Math.floor(before) && created.t <= Math.ceil(after), `t ${created.t}`);
      assert.match(created.site ?? '', /^.+:\d+:\d+$/);
      f.work.resolve(1);
    });
  }

  it('name: the name option, else the work function\'s name, else the kind', () => {
    const named = AsyncInfo.runOperation(async function downloadFile() { return 1; }, { name: 'download' });
    const fromWork = AsyncInfo.runOperation(async function downloadFile() { return 1; });
    const anonymous = AsyncInfo.runActionWithProgress((() => Promise.resolve()) as never);
    const emptyOption = AsyncInfo.runAction(async function tidy() {}, { name: '' });
    const nameOf = (id: number) => (events.of(id)[0] as { name: string }).name;
    assert.deepStrictEqual(
      [nameOf(named.id), nameOf(fromWork.id), nameOf(anonymous.id), nameOf(emptyOption.id)],
      ['download', 'downloadFile', 'actionWithProgress', 'tidy']);
  });

  it('site: file:line:column of the line that called the factory', () => {
    const [op, here] = [AsyncInfo.runOperation(async () => 1), lineOfCaller()];
    const created = events.of(op.id)[0] as { site: string };
    const match = /^(.*):(\d+):(\d+)$/.exec(created.site);
    assert.ok(match, created.site);
    assert.strictEqual(match[1], here.file);
    assert.strictEqual(Number(match[2]), here.line);
    assert.ok(Number(match[3]) > 0);
  });

  it("sites 'off' publishes site null; 'async' adds the creation stack", () => {
    AsyncInfo.configure({ sites: 'off' });
    const off = AsyncInfo.runOperation(async () => 1);
    AsyncInfo.configure({ sites: 'async' });
    const withStack = AsyncInfo.runOperation(async () => 1);
    assert.strictEqual((events.of(off.id)[0] as { site: unknown }).site, null);
    const created = events.of(withStack.id)[0] as { site: string; stack?: string };
    assert.match(created.site, /:\d+:\d+$/);
    assert.ok(created.stack?.includes(__filename), created.stack);
  });

  it('parent: the op whose work created it, synchronously and across awaits; null at top level', async () => {
    const gate = deferred();
    let syncChild = 0;
    let asyncChild = 0;
    let grandChild = 0;
    const parent = AsyncInfo.runAction(async () => {
      syncChild = AsyncInfo.runAction(async () => {}).id;
      await gate.promise;
      asyncChild = AsyncInfo.runOperation(async () => {
        await null;
        grandChild = AsyncInfo.runAction(async () => {}).id;
      }).id;
    });
    gate.resolve(undefined);
    await parent;
    await settled();
    const parentOf = (id: number) => (events.of(id)[0] as { parent: number | null }).parent;
    assert.deepStrictEqual(
      [parentOf(parent.id), parentOf(syncChild), parentOf(asyncChild), parentOf(grandChild)],
      [null, parent.id, parent.id, asyncChild]);
  });

  it('parent: the innermost running work wins, also when an outer op was created observed and an inner one not', async () => {
    const gate = deferred();
    let inner = 0;
    let innermost = 0;
    const outer = AsyncInfo.runAction(async () => {
      await gate.promise;
      events.stop(); // a debugger detaches ...
      inner = AsyncInfo.runAction(async () => {
        events = listen(); // ... and attaches again while the inner work runs
        innermost = AsyncInfo.runAction(async () => {}).id;
      }).id;
    });
    gate.resolve(undefined);
    await outer;
    assert.strictEqual((events.of(innermost)[0] as { parent: number | null }).parent, inner);
    assert.ok(inner !== outer.id);
  });

  it("parents 'sync' finds parents only in the work's synchronous part", async () => {
    AsyncInfo.configure({ parents: 'sync' });
    let syncChild = 0;
    let asyncChild = 0;
    const parent = AsyncInfo.runAction(async () => {
      syncChild = AsyncInfo.runAction(async () => {}).id;
      await null;
      asyncChild = AsyncInfo.runAction(async () => {}).id;
    });
    await parent;
    const parentOf = (id: number) => (events.of(id)[0] as { parent: number | null }).parent;
    assert.deepStrictEqual([parentOf(syncChild), parentOf(asyncChild)], [parent.id, null]);
  });

  it('progress: id, t, value, for each delivered report', async () => {
    const f = started(KIND_CASES[3]);
    f.report({ bytes: 1 });
    f.report({ bytes: 2 });
    f.op.cancel();
    f.report({ bytes: 3 }); // not delivered once cancel was requested
    const progress = events.of(f.op.id).filter((m) => m.type === 'progress');
    assert.deepStrictEqual(progress.map((m) => ({ ...m, t: 0 })), [
      { type: 'progress', id: f.op.id, t: 0, value: { bytes: 1 } },
      { type: 'progress', id: f.op.id, t: 0, value: { bytes: 2 } },
    ]);
    f.work.resolve(1);
  });

  it('cancelRequested (source program) then canceled once the work ends, then closed', async () => {
    const f = started(KIND_CASES[1]);
    const id = f.op.id;
    f.op.cancel();
    f.op.cancel();
    f.work.resolve(1);
    await settled();
    f.op.close();
    f.op.close();
    assertSequence(events.of(id), [
      { type: 'created' },
      { type: 'cancelRequested', source: 'program' },
      { type: 'canceled' },
      { type: 'closed' },
    ]);
  });

  it('completed, then closed', async () => {
    const op = AsyncInfo.runOperation(async () => 1);
    const id = op.id;
    await op;
    op.close();
    assertSequence(events.of(id), [{ type: 'created' }, { type: 'completed' }, { type: 'closed' }]);
  });

  it('error carries errorCode and message', async () => {
    const op = AsyncInfo.runAction(async () => { throw Object.assign(new Error('disk full'), { number: 0x80070070 | 0 }); });
    await Promise.resolve(op).catch(() => {});
    const sync = AsyncInfo.runAction(() => { throw 'plain string'; });
    // Both failed before anyone could look; the first is awaited a tick later, which the program says.
    assertSequence(events.of(op.id), [{ type: 'created' }, { type: 'error', errorCode: 0x80070070 | 0, message: 'disk full', observed: false }, { type: 'errorObserved' }]);
    assertSequence(events.of(sync.id), [{ type: 'created' }, { type: 'error', errorCode: 0x80004005 | 0, message: 'plain string', observed: false }]);
  });

  it('closing a canceled op whose work still runs: canceled, then closed, then nothing', async () => {
    const f = started(KIND_CASES[2]);
    const id = f.op.id;
    f.op.cancel();
    f.op.close();
    f.report(1);
    f.work.resolve(undefined);
    await settled();
    assertSequence(events.of(id), [
      { type: 'created' }, { type: 'cancelRequested' }, { type: 'canceled' }, { type: 'closed' },
    ]);
  });

  it('exactly one terminal message per op, always before closed; t never goes back', async () => {
    const ops = [];
    for (const kindCase of KIND_CASES) {
      for (const end of ['resolve', 'reject', 'cancel', 'cancelThenReject'] as const) {
        const f = started(kindCase);
        if (end === 'resolve') f.work.resolve(1);
        if (end === 'reject') f.work.reject(new Error('x'));
        if (end.startsWith('cancel')) f.op.cancel();
        if (end === 'cancelThenReject') f.work.reject(new Error('x'));
        if (end === 'cancel') f.work.resolve(1);
        ops.push(f.op);
      }
    }
    await settled();
    const ids = ops.map((op) => op.id);
    for (const op of ops) op.close();
    for (const id of ids) {
      const messages = events.of(id);
      const types = messages.map((m) => m.type);
      const terminals = types.filter((t) => t === 'completed' || t === 'canceled' || t === 'error');
      assert.strictEqual(terminals.length, 1, types.join());
      assert.strictEqual(types.at(-1), 'closed');
      assert.strictEqual(types[0], 'created');
      for (let i = 1; i < messages.length; i++) assert.ok(messages[i].t >= messages[i - 1].t);
    }
  });
});

describe('instrumentation: nothing is published while nobody listens', () => {
  it('an op that lives and dies unobserved publishes nothing, and a later subscriber sees nothing of it', async () => {
    const op = AsyncInfo.runOperation(async () => 1);
    await op;
    const events = listen();
    op.close();
    events.stop();
    assert.deepStrictEqual(events.messages, []);
  });
});

/** Every message has id and integer t; `expected` gives the type and any fields to compare. */
function assertSequence(messages: LifecycleMessage[], expected: Record<string, unknown>[]): void {
  assert.deepStrictEqual(messages.map((m) => m.type), expected.map((e) => e.type));
  messages.forEach((m, i) => {
    assert.ok(Number.isInteger(m.t), `t of ${m.type}`);
    for (const [key, value] of Object.entries(expected[i])) assert.deepStrictEqual((m as unknown as Record<string, unknown>)[key], value, `${m.type}.${key}`);
  });
}
