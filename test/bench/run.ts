// `npm run bench`: runs every benchmark module (`*.bench.js` in this folder) and prints a table.
// `node out/test/bench/run.js runtime` runs only the modules whose area matches;
// `--soak-full` makes the agent's soak the full 120 s.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { BenchModule, BenchRow } from './types';

function format(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}

function printTable(area: string, rows: BenchRow[]): void {
  const lines = rows.map((r) => [
    r.name, `${format(r.value)} ${r.unit}`,
    r.goal === undefined ? '' : `${r.value <= r.goal ? 'meets' : 'misses'} <= ${format(r.goal)}`,
    r.note ?? '',
  ]);
  const header = ['measure', 'value', 'goal', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n## ${area}\n`);
  console.log(row(header));
  console.log(row(widths.map((w) => '-'.repeat(w))));
  for (const l of lines) console.log(row(l));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  // --soak-full: the agent's soak runs the full 120 s instead of 20 s.
  if (args.includes('--soak-full')) process.env.BENCH_SOAK_FULL = '1';
  const only = args.filter((a) => !a.startsWith('--'));
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.bench.js')).sort();
  console.log(`node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString()}`);
  let failed = false;
  for (const file of files) {
    const { bench } = require(path.join(__dirname, file)) as { bench: BenchModule };
    if (only.length && !only.includes(bench.area)) continue;
    try {
      printTable(bench.area, await bench.run());
    } catch (error) {
      failed = true;
      console.error(`${file} failed:`, error);
    }
  }
  if (failed) process.exitCode = 1;
}

void main();
