// The agent's benchmark scenarios, each run by agent.bench.ts in a fresh node with the agent
// preloaded and connected to the bench process, which reads and parses every line:
//   node --require dist/agent.js agentScenarios.js lifecycle|throughput|memory
//   node agentScenarios.js lifecycle-bare   (no agent: a no-op subscriber, the runtime's share)
//   node [--require dist/agent.js] agentScenarios.js soak <seconds> <ops>   (paced ops, loop delay)
// Each prints one line of JSON.
import * as dc from 'node:diagnostics_channel';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as path from 'node:path';
import { siteBudgetOf } from '../../src/protocol/environment';
import type * as Runtime from '../../src/runtime/index';
import { median } from './stats';

const { AsyncInfo }: typeof Runtime = require(path.resolve(__dirname, '../../../dist/runtime.js'));

interface AgentStats { connections: number; batchBytes: number; bufferedBytes: number; maxBufferedBytes: number; dropped: number; events: number }
const bare = process.argv[2] === 'lifecycle-bare';
const unobserved = process.argv[2] === 'soak' && !(Symbol.for('asyncinfo.agent.v1') in globalThis);
if (bare) dc.subscribe('asyncinfo:lifecycle', () => {});
function agentStats(): AgentStats {
  const agent = (globalThis as unknown as Record<symbol, { stats(): AgentStats } | undefined>)[Symbol.for('asyncinfo.agent.v1')];
  if (agent) return agent.stats();
  if (bare || unobserved) return { connections: 1, batchBytes: 0, bufferedBytes: 0, maxBufferedBytes: 0, dropped: 0, events: 0 };
  throw new Error('the agent is not loaded');
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

/** Until the bench's client is connected (ops awaited in a loop never let the connection happen). */
async function connected(): Promise<void> {
  while (agentStats().connections === 0) await tick();
  await tick();
}

/** Until the agent has handed everything to the kernel (the client reads it meanwhile): its
 *  batch flushed, and every write done. */
async function drained(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  for (let s = agentStats(); s.batchBytes > 0 || s.bufferedBytes > 0; s = agentStats()) await tick();
}

/**
 * CPU time of this process (user + system, every thread: GC and libuv's included) over `body`, in ns
 * per iteration. CPU rather than wall time: the client and other work share the cores, and time
 * the scheduler gives them is not this program's cost.
 */
async function cpuNsPerIteration(n: number, body: (n: number) => Promise<void>): Promise<number> {
  const start = process.cpuUsage();
  await body(n);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / n;
}

async function ops(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const op = AsyncInfo.runOperation(async () => i);
    await op;
    op.close();
  }
  await drained();
}

function otelTracer(): { spans(n: number): Promise<void> } {
  // Loaded here only: a dev dependency, for this comparison alone.
  const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const discard = { export: (_spans: unknown, done: (r: { code: number }) => void) => done({ code: 0 }), shutdown: () => Promise.resolve() };
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discard)] });
  const tracer = provider.getTracer('bench');
  return {
    async spans(n: number) {
      for (let i = 0; i < n; i++) tracer.startSpan('op').end();
      await provider.forceFlush();
    },
  };
}

const ROUNDS = 15;
const PER_ROUND = 2000; // ~3 events each: well inside the agent's buffer, so nothing is dropped

/**
 * With sites on within a budget: ops flat out until one goes without a site, so the rows measure a
 * busy program's steady share and not the 200 ms of captures a full budget holds at its start
 * (the rounds below would fit inside that).
 */
async function spendSiteBurst(): Promise<void> {
  const budget = siteBudgetOf(process.env.ASYNCINFO_SITE_BUDGET);
  if ((process.env.ASYNCINFO_SITES ?? 'off') === 'off' || budget >= 100) return;
  let spent = false;
  const watch = (message: unknown) => {
    const m = message as { type: string; site?: string | null };
    if (m.type === 'created' && m.site === null) spent = true;
  };
  dc.subscribe('asyncinfo:lifecycle', watch);
  const deadline = performance.now() + 20_000;
  while (!spent && performance.now() < deadline) await ops(PER_ROUND);
  dc.unsubscribe('asyncinfo:lifecycle', watch);
  if (!spent) throw new Error('the site budget was never spent');
}

