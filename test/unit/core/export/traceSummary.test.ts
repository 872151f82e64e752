// The summary's data and text: counts by status per process, pending ops oldest first (the list
// cut with a count of the rest), dropped events, and warnings when rules gave them.
import * as assert from 'node:assert/strict';
import { foldProcess } from '../../../../src/core/export/opHistory';
import { formatSummary, summarize } from '../../../../src/core/export/traceSummary';
import type { AgentMessage } from '../../../../src/protocol/messages';
import { cancelRequested, canceled, closed, completed, created, failed, hello } from '../messages';

describe('trace summary', () => {
  const web = foldProcess(hello(10, { argv: ['node', '/srv/web.js', '--port', '80'] }), [
    created(1, null, 'a', 'action', 0), completed(1, 5), closed(1, 6),
    created(2, null, 'b', 'operation', 10), failed(2, -2147467259, 'boom', 20),
    created(3, null, 'c', 'action', 30), cancelRequested(3, 'client', 40), canceled(3, 50),
    created(4, null, 'waits', 'action', 60), cancelRequested(4, 'program', 70),
    created(5, null, 'older', 'action', 1), // created after 4 in the stream, but earlier in time
    { type: 'dropped', count: 3, t: 80 }, completed(99, 90),
  ] as AgentMessage[]);
  const many = foldProcess(hello(11), Array.from({ length: 25 }, (_, i) => created(i + 1, null, `p${i + 1}`, 'action', i)));

  it('counts by status, closed, dropped; pending ops with how long and who asked to cancel', () => {
    const [s] = summarize([web]);
    assert.deepEqual(s.byStatus, { Started: 2, Completed: 1, Canceled: 1, Error: 1 });
    assert.equal(s.closed, 1);
    assert.equal(s.droppedEvents, 3);
    assert.equal(s.warnings, undefined, 'no rules given: nothing said about warnings');
    assert.deepEqual(s.pending.map((p) => [p.id, p.pendingMicros, p.cancelRequestedBy]), [[4, 30, 'program'], [5, 89, undefined]]);
    const text = formatSummary([s]);
    assert.match(text, /^web\.js --port 80 {2}\(pid 10, Node v20\.20\.2, started /);
    assert.match(text, /5 operations: Started 2 · Completed 1 · Canceled 1 · Error 1 \(closed 1\)/);
    assert.match(text, /3 events were dropped by the program/);
    assert.match(text, /pending at the end \(2\), oldest first:\n {4}#5 older \(action\) for 0\.000 s at \/app\/src\/work\.js:5:1\n {4}#4 waits \(action\) for 0\.000 s, cancel requested by the program/);
    assert.doesNotMatch(text, /warning/);
  });

  it('several processes, each on its own; a long pending list is cut with a count', () => {
    const text = formatSummary(summarize([web, many], () => []), 20);
    const [first, second] = text.split('\n\n');
    assert.match(first, /pid 10/);
    assert.match(second, /pid 11/);
    assert.match(second, /pending at the end \(25\)/);
    assert.equal(second.split('\n').filter((l) => /^ {4}#/.test(l)).length, 20);
    assert.match(second, / {4}\.\.\. and 5 more/);
    assert.match(second, /no warnings/);
  });

  it('warnings from the rules, each with its op, and each rule\'s advice once', () => {
    const warn = { id: 'cancel-ignored', text: 'waits: cancel ignored 8 s', advice: 'Check the token.' };
    const text = formatSummary(summarize([web], () => [{ ...warn, op: 4 }, { ...warn, op: 5 }]));
    assert.match(text, /warnings \(2\):\n {4}cancel-ignored {2}#4 waits: cancel ignored 8 s\n {4}cancel-ignored {2}#5/);
    assert.equal(text.match(/Check the token\./g)?.length, 1);
  });
});
