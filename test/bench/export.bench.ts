// Export Trace and `asyncinfo export` on a big trace: 100,000 ops (trees of a root and nine
// children, a tenth of them with progress, some pending), against reading the same trace alone,
// in the same process. Medians of 5 rounds; the ratio is taken per round.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeChromeTraceFile } from '../../src/core/export/chromeTrace';
import { historiesOfTrace } from '../../src/core/export/fromTrace';
import { readTrace } from '../../src/core/traceFile';
import { median } from './stats';
import type { BenchModule } from './types';

const OPS = 100_000;
const ROUNDS = 5;

function bigTrace(): string {
  const lines = [JSON.stringify({ type: 'hello', protocol: 1, pid: 1, ppid: 0, title: 'node', argv: ['node', 'big.js'], cwd: '/', node: 'v20', session: null, timeOrigin: 1.7e12 }), '{"type":"snapshotEnd","t":0}'];
  const ends: string[] = [];
  for (let id = 1; id <= OPS; id++) {
    const root = id % 10 === 1;
    const parent = root ? null : id - ((id - 1) % 10);
    const t = id * 20;
    lines.push(JSON.stringify({ type: 'created', id, t, kind: 'operationWithProgress', name: `op ${id}`, parent, site: `/app/big.js:${id % 500}:7` }));
    if (id % 10 === 5) lines.push(JSON.stringify({ type: 'progress', id, t: t + 5, value: 50 }));
    if (id % 1000 !== 7) ends.push(JSON.stringify({ type: 'completed', id, t: root ? t + 200 : t + 100 }));
    if (ends.length > 50) lines.push(ends.shift()!);
  }
  lines.push(...ends);
  return `${lines.join('\n')}\n`;
}

export const bench: BenchModule = {
  area: 'export',
  async run() {
    const dir = mkdtempSync(path.join(tmpdir(), 'asyncinfo-export-bench-'));
    try {
      const trace = path.join(dir, 'big.ndjson');
      writeFileSync(trace, bigTrace());
      const out = path.join(dir, 'big.json');
      const read: number[] = [];
      const exported: number[] = [];
      for (let r = 0; r < ROUNDS + 1; r++) {
        let start = performance.now();
        await readTrace(trace);
        const readMs = performance.now() - start;
        start = performance.now();
        await writeChromeTraceFile(out, historiesOfTrace(await readTrace(trace)));
        const exportMs = performance.now() - start;
        if (r === 0) continue; // warm-up
        read.push(readMs);
        exported.push(exportMs);
      }
      return [{
        name: `export of a ${OPS.toLocaleString('en')}-op trace to Chrome JSON (read, fold, lanes, write) vs reading the trace alone`,
        value: median(exported.map((e, i) => e / read[i])), unit: 'x', goal: 2.5,
        note: `${median(exported).toFixed(0)} ms vs ${median(read).toFixed(0)} ms, medians of ${ROUNDS} rounds`,
      }];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