async function lifecycle(): Promise<object> {
  await connected();
  await spendSiteBurst();
  const otel = otelTracer();
  for (let i = 0; i < 5; i++) {
    await otel.spans(PER_ROUND);
    await ops(PER_ROUND);
  }
  const droppedBefore = agentStats().dropped;
  const otelNs: number[] = [];
  const opNs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    otelNs.push(await cpuNsPerIteration(PER_ROUND, otel.spans));
    opNs.push(await cpuNsPerIteration(PER_ROUND, ops));
  }
  const stats = agentStats();
  return {
    otelNs: median(otelNs), opNs: median(opNs), ratio: median(opNs.map((o, i) => o / otelNs[i])),
    dropped: stats.dropped - droppedBefore, events: stats.events,
  };
}

async function throughput(): Promise<object> {
  await connected();
  const until = performance.now() + 3000;
  while (performance.now() < until) {
    for (let i = 0; i < 2000; i++) {
      const op = AsyncInfo.runOperation(async () => i);
      await op;
      op.close();
    }
    await new Promise<void>((resolve) => setImmediate(resolve)); // let writes complete
  }
  await drained();
  const stats = agentStats();
  return { events: stats.events, dropped: stats.dropped };
}

async function memory(): Promise<object> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  const burst = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const op = AsyncInfo.runOperationWithProgress(async (_token, report: (p: unknown) => void) => {
        report({ bytes: i, text: 'payload'.repeat(10) });
        return i;
      });
      await op;
      op.close();
    }
  };
  await connected(); // the bench client stops reading once it has the snapshot
  await burst(10000);
  await tick(); // WeakRefs made in a job hold their targets until it ends
  gc();
  const before = process.memoryUsage().heapUsed;
  await burst(200000);
  await tick();
  gc();
  const stats = agentStats();
  return { heapGrowth: process.memoryUsage().heapUsed - before, maxBufferedBytes: stats.maxBufferedBytes, dropped: stats.dropped, events: stats.events };
}

/**
 * A busy program over a long run: `total` ops paced evenly over `seconds`, as a server handles
 * requests (each op awaits once inside its work, is awaited, then closed), while the event loop's
 * delay is sampled. Run with and without the agent; the bench compares p99 delay and drops.
 */
async function soak(): Promise<object> {
  const seconds = Number(process.argv[3]);
  const total = Number(process.argv[4]);
  await connected();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const one = async (i: number) => {
    const op = AsyncInfo.runOperation(async () => {
      await null;
      return i;
    });
    await op;
    op.close();
  };
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  let started = 0;
  const running: Promise<void>[] = [];
  delay.enable();
  while (started < total) {
    // Every millisecond, the ops due by now: the rate of a steady server, not a tight loop.
    const due = Math.min(total, Math.ceil(((performance.now() - start) / (end - start)) * total));
    running.length = 0;
    while (started < due) running.push(one(started++));
    await Promise.all(running);
    await tick();
  }
  delay.disable();
  const wallMs = performance.now() - start;
  await drained();
  const cpu = process.cpuUsage(cpuStart);
  const stats = agentStats();
  return {
    ops: started, wallMs, cpuMs: (cpu.user + cpu.system) / 1000,
    p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6, meanMs: delay.mean / 1e6,
    rssMb: process.memoryUsage().rss / 2 ** 20, dropped: stats.dropped, events: stats.events,
  };
}

const scenarios: Record<string, () => Promise<object>> = { lifecycle, 'lifecycle-bare': lifecycle, throughput, memory, soak };
void scenarios[process.argv[2]]().then((result) => console.log(JSON.stringify(result)));
