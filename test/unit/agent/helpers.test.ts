// The pure pieces the agent (and the extension) build on: addresses, the line splitter, the
// agent's reading of its environment.
import * as assert from 'assert';
import { formatAddress, parseAddress } from '../../../src/protocol/address';
import { LineSplitter } from '../../../src/protocol/lineSplitter';
import { readConfig } from '../../../src/agent/config';

describe('agent helpers', () => {
  it('parses TCP addresses and treats everything else as a path', () => {
    assert.deepStrictEqual(parseAddress('tcp://127.0.0.1:9229'), { kind: 'tcp', host: '127.0.0.1', port: 9229 });
    assert.deepStrictEqual(parseAddress('localhost:0'), { kind: 'tcp', host: 'localhost', port: 0 });
    assert.deepStrictEqual(parseAddress(':0'), { kind: 'tcp', host: '127.0.0.1', port: 0 });
    assert.deepStrictEqual(parseAddress('[::1]:80'), { kind: 'tcp', host: '::1', port: 80 });
    for (const path of ['/tmp/a.sock', '\\\\.\\pipe\\asyncinfo', 'example.com:80', 'C:\\x.sock', '127.0.0.1:99999', 'a:b']) {
      assert.deepStrictEqual(parseAddress(path), { kind: 'path', path });
    }
    assert.strictEqual(formatAddress({ kind: 'tcp', host: '::1', port: 5 }), 'tcp://[::1]:5');
    assert.strictEqual(formatAddress(parseAddress('/x')), '/x');
  });

  it('splits lines across chunks, drops blank ones and a final \\r, refuses long ones once', () => {
    const lines: string[] = [];
    let tooLong = 0;
    const splitter = new LineSplitter({ line: (l) => lines.push(l), tooLong: () => tooLong++ }, 10);
    splitter.push(Buffer.from('ab'));
    splitter.push(Buffer.from('c\n\n  \r\nd\r\n'));
    assert.deepStrictEqual(lines, ['abc', 'd']);
    splitter.push(Buffer.from('0123456789')); // exactly the limit: fine
    splitter.push(Buffer.from('\n0123456789A'));
    assert.strictEqual(tooLong, 1);
    splitter.push(Buffer.from('more and more'));
    assert.strictEqual(tooLong, 1, 'once per line');
    assert.ok(splitter.bufferedBytes <= 10);
    splitter.push(Buffer.from('tail\nok\n'));
    assert.deepStrictEqual(lines, ['abc', 'd', '0123456789', 'ok']);
    // A UTF-8 sequence split between chunks decodes whole.
    const euro = Buffer.from('€\n');
    splitter.push(euro.subarray(0, 1));
    splitter.push(euro.subarray(1));
    assert.strictEqual(lines.at(-1), '€');
  });

  it('reads its environment: dormant when empty, %p, and hides per-process variables', () => {
    assert.strictEqual(readConfig({}, 1), undefined);
    assert.strictEqual(readConfig({ ASYNCINFO_CHANNEL: '' }, 1), undefined);
    const env: NodeJS.ProcessEnv = {
      ASYNCINFO_CHANNEL: 'tcp://127.0.0.1:1', ASYNCINFO_LISTEN: '/l-%p', ASYNCINFO_LISTEN_FILE: '/f',
      ASYNCINFO_TRACE: '/t', ASYNCINFO_TOKEN: 'k', ASYNCINFO_SESSION: 's%p',
    };
    const config = readConfig(env, 42)!;
    assert.deepStrictEqual(config.listen, { kind: 'path', path: '/l-42' });
    assert.strictEqual(config.session, 's42');
    assert.strictEqual(config.trace, '/t');
    assert.deepStrictEqual(Object.keys(env).sort(), ['ASYNCINFO_CHANNEL', 'ASYNCINFO_LISTEN', 'ASYNCINFO_SESSION', 'ASYNCINFO_TOKEN']);
  });
});

describe('codec fast path', () => {
  it('prints the hot messages byte for byte as JSON.stringify does, and anything else the general way', () => {
    const { encodeLine } = require('../../../src/protocol/codec') as typeof import('../../../src/protocol/codec');
    const names = ['download', '', 'quote"back\\slash', 'line\nbreak', '\u2028', 'emoji 😀', '\ud800'];
    const messages: object[] = [];
    for (const name of names) {
      for (const site of [null, '/a b/c.js:1:2', 'C:\\x\\y.js:3:4']) {
        for (const kind of ['action', 'operation', 'actionWithProgress', 'operationWithProgress']) {
          messages.push({ type: 'created', id: 4294967295, t: 123456789012, kind, name, parent: 3, site });
          messages.push({ type: 'created', id: 1, t: 0, kind, name, parent: null, site });
        }
      }
    }
    for (const type of ['completed', 'canceled', 'closed']) messages.push({ type, id: 7, t: 1520 }, { type, id: 7, t: -1 });
    for (const m of messages) assert.strictEqual(encodeLine(m as never), JSON.stringify(m) + '\n');
    // Extra fields, odd numbers: the general path keeps them as JSON.stringify would.
    const extra = { type: 'created', id: 1, t: 2, kind: 'action', name: 'n', parent: null, site: null, stack: 'at x' };
    assert.strictEqual(encodeLine(extra as never), JSON.stringify(extra) + '\n');
    const nan = { type: 'completed', id: 1, t: NaN };
    assert.strictEqual(encodeLine(nan as never), JSON.stringify(nan) + '\n');
    const more = { type: 'closed', id: 1, t: 2, why: 'x' };
    assert.strictEqual(encodeLine(more as never), JSON.stringify(more) + '\n');
  });
});
