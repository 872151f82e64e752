// The runtime's benchmark scenarios, each run in a fresh node by runtime.bench.ts:
//   node runtimeScenarios.js lifecycle none|subscriber|subscriber-lean|subscriber-debugger|subscriber-inspector
//   node --expose-gc runtimeScenarios.js heap
import * as dc from 'node:diagnostics_channel';
import * as path from 'node:path';
import type * as Runtime from '../../src/runtime/index';
import { median, nsPerIteration } from './stats';

const runtime: typeof Runtime = require(path.resolve(__dirname, '../../../dist/runtime.js'));
const { AsyncInfo } = runtime;

const ROUNDS = 15;
const PER_ROUND = 100_000;

async function baseline(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => r(i));
}

/**
 * The floor of this design: a plain object with six fields that reacts to its work's promise
 * with two bound methods and chains awaiters on that reaction, with no registry, ids or checks.
 */
class MinimalOp {
  s = 0; id = 0; v: unknown = undefined; p: Promise<unknown>; prev = null; next = null;
  constructor(work: () => Promise<unknown>) {
    this.p = work().then(this.done.bind(this), this.failed.bind(this));
  }
  done(value: unknown): unknown { this.s = 1; this.v = value; return value; }
  failed(error: unknown): never { this.s = 3; this.v = error; throw error; }
  then(f?: (v: unknown) => unknown, r?: (e: unknown) => unknown): Promise<unknown> { return this.p.then(f, r); }
}

async function floor(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new MinimalOp(async () => i);
}

async function lifecycle(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await AsyncInfo.runOperation(async () => i);
}

export interface LifecycleResult {
  baseNs: number; opNs: number; ratio: number; floorNs?: number; floorRatio?: number; opFloorRatio?: number;
  hookedBaseNs?: number; unhookedBaseNs?: number; hookedRatio?: number; events?: number;
}

async function measureLifecycle(mode: string): Promise<LifecycleResult> {
  await baseline(PER_ROUND); // warm up both
  await lifecycle(PER_ROUND);
  if (mode === 'none') {
    // Interleaved rounds: both sides see the same machine state; the ratio is per round.
    const base: number[] = [];
    const ops: number[] = [];
    const floors: number[] = [];
    await floor(PER_ROUND);
    for (let r = 0; r < ROUNDS; r++) {
      base.push(await nsPerIteration(baseline, PER_ROUND));
      ops.push(await nsPerIteration(lifecycle, PER_ROUND));
      floors.push(await nsPerIteration(floor, PER_ROUND));
    }
    return {
      baseNs: median(base), opNs: median(ops), ratio: median(ops.map((o, i) => o / base[i])),
      floorNs: median(floors), floorRatio: median(floors.map((f, i) => f / base[i])),
      opFloorRatio: median(ops.map((o, i) => o / floors[i])),
    };
  }
  // With a subscriber the async context (AsyncLocalStorage) may switch on promise hooks, which
  // slow every promise, the baseline's too: the baseline is measured before subscribing.
  const base: number[] = [];
  for (let r = 0; r < ROUNDS; r++) base.push(await nsPerIteration(baseline, PER_ROUND));
  if (mode === 'subscriber-lean') AsyncInfo.configure({ sites: 'off', parents: 'sync' });
  // The extension's defaults: sites within the default budget; `-all`: every op's site (siteBudget 100).
  if (mode.startsWith('subscriber-debugger') || mode.startsWith('subscriber-inspector')) {
    AsyncInfo.configure({ sites: 'frame', parents: 'async', siteBudget: mode.endsWith('-all') ? 100 : undefined });
  }
  if (mode.startsWith('subscriber-inspector')) {
    // As in a VS Code debug session: an inspector open with Runtime enabled (js-debug enables it).
    const inspector = require('node:inspector') as typeof import('node:inspector');
    inspector.open(0, '127.0.0.1', false);
    const session = new inspector.Session();
    session.connect();
    session.post('Runtime.enable');
  }
  let events = 0;
  dc.subscribe(runtime.LIFECYCLE_CHANNEL, () => { events++; });
  await lifecycle(PER_ROUND);
  const ops: number[] = [];
  const hooked: number[] = [];
  const unhooked: number[] = [];
  const context = (globalThis as unknown as Record<symbol, { context(): { disable(): void } }>)[Symbol.for('asyncinfo.hub.v1')].context();
  for (let r = 0; r < ROUNDS; r++) {
    ops.push(await nsPerIteration(lifecycle, PER_ROUND));
    hooked.push(await nsPerIteration(baseline, PER_ROUND));
    // The same machine state without the async context (the next observed op turns it on again):
    // the plain-await ratio per round, not against a baseline taken minutes earlier.
    context.disable();
    unhooked.push(await nsPerIteration(baseline, PER_ROUND));
    await lifecycle(100);
  }
  return {
    baseNs: median(base), opNs: median(ops), ratio: median(ops) / median(base),
    hookedBaseNs: median(hooked), unhookedBaseNs: median(unhooked), hookedRatio: median(hooked.map((h, i) => h / unhooked[i])),
    events: events / ((ROUNDS + 1) * PER_ROUND + ROUNDS * 100),
  };
}

export interface HeapResult { bytesPerOp: number; bytesPerOpFreshWork: number; bytesPerPendingPromise: number }

async function measureHeap(): Promise<HeapResult> {
  const gc = (globalThis as unknown as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const N = 100_000;
  const gate = new Promise<void>(() => {}); // never settles: every op stays Started
  const work = () => gate;
  const perItem = (make: (i: number) => unknown) => {
    const kept: unknown[] = new Array(N).fill(null);
    gc(); gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < N; i++) kept[i] = make(i);
    gc(); gc();
    const bytes = (process.memoryUsage().heapUsed - before) / N;
    kept.fill(null);
    return bytes;
  };
  perItem(() => AsyncInfo.runAction(work)); // warm up: shapes, code
  const ops: number[] = [];
  const fresh: number[] = [];
  const promises: number[] = [];
  for (let r = 0; r < 5; r++) {
    ops.push(perItem(() => AsyncInfo.runAction(work)));
    // As programs write it: a new work closure per op, which the op keeps (it names the op).
    fresh.push(perItem((i) => AsyncInfo.runAction(() => (i < 0 ? Promise.resolve() : gate))));
    promises.push(perItem(() => new Promise(() => {})));
  }
  return { bytesPerOp: median(ops), bytesPerOpFreshWork: median(fresh), bytesPerPendingPromise: median(promises) };
}

async function main(): Promise<void> {
  const [scenario, mode = 'none'] = process.argv.slice(2);
  const result = scenario === 'heap' ? await measureHeap() : await measureLifecycle(mode);
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0); // the heap scenario's ops never settle
}

if (require.main === module) void main();
