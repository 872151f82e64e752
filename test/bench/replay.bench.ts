// Replay (issue 12): what moving the time cursor costs. A moment's state comes from the nearest
// checkpoint plus the events after it; the baseline, measured in the same run, is reading the
// trace from its start up to that moment into a store, which is what a replay without
// checkpoints would do for each step. Ratios below 1 are faster than the baseline.
import { OperationStore } from '../../src/core/operationStore';
import { TraceReplay } from '../../src/core/traceReplay';
import type { AgentMessage, HelloMessage } from '../../src/protocol/messages';
import { median } from './stats';
import type { BenchModule, BenchRow } from './types';

const ROUNDS = 5;
const hello: HelloMessage = { type: 'hello', protocol: 1, pid: 1, ppid: 0, title: 'node', argv: ['node', 'app.js'], cwd: '/app', node: process.version, session: null, timeOrigin: Date.now() };

/** `ops` ops, each reporting progress `reports` times, then completed and closed. */
function trace(ops: number, reports: number): AgentMessage[] {
  const out: AgentMessage[] = [];
  let t = 0;
  for (let id = 1; id <= ops; id++) out.push({ type: 'created', id, t: ++t, kind: 'operationWithProgress', name: `work${id % 50}`, parent: id > 10 ? Math.floor(id / 10) : null, site: `/app/src/m${id % 20}.js:${id % 90}:3` });
  for (let r = 0; r < reports; r++) for (let id = 1; id <= ops; id++) out.push({ type: 'progress', id, t: ++t, value: r });
  for (let id = 1; id <= ops; id++) out.push({ type: 'completed', id, t: ++t });
  for (let id = 1; id <= ops; id++) out.push({ type: 'closed', id, t: ++t });
  return out;
}

function load(messages: readonly AgentMessage[]): void {
  const store = new OperationStore({ retention: { maxFinished: Number.MAX_SAFE_INTEGER, finishedTtlMs: 0 } });
  store.addProcess('p', hello, 'trace');
  for (const m of messages) store.apply('p', m);
  store.dispose();
}

function ms(run: () => void): number {
  run(); // warm up
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

function moment(name: string, messages: AgentMessage[], at: number): BenchRow {
  const replay = new TraceReplay({ messages });
  const index = Math.floor((replay.count - 1) * at);
  const baseline = ms(() => load(messages.slice(0, index + 1)));
  const replayed = ms(() => load(replay.stateAt(index)));
  return {
    name, value: replayed / baseline, unit: 'x baseline', goal: 1,
    note: `${replayed.toFixed(0)} ms vs ${baseline.toFixed(0)} ms reading the trace from its start to that moment (median of ${ROUNDS})`,
  };
}

async function run(): Promise<BenchRow[]> {
  const chatty = trace(10_000, 40);
  const large = trace(100_000, 1);
  // The checkpoints are made by the first state asked for (the first move of the cursor).
  const built = ms(() => new TraceReplay({ messages: large }).stateAt(-1));
  const replay = new TraceReplay({ messages: large });
  const step = ms(() => {
    const store = new OperationStore();
    store.addProcess('p', hello, 'trace');
    for (const m of replay.eventsBetween(replay.count - 3, replay.count - 2)) store.apply('p', m);
    store.dispose();
  });
  return [
    moment('state at 90% of a trace, 10,000 ops x 40 progress reports (420,000 events)', chatty, 0.9),
    moment('state at 50% of a trace, 100,000 ops (400,000 events)', large, 0.5),
    moment('state at 99% of a trace, 100,000 ops (400,000 events)', large, 0.99),
    { name: 'checkpoints of a 100,000-op trace (one pass, at the first move of the cursor)', value: built / ms(() => load(large)), unit: 'x loading it', note: `${built.toFixed(0)} ms; opening the trace does not make them` },
    { name: 'a step forward (applies the events between the moments)', value: step, unit: 'ms', note: 'instead of rebuilding: one event applied' },
  ];
}

export const bench: BenchModule = { area: 'replay', run };
