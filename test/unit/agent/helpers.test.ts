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
