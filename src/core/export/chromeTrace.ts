// Chrome Trace Event Format (the JSON Perfetto and chrome://tracing open) from op histories.
// Each op is a slice on a lane of its process (lanes.ts): a complete slice ('X') once it ended, a
// begin ('B') with no end while still pending (the viewers draw it to the trace's end, marked as
// not ended); progress and cancel requests are instants ('i') on its lane, and a flow ('s' -> 'f')
// runs from each parent's slice to its child's. Thread slices rather than async ('b'/'e') events:
// only they nest (a child under its parent), and classic flows, one per child, bind to them; lanes
// keep the overlapping async work apart (README, Exports). Timestamps are microseconds on one clock for every process
// (their hello's timeOrigin), counted from the earliest process's origin.
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { describeHresult } from '../../protocol/hresults';
import { assignLanes } from './lanes';
import { processLabel, type OpHistory, type ProcessHistory } from './opHistory';

/** One event of the format; `ph` is its phase. */
export interface ChromeTraceEvent {
  ph: 'X' | 'B' | 'i' | 's' | 'f' | 'M';
  name: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  /** Instant scope: 't' (its lane), 'p' (its process). */
  s?: 't' | 'p';
  /** Flow id (unique in the file) and, on 'f', its binding point: the enclosing slice. */
  id?: number;
  bp?: 'e';
  args?: Record<string, unknown>;
}

export const OP_CATEGORY = 'asyncinfo';
export const FLOW_CATEGORY = 'asyncinfo.parent';

/** Every event of the export, metadata first, then each process's ops in start order. */
export function chromeTraceEvents(processes: readonly ProcessHistory[]): ChromeTraceEvent[] {
  return [...eventsOf(processes)];
}

/** The same, one at a time: a big export is written without holding every event at once. */
export function* eventsOf(processes: readonly ProcessHistory[]): Generator<ChromeTraceEvent> {
  const origin = Math.min(...processes.map((p) => p.hello.timeOrigin));
  const usedPids = new Set<number>();
  let nextFlow = 1;
  for (const [sortIndex, process] of processes.entries()) {
    const pid = uniquePid(process.hello.pid, usedPids);
    // Every process on one clock: integer microseconds from the earliest origin.
    const shift = Math.round((process.hello.timeOrigin - origin) * 1000);
    const { laneOf, count } = assignLanes(process.ops);
    yield { ph: 'M', name: 'process_name', pid, tid: 0, args: { name: processLabel(process.hello) } };
    yield { ph: 'M', name: 'process_labels', pid, tid: 0, args: { labels: `pid ${process.hello.pid}` } };
    yield { ph: 'M', name: 'process_sort_index', pid, tid: 0, args: { sort_index: sortIndex } };
    for (let lane = 0; lane < count; lane++) {
      yield { ph: 'M', name: 'thread_name', pid, tid: lane + 1, args: { name: `ops ${lane + 1}` } };
      yield { ph: 'M', name: 'thread_sort_index', pid, tid: lane + 1, args: { sort_index: lane } };
    }
    const ordered = [...process.ops].sort((a, b) => a.createdT - b.createdT || a.id - b.id);
    // Flows leave a parent's slice right after it begins (the file's next event at that time):
    // viewers bind a flow start to the innermost slice open on its track when they read it, and
    // only there is that surely the parent, whatever its lane holds later.
    const children = new Map<number, OpHistory[]>();
    const seen = new Set<number>();
    for (const op of ordered) {
      seen.add(op.id);
      if (op.parent === null || !seen.has(op.parent)) continue; // parent unknown (or listed after it)
      const list = children.get(op.parent);
      if (list) list.push(op);
      else children.set(op.parent, [op]);
    }
    const flowTo = new Map<number, number>();
    for (const op of ordered) {
      const tid = laneOf.get(op.id)! + 1;
      yield sliceOf(op, pid, tid, shift, process.untimedMarks);
      const flow = flowTo.get(op.id);
      if (flow !== undefined) yield { ph: 'f', bp: 'e', name: 'created', cat: FLOW_CATEGORY, id: flow, pid, tid, ts: op.createdT + shift };
      for (const child of children.get(op.id) ?? []) {
        flowTo.set(child.id, nextFlow);
        yield { ph: 's', name: 'created', cat: FLOW_CATEGORY, id: nextFlow++, pid, tid, ts: op.createdT + shift };
      }
      if (process.untimedMarks) continue; // when they happened is not known: the slice's args say what
      for (const mark of op.progress) {
        yield { ph: 'i', s: 't', name: 'progress', cat: OP_CATEGORY, pid, tid, ts: clampInto(op, mark.t) + shift, args: { op: op.id, value: mark.value } };
      }
      if (op.cancel) {
        yield {
          ph: 'i', s: 't', name: 'cancel requested', cat: OP_CATEGORY, pid, tid, ts: clampInto(op, op.cancel.t) + shift,
          args: { op: op.id, by: op.cancel.source },
        };
      }
    }
    for (const drop of process.dropped) {
      yield { ph: 'i', s: 'p', name: 'events dropped', cat: OP_CATEGORY, pid, tid: 0, ts: drop.t + shift, args: { count: drop.count } };
    }
  }
}

