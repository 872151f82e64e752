// Edges of the contract found in review: `req` echoed exactly as it came (digits a double would
// lose included), ids no op can have, a 1 MiB line ended by CRLF, and variables that give the agent
// nowhere to send.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { LineSplitter } from '../../../src/protocol/lineSplitter';
import { parseRequest } from '../../../src/agent/commands';
import { FIXTURES, Scope, type Client, type Program } from './harness';

describe('agent contract edges', () => {
  let scope: Scope;
  beforeEach(() => (scope = new Scope()));
  afterEach(() => scope.dispose());

  describe('over a connection', () => {
    let program: Program;
    let client: Client;
    beforeEach(async () => {
      const server = await scope.server({ path: scope.file('client.sock') });
      program = await scope.program({ ASYNCINFO_CHANNEL: server.address });
      client = await server.nextClient();
      await client.waitForType('snapshotEnd');
    });

    it('echoes req exactly as it came: large integers, odd spellings, strings', async () => {
      const sent = [
        ['12345678901234567890', '{"type":"cancel","id":999999,"req":12345678901234567890}'],
        ['-98765432109876543210', '{"x":{"req":5},"type":"close", "req" :  -98765432109876543210 ,"id":999999}'],
        ['1e400', '{"type":"cancel","id":999999,"req":1e400}'],
        ['1.50', '{"type":"cancel","id":999999,"req":1.50}'],
        ['2', '{"type":"cancel","req":1,"id":999999,"req":2}'],
        ['0', '{"type":"cancel","id":999999,"req":0}'],
        ['""', '{"type":"cancel","id":999999,"req":""}'],
        ['"é\\"x"', '{"type":"cancel","id":999999,"req":"\\u00e9\\"x"}'], // a string: the same string, re-quoted
        ['9007199254740993', '{"type":"nonsense","req":9007199254740993}'],
      ];
      for (const [, line] of sent) client.send(line + '\n');
      client.send({ type: 'cancel', id: 999999, req: 'last' });
      await client.waitFor((m) => m.req === 'last', 'the last reply');
      const replies = client.raw.split('\n').filter((l) => l.startsWith('{"type":"reply"')).slice(0, sent.length);
      assert.deepStrictEqual(replies.map((l) => /"req":(.*?),"ok"/.exec(l)?.[1]), sent.map(([req]) => req));
      for (const l of replies) JSON.parse(l);
    });

    it('answers NOT_FOUND for a well-formed id past uint32, and still runs valid commands', async () => {
      for (const id of [2 ** 32, Number.MAX_SAFE_INTEGER]) {
        const r = await client.request({ type: 'cancel', id, req: `id${id}` });
        assert.strictEqual(r.ok, false);
        assert.deepStrictEqual(r.error, { code: 'NOT_FOUND', message: `no live operation with id ${id}` });
      }
      const id = await program.start();
      assert.strictEqual((await client.request({ type: 'cancel', id, req: 'real' })).ok, true);
    });

    it('takes a line of exactly 1 MiB ended by CRLF, and refuses one byte more', async () => {
      const id = await program.start();
      const head = `{"type":"close","id":999999,"req":"fit","pad":"`;
      const fit = head + 'y'.repeat(1024 * 1024 - head.length - 2) + '"}';
      assert.strictEqual(Buffer.byteLength(fit), 1024 * 1024);
      client.send(fit + '\r\n');
      const over = `{"type":"cancel","id":${id},"req":"over","pad":"${'z'.repeat(1024 * 1024 - 40)}"}`;
      assert.ok(Buffer.byteLength(over) > 1024 * 1024);
      client.send(over + '\r\n');
      client.send({ type: 'close', id: 999999, req: 'after' });
      await client.waitFor((m) => m.req === 'after', 'the reply after the long lines');
      const replies = client.messages.filter((m) => m.type === 'reply');
      assert.deepStrictEqual(replies.map((r) => r.req), ['fit', null, 'after']);
      assert.strictEqual((replies[0].error as { code: string }).code, 'NOT_FOUND');
      assert.strictEqual((replies[1].error as { code: string }).code, 'BAD_REQUEST');
      assert.strictEqual((await program.call('status', { id })).status, 0, 'the long line was not executed');
    });
  });

  it('stays dormant when only a token, a session or an address file is set', async () => {
    const envs: Record<string, string>[] = [{ ASYNCINFO_TOKEN: 'k' }, { ASYNCINFO_SESSION: 's' }, { ASYNCINFO_LISTEN_FILE: scope.file('a') }];
    for (const env of envs) {
      const run = await scope.run(path.join(FIXTURES, 'oneshot.js'), ['1'], env);
      assert.strictEqual(run.code, 0, run.stderr);
      assert.strictEqual(run.stderr, '');
      assert.strictEqual(JSON.parse(run.stdout).agent, null, JSON.stringify(env));
    }
  });

  it('has one agent per process: worker threads load the preload and stay out of the way', async () => {
    const server = await scope.server({ path: scope.file('client.sock') });
    const env = { ASYNCINFO_CHANNEL: server.address, ASYNCINFO_LISTEN: scope.file('l-%p.sock'), ASYNCINFO_TRACE: scope.file('t-%p.ndjson') };
    const run = await scope.run(path.join(FIXTURES, 'worker.js'), [], env);
    assert.strictEqual(run.code, 0, run.stderr);
    assert.strictEqual(run.stderr, '', 'no second listener on the same %p address');
    assert.deepStrictEqual(JSON.parse(run.stdout), { main: true, worker: false });
    const client = await server.clientOf(run.pid);
    await client.waitClosed();
    assert.strictEqual(server.clients.length, 1, 'one hello for one pid');
    assert.strictEqual(client.messages.filter((m) => m.type === 'hello').length, 1);
    const trace = fs.readFileSync(scope.file(`t-${run.pid}.ndjson`), 'utf8');
    assert.strictEqual(trace.split('\n').filter((l) => l.includes('"type":"hello"')).length, 1);
  });

  it('parses req and id without losing what came', () => {
    assert.deepStrictEqual(parseRequest('{"type":"cancel","id":4294967296,"req":18446744073709551616}'),
      { kind: 'cancel', id: 4294967296, req: '18446744073709551616' });
    assert.deepStrictEqual(parseRequest(' { "req" : "a" , "type" : "close" , "id" : 3 } '), { kind: 'close', id: 3, req: '"a"' });
    assert.strictEqual((parseRequest('{"type":"cancel","id":0,"req":1}') as { kind: string }).kind, 'bad');
    assert.strictEqual((parseRequest('{"type":"cancel","id":1,"req":[1e400]}') as { req: string }).req, 'null');
  });

  it('splits a CRLF line of exactly the limit as a line, one byte more as too long', () => {
    const lines: string[] = [];
    let tooLong = 0;
    const splitter = new LineSplitter({ line: (l) => lines.push(l), tooLong: () => tooLong++ }, 4);
    splitter.push(Buffer.from('abcd\r\nabcde\nab'));
    splitter.push(Buffer.from('cd\r'));
    splitter.push(Buffer.from('\nabcd\rx\nok\n'));
    assert.deepStrictEqual(lines, ['abcd', 'abcd', 'ok']);
    assert.strictEqual(tooLong, 2);
    assert.ok(splitter.bufferedBytes <= 5);
  });
});
