// What a benchmark module gives the runner: `run.ts` loads every `*.bench.js` beside it.

export interface BenchRow {
  /** What was measured, e.g. "await runOperation(async () => x), no subscriber". */
  name: string;
  /** The figure, in `unit`. */
  value: number;
  unit: string;
  /** The goal, when there is one, in the same unit; the runner prints whether it is met. */
  goal?: number;
  /** Anything a reader needs to trust the figure (baseline, rounds, spread). */
  note?: string;
}

export interface BenchModule {
  /** The area, one section of docs/benchmarks.md: "runtime", "agent", "store", ... */
  area: string;
  run(): Promise<BenchRow[]>;
}
