// The operation store's figures (issue 5): how many protocol events per second it applies, from
// message objects and from NDJSON text, and its heap per op with 100,000 live ops.
//   node out/test/bench/store.js                      all figures, as a table
//   node [--expose-gc] out/test/bench/store.js <scenario>   one scenario, one JSON line (used by benchStore)
import { execFileSync } from 'node:child_process';
import { OperationStore } from '../../src/core/operationStore';
import { warningsAt } from '../../src/core/warnings/evaluate';
import { warningDelays } from '../../src/core/warnings/rules';
import { encodeLine } from '../../src/protocol/codec';
import type { AgentMessage, HelloMessage, OpKind } from '../../src/protocol/messages';

const OPS = 100_000;
const ROUNDS = 5;
/** An hour into the run: op times in microseconds no longer fit a small integer, as in long sessions. */
const T0 = 3_600_000_000;
const KINDS: OpKind[] = ['action', 'operation', 'actionWithProgress', 'operationWithProgress'];

export interface StoreBenchRow { name: string; value: number; unit: string; goal?: number; note?: string }

const hello: HelloMessage = {
  type: 'hello', protocol: 1, pid: 1, ppid: 0, title: 'node', argv: ['node', 'app.js'], cwd: '/app', node: process.version,
  session: null, timeOrigin: Date.now(),
};

/** Op `id`'s created message: 50 distinct names, 200 distinct sites, as a program's few call sites make. */
function created(id: number, parent: number | null): AgentMessage {
  return {
    type: 'created', id, t: T0 + id * 3, kind: KINDS[id % 4], name: `fetchResource${id % 50}`, parent,
    site: `/home/dev/app/src/module${id % 20}.js:${(id % 10) * 17 + 3}:9`,
  };
}

/** create, complete and close of OPS ops, oldest first; every tenth op is the child of the one before. */
function lifecycleMessages(): AgentMessage[] {
  const out: AgentMessage[] = [];
  for (let id = 1; id <= OPS; id++) out.push(created(id, id % 10 === 0 ? id - 1 : null));
  for (let id = 1; id <= OPS; id++) out.push({ type: 'completed', id, t: T0 + OPS * 3 + id });
  for (let id = 1; id <= OPS; id++) out.push({ type: 'closed', id, t: T0 + OPS * 4 + id });
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function eventsPerSecond(events: number, run: () => void): number {
  run(); // warm up
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    run();
    rates.push(events / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  return median(rates);
}

function ingestObjects(): number {
  const messages = lifecycleMessages();
  return eventsPerSecond(messages.length, () => {
    const store = new OperationStore();
    store.addProcess('p', hello, 'debug');
    for (const m of messages) store.apply('p', m);
    store.dispose();
  });
}

function ingestText(): number {
  const messages = lifecycleMessages();
  const text = messages.map(encodeLine).join('');
  return eventsPerSecond(messages.length, () => {
    const store = new OperationStore();
    store.addProcess('p', hello, 'debug');
    for (let start = 0, nl = text.indexOf('\n'); nl >= 0; start = nl + 1, nl = text.indexOf('\n', start)) {
      store.apply('p', JSON.parse(text.slice(start, nl)) as AgentMessage);
    }
    store.dispose();
  });
}

/** Microseconds to fetch one page of 1,000 children deep into 100,000 of one parent. */
function pageMicros(filtered: boolean): number {
  const store = new OperationStore();
  store.addProcess('p', hello, 'debug');
  store.apply('p', created(OPS + 1, null));
  for (let id = 1; id <= OPS; id++) store.apply('p', created(id, OPS + 1));
  const filter = filtered ? { text: 'resource4' } : undefined;
  const times: number[] = [];
  for (let r = 0; r < 50; r++) {
    if (filtered) store.apply('p', { type: 'progress', id: r + 1, t: T0, value: r }); // a change: the filter runs again
    const start = process.hrtime.bigint();
    const page = filtered ? store.children('p', null, 9_000, 1000, filter) : store.children('p', OPS + 1, 90_000, 1000);
    times.push(Number(process.hrtime.bigint() - start) / 1e3);
    if (page.length !== 1000) throw new Error(`page of ${page.length}`);
  }
  store.dispose();
  return median(times);
}

type Shape = 'flat' | 'tree' | 'progress';

/** Heap bytes per op with OPS live (Started) ops; needs --expose-gc. */
function bytesPerLiveOp(shape: Shape): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const store = new OperationStore();
  store.addProcess('p', hello, 'debug');
  store.apply('p', created(OPS + 1, null)); // warm the interner and the process's structures
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let id = 1; id <= OPS; id++) {
    // tree: 1,000 roots with 99 children each
    const parent = shape === 'tree' && id % 100 !== 1 ? id - (id % 100) + 1 : null;
    store.apply('p', created(id, parent));
    if (shape === 'progress') store.apply('p', { type: 'progress', id, t: T0 + id * 3 + 1, value: id });
  }
  gc();
  gc();
  const bytes = (process.memoryUsage().heapUsed - before) / OPS;
  if (store.process('p')!.pendingCount !== OPS + 1) throw new Error('ops went missing');
  store.dispose();
  return bytes;
}

