// The agent's figures (issue 4): an op's full lifecycle with a client reading every event, against
// OpenTelemetry's span start+end (batch processor, discarding exporter) in the same process; the
// events per second a client process parses; the agent's memory when its client stops reading.
// This process is the client: it listens, the scenario's agent dials in, every line is parsed.
import { execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { MAX_BUFFERED_BYTES } from '../../src/agent/outbox';
import { listenForAgent } from './lineClient';
import type { BenchModule, BenchRow } from './types';

const ROOT = path.resolve(__dirname, '../../..');
const AGENT = path.join(ROOT, 'dist/agent.js');
const SCENARIOS = path.join(__dirname, 'agentScenarios.js');

interface Run<T> { result: T; lines: number; firstAt: number; lastAt: number }

/** Runs a scenario with the agent dialing this process; `pause` stops reading after the snapshot. */
async function runWithClient<T>(scenario: string | string[], env: Record<string, string>, flags: string[] = [], pause = false): Promise<Run<T>> {
  const args = typeof scenario === 'string' ? [scenario] : scenario;
  const client = await listenForAgent((message, socket) => {
    if (pause && message.type === 'snapshotEnd') socket.pause();
  });
  try {
    const child = spawn(process.execPath, [...flags, '--require', AGENT, SCENARIOS, ...args], {
      env: { ...process.env, ASYNCINFO_CHANNEL: client.address, ...env }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}`);
    // The program's exit can be seen before the client has read the kernel's last bytes: count them all.
    await client.ended(5000);
    return { result: JSON.parse(out.trim().split('\n').pop()!) as T, lines: client.lines, firstAt: client.firstAt, lastAt: client.lastAt };
  } finally {
    client.close();
  }
}

interface LifecycleResult { otelNs: number; opNs: number; ratio: number; dropped: number; events: number }

/** `siteBudget` undefined: the default budget, as the extension debugs. */
async function lifecycleRow(sites: string, siteBudget?: number): Promise<BenchRow> {
  const env: Record<string, string> = { ASYNCINFO_SITES: sites };
  if (siteBudget !== undefined) env.ASYNCINFO_SITE_BUDGET = String(siteBudget);
  const { result: r, lines } = await runWithClient<LifecycleResult>('lifecycle', env);
  const budget = sites === 'off' ? '' : siteBudget === undefined ? ' (within the default 2% budget)' : ` (siteBudget ${siteBudget}: every op's site)`;
  return {
    name: `op lifecycle (run, await, close; 3 events) with a client reading every event, sites ${sites}${budget}, parents async, vs OpenTelemetry span start+end`,
    // Issue 15's goals: at most OpenTelemetry's price as the extension debugs, half of it without sites.
    value: r.ratio, unit: 'x', goal: sites === 'off' ? 0.5 : siteBudget === undefined ? 1.0 : undefined,
    note: `op ${r.opNs.toFixed(0)} ns vs span ${r.otelNs.toFixed(0)} ns of process CPU time, batch processor, discarding exporter; ${lines} lines parsed by the client, ${r.dropped} dropped`,
  };
}

/** The runtime's share: the same loop with a no-op subscriber and no agent. */
function bareRow(sites: string): BenchRow {
  const out = execFileSync(process.execPath, [SCENARIOS, 'lifecycle-bare'], { encoding: 'utf8', env: { ...process.env, ASYNCINFO_SITES: sites } });
  const r = JSON.parse(out.trim().split('\n').pop()!) as LifecycleResult;
  return {
    name: `the same without the agent (a no-op subscriber: the runtime's share), sites ${sites}`,
    value: r.ratio, unit: 'x',
    note: `op ${r.opNs.toFixed(0)} ns vs span ${r.otelNs.toFixed(0)} ns`,
  };
}

interface SoakResult { ops: number; wallMs: number; cpuMs: number; p99Ms: number; maxMs: number; meanMs: number; rssMb: number; dropped: number; events: number }

/**
 * The soak: ops at the rate of 1,000,100 in 120 s (issue 15), for 20 s by default or the full
 * 120 s with `npm run bench -- --soak-full`; without the agent, then with it as the extension
 * debugs (sites 'frame', parents 'async') and this process reading every event.
 */
export async function soakRows(): Promise<BenchRow[]> {
  const seconds = process.env.BENCH_SOAK_FULL ? 120 : Number(process.env.BENCH_SOAK_SECONDS) || 20;
  const total = Math.round((1_000_100 / 120) * seconds);
  const args = [SCENARIOS, 'soak', String(seconds), String(total)];
  const bare = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' }).trim().split('\n').pop()!) as SoakResult;
  const { result: agent, lines } = await runWithClient<SoakResult>(args.slice(1), { ASYNCINFO_SITES: 'frame', ASYNCINFO_PARENTS: 'async' });
  const ms = (r: SoakResult) => `p99 ${r.p99Ms.toFixed(1)} ms, max ${r.maxMs.toFixed(0)} ms, CPU ${(r.cpuMs / 1000).toFixed(1)} s (${((r.cpuMs * 1e6) / r.ops).toFixed(0)} ns/op), RSS ${r.rssMb.toFixed(0)} MB`;
  return [
    {
      name: `soak: ${total.toLocaleString('en')} ops over ${seconds} s, program's p99 event-loop delay with the agent (sites frame, parents async, a client reading all) vs without`,
      value: agent.p99Ms / bare.p99Ms, unit: 'x', goal: 1.5,
      note: `with: ${ms(agent)}; without: ${ms(bare)}; ${lines} lines parsed by the client`,
    },
    {
      name: 'soak: events dropped by the agent for a client that keeps up',
      value: agent.dropped, unit: 'events', goal: 0,
      note: `${agent.events} events published; end to end CPU ${(agent.cpuMs / bare.cpuMs).toFixed(2)}x the run without the agent`,
    },
  ];
}

export const bench: BenchModule = {
  area: 'agent',
  async run() {
    const rows = [await lifecycleRow('off'), bareRow('off'), await lifecycleRow('frame'), bareRow('frame'), await lifecycleRow('frame', 100)];

    const t = await runWithClient<{ events: number; dropped: number }>('throughput', { ASYNCINFO_SITES: 'off' });
    const perSecond = t.lines / ((t.lastAt - t.firstAt) / 1000);
    rows.push({
      name: 'throughput: events per second parsed by a client process (Unix socket)',
      value: perSecond, unit: 'events/s',
      note: `goal >= 500,000; ${t.lines} lines in ${((t.lastAt - t.firstAt) / 1000).toFixed(2)} s, ${t.result.dropped} dropped by the agent (client behind)`,
    });

    const m = await runWithClient<{ heapGrowth: number; maxBufferedBytes: number; dropped: number; events: number }>('memory', {}, ['--expose-gc'], true);
    rows.push({
      name: 'memory: most text the agent held for a client that stopped reading (200,000 ops, ~800,000 events)',
      value: m.result.maxBufferedBytes / 1024, unit: 'KiB', goal: MAX_BUFFERED_BYTES / 1024,
      note: `bound MAX_BUFFERED_BYTES = ${MAX_BUFFERED_BYTES / 1024} KiB; ${m.result.dropped} of ${m.result.events} events dropped and counted; heap growth after GC ${(m.result.heapGrowth / 1024).toFixed(0)} KiB`,
    });
    rows.push(...(await soakRows()));
    return rows;
  },
};

if (require.main === module) {
  void bench.run().then((rows) => console.table(rows));
}
