// The Trace Event Format's rules (the "Trace Event Format" document Chrome's and Perfetto's JSON
// importers follow), checked on a whole exported file: each event's fields by phase, slices on a
// thread that nest or follow each other, B events left open only where the caller expects,
// flows paired ('s' before its 'f', same id and category) and bound to a slice at both ends.
import * as assert from 'node:assert/strict';

export interface TraceEvent {
  ph: string; name: string; pid: number; tid: number; ts?: number; dur?: number; cat?: string; s?: string;
  id?: number | string; bp?: string; args?: Record<string, unknown>;
}

const METADATA = new Set(['process_name', 'process_labels', 'process_sort_index', 'thread_name', 'thread_sort_index']);

export interface Slice { pid: number; tid: number; start: number; end: number; event: TraceEvent }

/** Checks every rule; returns the slices (open B slices end at Infinity) for further checks. */
export function checkTraceEventFormat(json: unknown): { events: TraceEvent[]; slices: Slice[]; openBegins: TraceEvent[] } {
  assert.equal(typeof json, 'object');
  const events = (json as { traceEvents: TraceEvent[] }).traceEvents;
  assert.ok(Array.isArray(events), 'traceEvents is an array');
  const slices: Slice[] = [];
  const openBegins: TraceEvent[] = [];
  const stacks = new Map<string, TraceEvent[]>();
  const flowStarts = new Map<string, TraceEvent>();
  const flowEnds = new Map<string, TraceEvent>();
  for (const [i, e] of events.entries()) {
    const where = `event ${i} ${JSON.stringify(e).slice(0, 200)}`;
    assert.equal(typeof e.name, 'string', `${where}: name`);
    assert.ok(e.name.length > 0, `${where}: name not empty`);
    assert.ok(Number.isInteger(e.pid), `${where}: pid`);
    assert.ok(Number.isInteger(e.tid), `${where}: tid`);
    if (e.ph === 'M') {
      assert.ok(METADATA.has(e.name), `${where}: known metadata`);
      assert.equal(typeof e.args, 'object', `${where}: metadata args`);
      continue;
    }
    assert.ok(typeof e.ts === 'number' && Number.isFinite(e.ts) && e.ts >= 0, `${where}: ts`);
    assert.equal(typeof e.cat, 'string', `${where}: cat`);
    const thread = `${e.pid}/${e.tid}`;
    switch (e.ph) {
      case 'X':
        assert.ok(typeof e.dur === 'number' && e.dur >= 0, `${where}: dur`);
        slices.push({ pid: e.pid, tid: e.tid, start: e.ts!, end: e.ts! + e.dur!, event: e });
        break;
      case 'B':
        assert.equal(e.dur, undefined, `${where}: B has no dur`);
        if (!stacks.has(thread)) stacks.set(thread, []);
        stacks.get(thread)!.push(e);
        break;
      case 'E': {
        const begin = stacks.get(thread)?.pop();
        assert.ok(begin, `${where}: E without B`);
        slices.push({ pid: e.pid, tid: e.tid, start: begin.ts!, end: e.ts!, event: begin });
        break;
      }
      case 'i':
        assert.ok(['t', 'p', 'g'].includes(e.s ?? 't'), `${where}: instant scope`);
        break;
      case 's':
      case 'f': {
        assert.ok(e.id !== undefined, `${where}: flow id`);
        const key = `${e.cat}/${e.id}`;
        const map = e.ph === 's' ? flowStarts : flowEnds;
        assert.ok(!map.has(key), `${where}: flow ${key} has one '${e.ph}'`);
        map.set(key, e);
        break;
      }
      default:
        assert.fail(`${where}: phase ${e.ph} is not one this export writes`);
    }
  }
  for (const stack of stacks.values()) {
    for (const begin of stack) {
      openBegins.push(begin);
      slices.push({ pid: begin.pid, tid: begin.tid, start: begin.ts!, end: Infinity, event: begin });
    }
  }
  checkNesting(slices);
  assert.deepEqual([...flowStarts.keys()].sort(), [...flowEnds.keys()].sort(), "every flow's 's' has its 'f'");
  for (const [key, start] of flowStarts) {
    const end = flowEnds.get(key)!;
    assert.ok(end.ts! >= start.ts!, `flow ${key}: 'f' not before 's'`);
    assert.ok(enclosing(slices, start), `flow ${key}: 's' lies in a slice of its thread`);
    assert.equal(end.bp, 'e', `flow ${key}: 'f' binds to its enclosing slice`);
    assert.ok(enclosing(slices, end), `flow ${key}: 'f' lies in a slice of its thread`);
  }
  return { events, slices, openBegins };
}