/** Ingest of 40,000 ops as one parent chain (each the child of the one before), as a ratio to
 *  the same ops all at the root: 1 when placing an op does not depend on how deep it sits. */
function deepChainRatio(): number {
  const depth = 40_000;
  const time = (parentOf: (id: number) => number | null) => median(Array.from({ length: 3 }, () => {
    const store = new OperationStore({ coalesceMs: 1_000_000 });
    store.addProcess('p', hello, 'debug');
    const start = process.hrtime.bigint();
    for (let id = 1; id <= depth; id++) store.apply('p', created(id, parentOf(id)));
    const ns = Number(process.hrtime.bigint() - start);
    store.dispose();
    return ns;
  }));
  return time((id) => (id === 1 ? null : id - 1)) / time(() => null);
}

/** A store of OPS live ops (Started, created a few µs apart an hour into the run) on a test clock. */
function liveStore(delays = warningDelays()): { store: OperationStore; at(micros: number): void } {
  const origin = 1_800_000_000_000;
  let clock = origin + T0 / 1000;
  const store = new OperationStore({ now: () => clock, coalesceMs: 1_000_000, warningDelays: delays });
  store.addProcess('p', { ...hello, timeOrigin: origin }, 'debug');
  for (let id = 1; id <= OPS; id++) store.apply('p', created(id, null));
  return { store, at: (micros) => { clock = origin + micros / 1000; } };
}

/** Microseconds one warning recheck takes with OPS live ops when `due` of them come due (the
 *  store's clock runs it a few times a second); `naive` walks every op with every rule instead. */
function recheckMicros(due: number, naive = false): number {
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    const { store, at } = liveStore();
    const lastDue = T0 + due * 3 + 60_000_000; // long-pending: 60 s after creation
    at(due === 0 ? T0 + 50_000_000 : lastDue);
    const start = process.hrtime.bigint();
    if (naive) {
      let n = 0;
      store.forEachOp('p', (op) => { n += warningsAt(op, lastDue).length; });
      if (n !== due) throw new Error(`naive walk found ${n}`);
    } else {
      store.recheckWarnings();
    }
    if (r >= 2) times.push(Number(process.hrtime.bigint() - start) / 1e3); // two rounds warm the JIT
    if (!naive && store.process('p')!.warningCount !== due) throw new Error(`${store.process('p')!.warningCount} warnings, expected ${due}`);
    store.dispose();
  }
  return median(times);
}

/** Ingest of OPS created ops with the default warnings, as a ratio to all warnings off: the
 *  median of 9 interleaved pairs (one of each, back to back, so load from elsewhere hits both). */
function warningIngestRatio(): number {
  const time = (delays: ReturnType<typeof warningDelays>) => {
    const start = process.hrtime.bigint();
    liveStore(delays).store.dispose();
    return Number(process.hrtime.bigint() - start);
  };
  const off = warningDelays({ 'cancel-ignored': 0, 'long-pending': 0, orphaned: 0, 'unobserved-error': 0, 'never-closed': 0 });
  const on = warningDelays();
  time(off); // warm up
  time(on);
  return median(Array.from({ length: 9 }, (_, i) => (i % 2 ? time(on) / time(off) : 1 / (time(off) / time(on)))));
}

