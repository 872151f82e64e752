// The Chrome trace export, from a real program's trace (the agent's ASYNCINFO_TRACE) and from
// message sequences for the cases a run seldom shows; every file is checked against the Trace
// Event Format's rules (traceEventRules.ts).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { chromeTraceEvents, chromeTraceJson, writeChromeTraceFile } from '../../../../src/core/export/chromeTrace';
import { readTraceHistories } from '../../../../src/core/export/fromTrace';
import { foldProcess, type ProcessHistory } from '../../../../src/core/export/opHistory';
import { readTrace } from '../../../../src/core/traceFile';
import type { AgentMessage } from '../../../../src/protocol/messages';
import { cancelRequested, canceled, completed, created, failed, hello, progress, snapshotEnd } from '../messages';
import { checkTraceEventFormat, flowBindings, type Slice, type TraceEvent } from './traceEventRules';

const ROOT = path.resolve(__dirname, '../../../../..');
const run = promisify(execFile);

const exported = (processes: ProcessHistory[]) => checkTraceEventFormat(JSON.parse([...chromeTraceJson(chromeTraceEvents(processes), 7)].join('')));
/** Every flow, as Perfetto's importer binds it, leaves the parent's slice and reaches the child's. */
function assertFlowsBindParentToChild({ events }: ReturnType<typeof checkTraceEventFormat>): number {
  let checked = 0;
  for (const [key, { from, to }] of flowBindings(events)) {
    assert.ok(from && (from.ph === 'X' || from.ph === 'B'), `flow ${key} leaves a slice (${from?.name})`);
    assert.ok(to && (to.ph === 'X' || to.ph === 'B'), `flow ${key} reaches a slice (${to?.name})`);
    assert.equal(from.args!.id, to.args!.parent, `flow ${key} leaves #${to.args!.id}'s parent, not ${from.name}`);
    checked++;
  }
  return checked;
}

const sliceOf = (slices: Slice[], id: number, pid?: number) =>
  slices.find((s) => s.event.args?.id === id && (pid === undefined || s.event.pid === pid));

