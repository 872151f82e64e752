import * as assert from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { OperationStore } from '../../../src/core/operationStore';
import { loadTrace, readTrace, TraceFormatError, traceProcessKey, TraceRecorder } from '../../../src/core/traceFile';
import type { AgentMessage } from '../../../src/protocol/messages';
import { encodeLine } from '../../../src/protocol/codec';
import {
  applyAll, cancelRequested, closed, completed, created, failed, hello, progress, snapshotEnd, stateOf,
} from './messages';

describe('trace files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'asyncinfo-trace-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string) => path.join(dir, name);

  const first: AgentMessage[] = [
    created(1, null, 'download', 'operationWithProgress'), created(2, 1), progress(1, { bytes: 512 }), snapshotEnd(),
    cancelRequested(2, 'client'), created(3, 9), completed(2), failed(3, -2147467259, 'ECONNRESET'), closed(2),
    { type: 'dropped', count: 4, t: 100 },
  ];
  const second: AgentMessage[] = [created(1, null, 'other'), completed(1), created(5, 1)];

  it('round trip: recorded with TraceRecorder, read back, loads to the same store state', async () => {
    const live = new OperationStore();
    live.addProcess('a', hello(100), 'debug');
    live.addProcess('b', hello(200), 'debug');
    const recorder = new TraceRecorder();
    const trace = file('round-trip.ndjson');
    await recorder.start(trace);
    recorder.write(100, hello(100));
    recorder.write(200, hello(200));
    for (let i = 0; i < Math.max(first.length, second.length); i++) {
      // interleaved, as two live processes would be
      if (first[i]) {
        live.apply('a', first[i]);
        recorder.write(100, first[i]);
      }
      if (second[i]) {
        live.apply('b', second[i]);
        recorder.write(200, second[i]);
      }
    }
    await recorder.stop();
    assert.strictEqual(recorder.recording, false);

    const contents = await readTrace(trace);
    assert.deepStrictEqual(contents.processes.map((p) => p.pid), [100, 200]);
    assert.strictEqual(contents.processes[0].messages.length, first.length);

    const loaded = new OperationStore();
    const keys = await loadTrace(loaded, trace);
    assert.deepStrictEqual(keys, [traceProcessKey(trace, 100), traceProcessKey(trace, 200)]);
    assert.deepStrictEqual(stateOf(loaded, keys[0]), stateOf(live, 'a'));
    assert.deepStrictEqual(stateOf(loaded, keys[1]), stateOf(live, 'b'));
    assert.strictEqual(loaded.process(keys[0])!.source, 'trace');
    assert.strictEqual(loaded.process(keys[0])!.connected, false);
    live.dispose();
    loaded.dispose();
  });

  it('nothing is lost on stop: 50,000 lines written in one go', async () => {
    const recorder = new TraceRecorder({ flushMs: 10_000 });
    const trace = file('many.ndjson');
    await recorder.start(trace);
    recorder.write(1, hello(1));
    for (let id = 1; id <= 25_000; id++) {
      recorder.write(1, created(id));
      recorder.write(1, completed(id));
    }
    await recorder.stop();
    const contents = await readTrace(trace);
    assert.strictEqual(contents.lines, 50_001);
    assert.strictEqual(contents.processes[0].messages.length, 50_000);
  });

  it('non-hello lines of a recording carry "proc"; hello lines are verbatim', async () => {
    const recorder = new TraceRecorder();
    const trace = file('proc.ndjson');
    await recorder.start(trace);
    recorder.write(7, hello(7));
    recorder.write(7, created(1));
    await recorder.stop();
    const [helloLine, createdLine] = readFileSync(trace, 'utf8').split('\n');
    assert.strictEqual(`${helloLine}\n`, encodeLine(hello(7)));
    assert.deepStrictEqual(JSON.parse(createdLine), { ...created(1), proc: 7 });
  });

  it('reads an agent trace (no "proc" fields), reporting progress', async () => {
    const trace = file('agent.ndjson');
    writeFileSync(trace, [hello(42), ...first].map(encodeLine).join(''));
    const progressCalls: Array<[number, number]> = [];
    const store = new OperationStore();
    const [key] = await loadTrace(store, trace, { onProgress: (read, total) => progressCalls.push([read, total]) });
    const live = new OperationStore();
    live.addProcess('x', hello(42), 'debug');
    applyAll(live, 'x', first);
    assert.deepStrictEqual(stateOf(store, key), stateOf(live, 'x'));
    const size = readFileSync(trace).length;
    assert.deepStrictEqual(progressCalls[progressCalls.length - 1], [size, size]);
    store.dispose();
    live.dispose();
  });

  it('loading the same file again replaces its processes', async () => {
    const trace = file('twice.ndjson');
    writeFileSync(trace, [hello(42), created(1)].map(encodeLine).join(''));
    const store = new OperationStore();
    await loadTrace(store, trace);
    writeFileSync(trace, [hello(42), created(2)].map(encodeLine).join(''));
    const [key] = await loadTrace(store, trace);
    assert.strictEqual(store.processes().length, 1);
    assert.strictEqual(store.op(key, 1), undefined);
    assert.ok(store.op(key, 2));
    store.dispose();
  });

  it('skips blank lines, CRLF endings and message types it does not know', async () => {
    const trace = file('lenient.ndjson');
    writeFileSync(trace, `${JSON.stringify(hello(1))}\r\n\n   \n{"type":"fromTheFuture","x":1}\n${JSON.stringify(created(1))}`);
    const contents = await readTrace(trace); // a last line without newline is fine when it is whole
    assert.deepStrictEqual(contents.processes[0].messages, [created(1)]);
  });

  it('a later hello of the same pid (the agent reconnected) is among its messages', async () => {
    const trace = file('reconnect.ndjson');
    writeFileSync(trace, [hello(1), created(1), created(2), hello(1), created(2), snapshotEnd()].map(encodeLine).join(''));
    const store = new OperationStore();
    const [key] = await loadTrace(store, trace);
    assert.strictEqual(store.op(key, 1)!.released, true, 'the reconnect snapshot no longer listed it');
    assert.strictEqual(store.op(key, 2)!.released, false);
    store.dispose();
  });

  describe('bad files name their line', () => {
    const helloLine = JSON.stringify(hello(1));
    const cases: Array<[string, string, number, RegExp]> = [
      ['empty file', '', 1, /empty/],
      ['only blank lines', '\n\n', 1, /no messages/],
      ['not JSON', `${helloLine}\n{"type":"created",\n`, 2, /not JSON/],
      ['not an object', `${helloLine}\n[1,2]\n`, 2, /not a JSON object/],
      ['null', `${helloLine}\nnull\n`, 2, /not a JSON object/],
      ['missing type', `${helloLine}\n{"id":1}\n`, 2, /no "type"/],
      ['invalid type', `${helloLine}\n{"type":7}\n`, 2, /"type" must be a non-empty string/],
      ['first message not hello', `\n${JSON.stringify(created(1))}\n`, 2, /first message must be "hello", not "created"/],
      ['unknown process', `${helloLine}\n{"type":"completed","id":1,"t":0,"proc":99}\n`, 2, /unknown process.*99/],
      ['truncated last line', `${helloLine}\n${JSON.stringify(created(1))}\n{"type":"completed","id":1,"t`, 3, /ends in the middle of this line/],
      ['created without a name', `${helloLine}\n{"type":"created","id":1,"t":0,"kind":"action","parent":null,"site":null}\n`, 2, /"created" has no "name"/],
      ['a bad kind', `${helloLine}\n{"type":"created","id":1,"t":0,"kind":"job","name":"x"}\n`, 2, /"kind".*"job"/],
      ['a string id', `${helloLine}\n{"type":"completed","id":"1","t":0}\n`, 2, /needs a numeric "id", not "1"/],
      ['hello without pid', `{"type":"hello","protocol":1}\n`, 1, /"hello" has no "pid"/],
      ['a newer protocol', `{"type":"hello","protocol":2,"pid":1}\n`, 1, /protocol 2/],
      ['a binary file', `${helloLine}\n${'x'.repeat(1.5 * 1024 * 1024)}`, 2, /longer than 1 MiB/],
    ];
    for (const [name, text, line, message] of cases) {
      it(name, async () => {
        const trace = file(`bad-${name.replace(/\W+/g, '-')}.ndjson`);
        writeFileSync(trace, text);
        await assert.rejects(readTrace(trace), (error: unknown) => {
          assert.ok(error instanceof TraceFormatError, `not a TraceFormatError: ${String(error)}`);
          assert.strictEqual(error.line, line);
          assert.match(error.message, message);
          assert.match(error.message, new RegExp(`line ${line}:`));
          return true;
        });
      });
    }
  });

  it('a missing file rejects with the file system error', async () => {
    await assert.rejects(readTrace(file('missing.ndjson')), /ENOENT/);
  });

  it('start rejects when the file cannot be created, and the recorder can start again', async () => {
    const recorder = new TraceRecorder();
    await assert.rejects(recorder.start(path.join(dir, 'no-such-dir', 'x.ndjson')), /ENOENT/);
    assert.strictEqual(recorder.recording, false);
    await recorder.start(file('second-try.ndjson'));
    recorder.write(1, hello(1));
    await recorder.stop();
    assert.strictEqual((await readTrace(file('second-try.ndjson'))).processes.length, 1);
  });
});