function runScenario(name: string): number {
  switch (name) {
    case 'ingest-objects': return ingestObjects();
    case 'ingest-text': return ingestText();
    case 'page': return pageMicros(false);
    case 'page-filtered': return pageMicros(true);
    case 'memory-flat': return bytesPerLiveOp('flat');
    case 'memory-tree': return bytesPerLiveOp('tree');
    case 'memory-progress': return bytesPerLiveOp('progress');
    case 'deep-chain': return deepChainRatio();
    case 'recheck-none': return recheckMicros(0);
    case 'recheck-1000': return recheckMicros(1000);
    case 'recheck-naive': return recheckMicros(1000, true);
    case 'warnings-ingest': return warningIngestRatio();
    default: throw new Error(`unknown scenario ${name}`);
  }
}

/** Each scenario in a fresh node, so one's heap and JIT state do not colour another's. */
function inFreshNode(scenario: string): number {
  const out = execFileSync(process.execPath, ['--expose-gc', __filename, scenario], { encoding: 'utf8' });
  return (JSON.parse(out.trim().split('\n').pop()!) as { value: number }).value;
}

export async function benchStore(): Promise<StoreBenchRow[]> {
  const lifecycle = `${OPS.toLocaleString('en-US')} ops created, completed and closed (default retention: 10,000 finished kept)`;
  const live = `${OPS.toLocaleString('en-US')} live ops, 50 names, 200 sites`;
  return [
    { name: 'ingest: apply message objects', value: inFreshNode('ingest-objects'), unit: 'events/s', note: `${lifecycle}; median of ${ROUNDS}` },
    { name: 'ingest: parse NDJSON and apply', value: inFreshNode('ingest-text'), unit: 'events/s', note: `the same as text lines; median of ${ROUNDS}` },
    { name: 'children(): page of 1,000 at offset 90,000 of 100,000', value: inFreshNode('page'), unit: 'µs', note: 'no filter: no copy of the list' },
    { name: 'children(): the same with a text filter, after a change', value: inFreshNode('page-filtered'), unit: 'µs', note: 'a flat list: filters all 100,000 (22,000 match), offset 9,000' },
    { name: 'heap per live op, flat (all at the root)', value: inFreshNode('memory-flat'), unit: 'bytes', goal: 300, note: live },
    { name: 'heap per live op, tree (1,000 parents of 99 children)', value: inFreshNode('memory-tree'), unit: 'bytes', goal: 300, note: live },
    { name: 'heap per live op, flat, each with a number as progress', value: inFreshNode('memory-progress'), unit: 'bytes', goal: 300, note: live },
    { name: 'ingest of a parent chain 40,000 deep / the same ops flat', value: inFreshNode('deep-chain'), unit: 'x', goal: 2, note: 'placing an op does not walk its ancestors (it was quadratic: 17.7 s to open such a trace)' },
    ...warningRows(live),
  ];
}

function warningRows(live: string): StoreBenchRow[] {
  const none = inFreshNode('recheck-none');
  const some = inFreshNode('recheck-1000');
  const naive = inFreshNode('recheck-naive');
  return [
    { name: 'warnings: one recheck, nothing due', value: none, unit: 'µs', note: `${live}; deadline heaps: pops only what is due` },
    { name: 'warnings: one recheck, 1,000 come due', value: some, unit: 'µs', note: `${live}; 1,000 become long-pending` },
    { name: 'warnings: the same judged by walking every op (baseline)', value: naive, unit: 'µs', note: 'what a recheck without deadlines would cost, each time' },
    { name: 'warnings: recheck with 1,000 due / walking every op', value: some / naive, unit: 'x', goal: 0.1, note: 'a recheck costs what comes due, not the live ops' },
    { name: 'warnings: ingest with default warnings / warnings off', value: inFreshNode('warnings-ingest'), unit: 'x', goal: 1.25, note: `${OPS.toLocaleString('en-US')} created ops: each gets a long-pending deadline` },
  ];
}

if (require.main === module) {
  const scenario = process.argv[2];
  if (scenario) {
    console.log(JSON.stringify({ value: runScenario(scenario) }));
  } else {
    void benchStore().then((rows) => {
      for (const r of rows) console.log(`${r.name}: ${Math.round(r.value).toLocaleString('en-US')} ${r.unit}${r.goal ? ` (goal <= ${r.goal})` : ''}`);
    });
  }
}