describe('Chrome trace export', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'asyncinfo-export-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe("a real program's trace", () => {
    let trace: string;
    let result: ReturnType<typeof checkTraceEventFormat>;
    let opsInTrace: number;

    before(async function () {
      this.timeout(30_000);
      trace = path.join(dir, 'program.ndjson');
      const env: NodeJS.ProcessEnv = { ...process.env, ASYNCINFO_TRACE: trace, ASYNCINFO_SITES: 'frame' };
      delete env.NODE_OPTIONS;
      await run(process.execPath, ['--require', path.join(ROOT, 'dist/agent.js'), path.join(ROOT, 'test/fixtures/export/program.js')], { env });
      const contents = await readTrace(trace);
      opsInTrace = contents.processes.reduce((n, p) => n + new Set(p.messages.flatMap((m) => (m.type === 'created' ? [m.id] : []))).size, 0);
      const out = path.join(dir, 'program.json');
      const written = await writeChromeTraceFile(out, await readTraceHistories(trace));
      result = checkTraceEventFormat(JSON.parse(readFileSync(out, 'utf8')));
      assert.equal(written.ops, opsInTrace);
    });

    it('round-trips the op count: one slice per op of the trace', () => {
      const opSlices = result.events.filter((e) => e.ph === 'X' || e.ph === 'B');
      assert.equal(opsInTrace, 10);
      assert.equal(opSlices.length, opsInTrace);
      assert.equal(new Set(opSlices.map((e) => e.args!.id)).size, opsInTrace);
    });

    it('every ended op is a complete slice; only the pending ones are left open', () => {
      const open = result.openBegins.map((e) => e.name).sort();
      assert.deepEqual(open, ['forever', 'stubborn']);
      const complete = result.events.filter((e) => e.ph === 'X');
      assert.deepEqual(Object.fromEntries(complete.map((e) => [e.name, e.args!.status])), {
        download: 'Completed', 'chunk 1': 'Completed', 'chunk 2': 'Completed', 'chunk 3': 'Completed', orphan: 'Completed',
        poll: 'Canceled', save: 'Error', 'fetch page': 'Completed',
      });
      const save = complete.find((e) => e.name === 'save')!;
      assert.equal(save.args!.message, 'disk full');
      assert.match(String(save.args!.site), /program\.js:\d+:\d+$/);
      assert.equal(complete.find((e) => e.name === 'fetch page')!.args!.source, 'promise');
    });

    it('progress and cancel requests are instants on their op\'s lane, inside its slice', () => {
      const download = result.slices.find((s) => s.event.name === 'download')!;
      const marks = result.events.filter((e) => e.ph === 'i' && e.name === 'progress');
      assert.deepEqual(marks.map((e) => e.args!.value), [33, 66, 99]);
      for (const mark of marks) {
        assert.equal(mark.tid, download.tid);
        assert.ok(mark.ts! >= download.start && mark.ts! <= download.end);
      }
      const cancels = result.events.filter((e) => e.ph === 'i' && e.name === 'cancel requested');
      const byOp = (e: TraceEvent) => result.slices.find((s) => s.event.args?.id === e.args!.op)!.event.name;
      assert.deepEqual(cancels.map(byOp).sort(), ['poll', 'stubborn']);
      assert.deepEqual(cancels.map((e) => e.args!.by), ['program', 'program']);
    });

    it('a flow runs from each parent to each child; children nest under their parent unless they outlive it', () => {
      const starts = result.events.filter((e) => e.ph === 's');
      const ends = result.events.filter((e) => e.ph === 'f');
      const download = sliceOf(result.slices, 1)!;
      assert.equal(starts.length, 4); // chunk 1-3 and the orphan
      for (const end of ends) {
        const child = result.slices.find((s) => s.tid === end.tid && s.start === end.ts && s.event.args?.parent === 1);
        assert.ok(child, 'the flow ends where a child of the download begins');
        const start = starts.find((s) => s.id === end.id)!;
        assert.equal(start.tid, download.tid, "the flow starts on the download's lane");
        assert.ok(start.ts! >= download.start && start.ts! <= download.end, "...within the download's slice");
      }
      const chunks = result.slices.filter((s) => /^chunk/.test(s.event.name));
      for (const chunk of chunks) assert.equal(chunk.tid, download.tid, `${chunk.event.name} nests under the download`);
      const orphan = result.slices.find((s) => s.event.name === 'orphan')!;
      assert.ok(orphan.end > download.end, 'the orphan outlives the download');
      assert.notEqual(orphan.tid, download.tid);
      assert.equal(assertFlowsBindParentToChild(result), 4);
    });

    it('names the process after its script, with its pid', () => {
      const names = result.events.filter((e) => e.ph === 'M' && e.name === 'process_name');
      assert.deepEqual(names.map((e) => e.args!.name), ['program.js']);
      const labels = result.events.find((e) => e.ph === 'M' && e.name === 'process_labels')!;
      assert.equal(labels.args!.labels, `pid ${labels.pid}`);
    });
  });

  it('processes share one clock: each is placed by its own timeOrigin; two of one pid stay apart', () => {
    const early = foldProcess(hello(7, { timeOrigin: 1_000_000 }), [created(1, null, 'a', 'action', 10), completed(1, 20)]);
    const late = foldProcess(hello(8, { timeOrigin: 1_000_002.5 }), [created(1, null, 'b', 'action', 10), completed(1, 20)]);
    const again = foldProcess(hello(7, { timeOrigin: 1_000_001 }), [created(1, null, 'c', 'action', 0)]);
    const { slices, events } = exported([early, late, again]);
    assert.deepEqual(slices.map((s) => [s.event.name, s.start]).sort(), [['a', 10], ['b', 2510], ['c', 1000]]);
    const pids = events.filter((e) => e.name === 'process_labels').map((e) => [e.pid, e.args!.labels]);
    assert.equal(new Set(pids.map(([pid]) => pid)).size, 3);
    assert.deepEqual(pids.map(([, label]) => label), ['pid 7', 'pid 8', 'pid 7']);
  });

  it("a snapshot's repeats (after a resync) add nothing; dropped events show as a process instant", () => {
    const messages: AgentMessage[] = [
      created(1, null, 'load', 'operationWithProgress', 5), progress(1, 10, 6), snapshotEnd(7),
      { type: 'dropped', count: 12, t: 50 },
      { type: 'snapshotStart', t: 60 }, created(1, null, 'load', 'operationWithProgress', 5), progress(1, 10, 6), snapshotEnd(61),
      progress(1, 20, 70), cancelRequested(1, 'client', 71), cancelRequested(1, 'client', 71), canceled(1, 80),
      completed(1, 90), // a second terminal: the first holds
      failed(99, -1, 'an op never created in the stream', 95),
    ];
    const process = foldProcess(hello(), messages);
    assert.equal(process.orphanMessages, 1);
    const { events, slices } = exported([process]);
    assert.equal(slices.length, 1);
    assert.deepEqual([slices[0].start, slices[0].end, slices[0].event.args!.status], [5, 80, 'Canceled']);
    assert.deepEqual(events.filter((e) => e.name === 'progress').map((e) => e.args!.value), [10, 20]);
    assert.equal(events.filter((e) => e.name === 'cancel requested').length, 1);
    const dropped = events.filter((e) => e.name === 'events dropped');
    assert.deepEqual(dropped.map((e) => [e.s, e.args!.count]), [['p', 12]]);
  });

  it('20,000 ops in random trees and times: every lane nests, every flow pairs, pending ops stay open', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const messages: AgentMessage[] = [];
    const ends = new Map<number, number | undefined>();
    const starts = new Map<number, number>();
    let pending = 0;
    for (let id = 1; id <= 20_000; id++) {
      const parent = id > 1 && random() < 0.7 ? 1 + Math.floor(random() * (id - 1)) : null;
      const t = Math.max(Math.floor(id * 5 + random() * 50), parent === null ? 0 : starts.get(parent)!); // never before its parent
      starts.set(id, t);
      messages.push(created(id, parent, `op${id}`, 'action', t));
      const roll = random();
      // Most children end within their parent; some outlive it, some never end.
      const end = roll < 0.05 ? undefined : t + Math.floor(random() * (roll < 0.5 ? 40 : 4000));
      ends.set(id, end);
      if (end === undefined) pending++;
    }
    for (const [id, end] of ends) if (end !== undefined) messages.push(completed(id, end));
    const result = exported([foldProcess(hello(), messages)]);
    const { events, openBegins } = result;
    assert.equal(events.filter((e) => e.ph === 'X' || e.ph === 'B').length, 20_000);
    assert.equal(openBegins.length, pending);
    const withParents = messages.filter((m) => m.type === 'created' && m.parent !== null).length;
    assert.equal(events.filter((e) => e.ph === 's').length, withParents);
    assert.equal(assertFlowsBindParentToChild(result), withParents);
    const lanes = events.filter((e) => e.name === 'thread_name').length;
    assert.ok(lanes < 20_000 / 4, `lanes are reused (${lanes} for 20,000 ops)`);
  });

  it('an export of no ops is still a file the viewers open', () => {
    const { events } = exported([foldProcess(hello(), [snapshotEnd(1)])]);
    assert.deepEqual(events.map((e) => e.ph), ['M', 'M', 'M']);
  });
});
