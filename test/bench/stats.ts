// Small helpers shared by benchmark modules: medians of rounds, and scenarios run in a fresh
// `node` (own heap, own flags, no state left behind by another scenario).
import { execFileSync } from 'node:child_process';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nanoseconds per iteration of `body(n)`, which runs n iterations. */
export async function nsPerIteration(body: (n: number) => Promise<void> | void, n: number): Promise<number> {
  const start = process.hrtime.bigint();
  await body(n);
  return Number(process.hrtime.bigint() - start) / n;
}

/**
 * Runs `file` (a compiled module) in a fresh node with `flags` and `args`; it prints one line of
 * JSON on stdout, which is returned.
 */
export function runScenario<T>(file: string, args: string[], flags: string[] = []): T {
  const out = execFileSync(process.execPath, [...flags, file, ...args], { encoding: 'utf8', maxBuffer: 16 << 20 });
  const line = out.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as T;
}
