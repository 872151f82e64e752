// Node's own work as ops (issue 10): an HTTP request served on loopback, with the agent observing
// `http-server` and `http-client` and this process as the client reading (parsing) every event,
// against the same request in a process without the agent; and with the agent but the sources off.
// Each configuration runs in its own process, interleaved, several times; the ratios are medians
// of the per-trial ratios against the trial's own baseline.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { median } from './stats';
import { listenForAgent } from './lineClient';
import type { BenchModule, BenchRow } from './types';

const ROOT = path.resolve(__dirname, '../../..');
const AGENT = path.join(ROOT, 'dist/agent.js');
const SCENARIO = path.join(__dirname, 'nodeScenarios.js');
const TRIALS = 5;

interface Trial { ns: number; cpuNs: number; lines: number }

/** The scenario in a fresh node; with `env`, the agent preloaded and dialing a client here. */
async function trial(env: Record<string, string> | undefined): Promise<Trial> {
  const client = await listenForAgent();
  try {
    const base = { ...process.env };
    for (const name of Object.keys(base)) if (name.startsWith('ASYNCINFO_')) delete base[name];
    const args = env === undefined ? [SCENARIO] : ['--require', AGENT, SCENARIO];
    const child = spawn(process.execPath, args, {
      env: env === undefined ? base : { ...base, ASYNCINFO_CHANNEL: client.address, ...env }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`nodeScenarios exited with ${code}`);
    await client.ended(5000); // every line read, not only those read before the exit was seen
    const result = JSON.parse(out.trim().split('\n').pop()!) as { ns: number; cpuNs: number };
    return { ns: result.ns, cpuNs: result.cpuNs, lines: client.lines };
  } finally {
    client.close();
  }
}

export const bench: BenchModule = {
  area: 'agent-node',
  async run() {
    // As the extension launches a program: sites 'frame', parents 'async' (Node ops skip the site).
    const debugged = { ASYNCINFO_SITES: 'frame', ASYNCINFO_PARENTS: 'async' };
    const bare: Trial[] = [];
    const on: Trial[] = [];
    const off: Trial[] = [];
    for (let i = 0; i < TRIALS; i++) {
      bare.push(await trial(undefined));
      on.push(await trial({ ...debugged, ASYNCINFO_NODE: 'http-server,http-client' }));
      off.push(await trial({ ...debugged, ASYNCINFO_NODE: '' }));
    }
    // CPU time (user + system) of the program per request: what the agent costs it, steadier than
    // wall time on a shared machine; wall time in the note.
    const ratio = (runs: Trial[]) => median(runs.map((r, i) => r.cpuNs / bare[i].cpuNs));
    const wallRatio = (runs: Trial[]) => median(runs.map((r, i) => r.ns / bare[i].ns));
    const us = (runs: Trial[], key: 'ns' | 'cpuNs') => `${(median(runs.map((r) => r[key])) / 1000).toFixed(1)} us`;
    const rows: BenchRow[] = [
      {
        name: 'HTTP request on loopback (keep-alive), http-server + http-client observed, a client parsing every event, vs no agent (CPU time)',
        value: ratio(on), unit: 'x', goal: 1.1,
        note: `CPU ${us(on, 'cpuNs')} vs ${us(bare, 'cpuNs')} per request; wall ${us(on, 'ns')} vs ${us(bare, 'ns')} (${wallRatio(on).toFixed(2)}x); ${median(on.map((r) => r.lines))} lines parsed per trial; median of ${TRIALS} interleaved trials`,
      },
      {
        name: 'the same with the agent connected and the Node sources off (ASYNCINFO_NODE empty), vs no agent (CPU time)',
        value: ratio(off), unit: 'x', goal: 1.02,
        note: `CPU ${us(off, 'cpuNs')} vs ${us(bare, 'cpuNs')} per request; wall ${wallRatio(off).toFixed(2)}x; goal: 1.00 within noise`,
      },
    ];
    return rows;
  },
};

if (require.main === module) {
  void bench.run().then((rows) => console.table(rows));
}