/** On each thread, slices nest or follow each other: none overlaps another partly. */
function checkNesting(slices: Slice[]): void {
  const byThread = new Map<string, Slice[]>();
  for (const s of slices) {
    const key = `${s.pid}/${s.tid}`;
    if (!byThread.has(key)) byThread.set(key, []);
    byThread.get(key)!.push(s);
  }
  for (const [thread, list] of byThread) {
    list.sort((a, b) => a.start - b.start || b.end - a.end);
    const open: Slice[] = [];
    for (const s of list) {
      while (open.length > 0 && open[open.length - 1].end <= s.start && !(open[open.length - 1].end === s.start && s.end === s.start)) open.pop();
      const top = open[open.length - 1];
      if (top) assert.ok(s.end <= top.end, `thread ${thread}: "${s.event.name}" [${s.start}, ${s.end}] overlaps "${top.event.name}" [${top.start}, ${top.end}] partly`);
      open.push(s);
    }
  }
}

/**
 * Which slice each flow leaves and reaches, as Perfetto's JSON importer binds them: events read in
 * time order (file order among equal times); per thread a stack of slices, popped only when a new
 * slice (or thread instant, a zero-length slice) begins after their end (at their end, unless both
 * are zero-length); a flow's 's' and its 'f' (binding point 'e') bind to the top of the stack.
 */
export function flowBindings(events: readonly TraceEvent[]): Map<string, { from?: TraceEvent; to?: TraceEvent }> {
  const order = events.map((e, i) => ({ e, i })).filter(({ e }) => e.ph !== 'M')
    .sort((a, b) => a.e.ts! - b.e.ts! || a.i - b.i).map(({ e }) => e);
  const stacks = new Map<string, { event: TraceEvent; start: number; dur: number | undefined }[]>();
  const bindings = new Map<string, { from?: TraceEvent; to?: TraceEvent }>();
  for (const e of order) {
    const thread = `${e.pid}/${e.tid}`;
    const stack = stacks.get(thread) ?? [];
    stacks.set(thread, stack);
    const isThreadInstant = e.ph === 'i' && (e.s ?? 't') === 't';
    if (e.ph === 'X' || e.ph === 'B' || isThreadInstant) {
      const dur = e.ph === 'X' ? e.dur! : isThreadInstant ? 0 : undefined;
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        if (top.dur === undefined) break; // open (a B): stays
        const end = top.start + top.dur;
        if (end < e.ts! || (end === e.ts && !(top.dur === 0 && dur === 0))) stack.pop();
        else break;
      }
      stack.push({ event: e, start: e.ts!, dur });
    } else if (e.ph === 's' || e.ph === 'f') {
      const key = `${e.cat}/${e.id}`;
      const binding = bindings.get(key) ?? {};
      bindings.set(key, binding);
      const top = stack[stack.length - 1]?.event;
      if (e.ph === 's') binding.from = top;
      else binding.to = top;
    }
  }
  return bindings;
}

export function enclosing(slices: Slice[], at: TraceEvent): Slice | undefined {
  let best: Slice | undefined;
  for (const s of slices) {
    if (s.pid !== at.pid || s.tid !== at.tid || s.start > at.ts! || s.end < at.ts!) continue;
    if (!best || s.start >= best.start) best = s;
  }
  return best;
}
