// Ops of other sources against a runtime op, interleaved in one process (runtime.bench.ts runs it):
//   node foreignScenarios.js lifecycle      observed and promise ops vs runtime ops, no subscriber
//   node --expose-gc foreignScenarios.js heap   heap per live op of each source
import * as path from 'node:path';
import type * as Runtime from '../../src/runtime/index';
import { median, nsPerIteration } from './stats';

const runtime: typeof Runtime = require(path.resolve(__dirname, '../../../dist/runtime.js'));
const { AsyncInfo } = runtime;

const ROUNDS = 15;
const PER_ROUND = 100_000;

/** The least a projection's IAsyncInfo can be: a set-once handler slot, fired by finish(). */
class BareForeignOp {
  id = 1; status = 0; errorCode = 0;
  private handler: ((op: BareForeignOp, status: number) => void) | null = null;
  private result: unknown;
  get completed() { return this.handler; }
  set completed(h) { this.handler = h; }
  cancel(): void {}
  close(): void {}
  getResults(): unknown { return this.result; }
  finish(value: unknown): void { this.status = 1; this.result = value; this.handler?.(this, 1); }
}

async function runtimeOps(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await AsyncInfo.runOperation(async () => i);
}

async function promiseOps(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await AsyncInfo.fromPromise(Promise.resolve(i));
}

async function observedOps(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const foreign = new BareForeignOp();
    const op = AsyncInfo.observe(foreign);
    foreign.finish(i);
    await op;
  }
}

/** The foreign op's own share of observedOps: made, handler set, finished, no shim. */
async function foreignOnly(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const foreign = new BareForeignOp();
    foreign.completed = () => {};
    foreign.finish(i);
    await undefined;
  }
}

export interface ForeignLifecycleResult {
  runtimeNs: number; promiseNs: number; observedNs: number; foreignNs: number; promiseRatio: number; observedRatio: number;
}

async function measureLifecycle(): Promise<ForeignLifecycleResult> {
  for (const warm of [runtimeOps, promiseOps, observedOps, foreignOnly]) await warm(PER_ROUND);
  const runtimeRounds: number[] = [];
  const promiseRounds: number[] = [];
  const observedRounds: number[] = [];
  const foreignRounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    runtimeRounds.push(await nsPerIteration(runtimeOps, PER_ROUND));
    promiseRounds.push(await nsPerIteration(promiseOps, PER_ROUND));
    observedRounds.push(await nsPerIteration(observedOps, PER_ROUND));
    foreignRounds.push(await nsPerIteration(foreignOnly, PER_ROUND));
  }
  return {
    runtimeNs: median(runtimeRounds), promiseNs: median(promiseRounds), observedNs: median(observedRounds),
    foreignNs: median(foreignRounds),
    promiseRatio: median(promiseRounds.map((p, i) => p / runtimeRounds[i])),
    observedRatio: median(observedRounds.map((o, i) => o / runtimeRounds[i])),
  };
}

export interface ForeignHeapResult { runtimeBytes: number; promiseBytes: number; observedBytes: number; foreignBytes: number }

async function measureHeap(): Promise<ForeignHeapResult> {
  const gc = (globalThis as unknown as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const N = 50_000;
  const gate = new Promise<void>(() => {}); // never settles: every op stays Started
  const perItem = (make: () => unknown) => {
    const kept: unknown[] = new Array(N).fill(null);
    gc(); gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < N; i++) kept[i] = make();
    gc(); gc();
    const bytes = (process.memoryUsage().heapUsed - before) / N;
    kept.fill(null);
    return bytes;
  };
  const makers = {
    runtimeBytes: () => AsyncInfo.runAction(() => gate),
    promiseBytes: () => AsyncInfo.fromPromise(gate),
    observedBytes: () => AsyncInfo.observe(new BareForeignOp()),
    foreignBytes: () => new BareForeignOp(),
  };
  for (const make of Object.values(makers)) perItem(make); // warm up: shapes, code
  const result = {} as ForeignHeapResult;
  for (const [key, make] of Object.entries(makers)) {
    const rounds: number[] = [];
    for (let r = 0; r < 5; r++) rounds.push(perItem(make));
    result[key as keyof ForeignHeapResult] = median(rounds);
  }
  return result;
}

async function main(): Promise<void> {
  const result = process.argv[2] === 'heap' ? await measureHeap() : await measureLifecycle();
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0); // the heap scenario's ops never settle
}

if (require.main === module) void main();