function sliceOf(op: OpHistory, pid: number, tid: number, shift: number, untimedMarks: boolean): ChromeTraceEvent {
  const args: Record<string, unknown> = { id: op.id, kind: op.kind, status: op.status };
  if (op.parent !== null) args.parent = op.parent;
  if (op.source !== undefined) args.source = op.source;
  if (op.site) args.site = op.site;
  if (op.attributes) args.attributes = op.attributes;
  if (op.status === 'Error') {
    args.error = describeHresult(op.errorCode ?? 0);
    args.message = op.message;
  }
  if (op.cancel) args.cancelRequestedBy = op.cancel.source;
  if (untimedMarks && op.progress.length > 0) args.progress = op.progress[op.progress.length - 1].value;
  if (op.closedT !== undefined) args.closed = true;
  const name = op.name || `#${op.id}`;
  if (op.endT === undefined) return { ph: 'B', name, cat: OP_CATEGORY, pid, tid, ts: op.createdT + shift, args };
  return { ph: 'X', name, cat: OP_CATEGORY, pid, tid, ts: op.createdT + shift, dur: op.endT - op.createdT, args };
}

/** Marks sit inside their op's slice (a clock read just before `created` can be a tick early). */
function clampInto(op: OpHistory, t: number): number {
  return Math.min(Math.max(t, op.createdT), op.endT ?? Infinity);
}

function uniquePid(pid: number, used: Set<number>): number {
  let chosen = pid;
  while (used.has(chosen)) chosen += 1_000_000; // two traces of one pid: kept apart, labelled with the real one
  used.add(chosen);
  return chosen;
}

/** The JSON object form, in chunks of about `eventsPerChunk` events, for writing without one huge string. */
export function* chromeTraceJson(events: Iterable<ChromeTraceEvent>, eventsPerChunk = 2000): Generator<string> {
  yield '{"displayTimeUnit":"ms","otherData":{"producer":"Async Operations Debugger"},"traceEvents":[';
  let part = '';
  let inPart = 0;
  let first = true;
  for (const event of events) {
    part += (first ? '\n' : ',\n') + toJson(event);
    first = false;
    if (++inPart >= eventsPerChunk) {
      yield part;
      part = '';
      inPart = 0;
    }
  }
  yield `${part}\n]}\n`;
}

/** Flows are most of a big export's events and all alike: written without JSON.stringify. */
function toJson(e: ChromeTraceEvent): string {
  if (e.ph === 's') return `{"ph":"s","name":"created","cat":"${FLOW_CATEGORY}","id":${e.id},"pid":${e.pid},"tid":${e.tid},"ts":${e.ts}}`;
  if (e.ph === 'f') return `{"ph":"f","bp":"e","name":"created","cat":"${FLOW_CATEGORY}","id":${e.id},"pid":${e.pid},"tid":${e.tid},"ts":${e.ts}}`;
  return JSON.stringify(e);
}

/** Writes the export to a stream (a file, stdout) and waits until it took every chunk. */
export async function writeChromeTrace(out: NodeJS.WritableStream, processes: readonly ProcessHistory[]): Promise<{ ops: number }> {
  const events = eventsOf(processes);
  let failure: Error | undefined;
  const onError = (error: Error) => { failure = error; };
  out.on('error', onError);
  try {
    for (const chunk of chromeTraceJson(events)) {
      if (failure) throw failure;
      if (!out.write(chunk)) await Promise.race([once(out as NodeJS.EventEmitter, 'drain'), once(out as NodeJS.EventEmitter, 'error')]);
    }
    if (failure) throw failure;
  } finally {
    out.off('error', onError);
  }
  return { ops: processes.reduce((n, p) => n + p.ops.length, 0) };
}

/** Writes the export to `file` (replacing one of that name); returns what it holds. Any failure
 *  (no such folder, no space) rejects. */
export async function writeChromeTraceFile(file: string, processes: readonly ProcessHistory[]): Promise<{ ops: number }> {
  const events = eventsOf(processes);
  const handle = await open(file, 'w');
  try {
    for (const chunk of chromeTraceJson(events)) await handle.write(chunk);
  } finally {
    await handle.close();
  }
  return { ops: processes.reduce((n, p) => n + p.ops.length, 0) };
}
