// Thousands of random and malformed lines and byte sequences at a live agent: afterwards the
// program is unharmed (running, its ops as they were, nothing polluted) and valid commands work.
import * as assert from 'assert';
import { Scope, readAddressFile, type Client, type Program } from './harness';

/** Deterministic, so a failure can be replayed: mulberry32. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20261123;

class Fuzzer {
  constructor(private readonly next: () => number) {}

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }

  /** A value of any JSON type, ids that name no op, and hostile keys. */
  value(depth = 0): unknown {
    switch (this.int(depth > 2 ? 6 : 9)) {
      case 0: return null;
      case 1: return this.pick([true, false]);
      case 2: return this.pick([0, -1, 1.5, 2 ** 32, 2 ** 53, -0, 1e308, 1_000_000 + this.int(1e6)]);
      case 3: return this.pick(['', 'cancel', 'close', 'auth', '__proto__', 'constructor', 'toString', '\u0000', '\ud800', 'x'.repeat(this.int(5000))]);
      case 4: return this.int(1e9);
      case 5: return String(this.int(1e6));
      case 6: return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
      case 7: return this.object(depth + 1);
      default: return JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}');
    }
  }

  object(depth = 0): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    const keys = ['type', 'id', 'req', 'token', 'constructor', 'prototype', 'x'];
    for (let i = this.int(5); i > 0; i--) Object.defineProperty(o, this.pick(keys), { value: this.value(depth), enumerable: true, configurable: true, writable: true });
    return o;
  }

  /** One line (without its newline) of some kind of garbage. */
  line(): Buffer {
    switch (this.int(10)) {
      case 0: return this.bytes(this.int(200));
      case 1: return Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80].slice(0, 1 + this.int(11)));
      case 2: return Buffer.from(JSON.stringify(this.value()) ?? 'undefined');
      case 3: return Buffer.from(`{"type":"${this.pick(['cancel', 'close'])}","id":${JSON.stringify(this.value())},"req":${JSON.stringify(this.value())}}`);
      case 4: return Buffer.from('{"__proto__":{"polluted":1},"type":"cancel","id":1000001,"req":"p"}');
      case 5: return Buffer.from('{"constructor":{"prototype":{"polluted":1}},"type":"constructor","req":1}');
      case 6: return Buffer.from(JSON.stringify(this.object()));
      case 7: return Buffer.from(`{"type":"cancel","id":${1_000_000 + this.int(1e6)},"req":"${this.int(1e6)}"`); // unterminated
      case 8: return Buffer.from('require("child_process").execSync("touch /tmp/asyncinfo-pwned")');
      default: return Buffer.concat([Buffer.from('{"type":"close","id":'), this.bytes(8), Buffer.from('}')]);
    }
  }
}

describe('agent fuzz', function () {
  this.timeout(120000);
  let scope: Scope;
  beforeEach(() => (scope = new Scope()));
  afterEach(() => scope.dispose());

  async function assertUnharmed(program: Program, client: Client, ids: number[]): Promise<void> {
    for (const id of ids) assert.strictEqual((await program.call('status', { id })).status, 0, `op ${id} still running`);
    assert.deepStrictEqual((await program.call('polluted')).polluted, []);
    assert.strictEqual((await program.call('roundTrip')).ok, true);
    assert.strictEqual((await client.request({ type: 'cancel', id: ids[0], req: 'valid-cancel' })).ok, true);
    assert.strictEqual((await program.call('status', { id: ids[0] })).status, 2);
    await program.call('complete', { id: ids[1] });
    assert.strictEqual((await client.request({ type: 'close', id: ids[1], req: 'valid-close' })).ok, true);
  }

  it('survives thousands of malformed lines and byte sequences from an admitted client', async () => {
    const fuzz = new Fuzzer(random(SEED));
    const sock = scope.file('agent.sock');
    const program = await scope.program({ ASYNCINFO_LISTEN: sock });
    const ids = [await program.start(), await program.start(), await program.start()];
    const client = await scope.dial(sock);
    await client.waitForType('snapshotEnd');

    const parts: Buffer[] = [];
    for (let i = 0; i < 5000; i++) {
      parts.push(fuzz.line(), Buffer.from(fuzz.pick(['\n', '\n', '\n', '\r\n', '\n\n'])));
      if (i % 1000 === 500) parts.push(Buffer.alloc(1024 * 1024 + 1 + fuzz.int(100000), 0x61), Buffer.from('\n')); // over 1 MiB
    }
    // Written in random pieces, so lines arrive split anywhere (UTF-8 sequences included).
    const stream = Buffer.concat(parts);
    const lines = stream.filter((byte) => byte === 10).length;
    for (let at = 0; at < stream.length;) {
      const n = 1 + fuzz.int(fuzz.pick([10, 1000, 100000]));
      client.socket.write(stream.subarray(at, at + n));
      at += n;
    }
    client.send('\n');
    client.send({ type: 'cancel', id: 1_999_999_999, req: 'marker' });
    await client.waitFor((m) => m.req === 'marker', 'the marker reply');

    const replies = client.messages.filter((m) => m.type === 'reply' && m.req !== 'marker');
    assert.ok(replies.length > lines / 2 && replies.length <= lines, `${replies.length} replies to ${lines} lines`);
    for (const r of replies) {
      assert.strictEqual(r.ok, false, JSON.stringify(r));
      assert.ok(['BAD_REQUEST', 'NOT_FOUND'].includes((r.error as { code: string }).code), JSON.stringify(r));
    }
    assert.ok(replies.filter((r) => r.req === null).length >= 5, 'the huge lines were refused');
    assert.ok(!client.closed);
    await assertUnharmed(program, client, ids);
  });

  it('closes unauthenticated TCP connections on garbage, sending nothing, and stays usable', async () => {
    const fuzz = new Fuzzer(random(SEED + 1));
    const file = scope.file('address');
    const program = await scope.program({ ASYNCINFO_LISTEN: '127.0.0.1:0', ASYNCINFO_LISTEN_FILE: file, ASYNCINFO_TOKEN: 'tok' });
    const address = await readAddressFile(file);
    const ids = [await program.start(), await program.start()];
    for (let i = 0; i < 40; i++) {
      const stranger = await scope.dial(address);
      for (let j = 0; j < 20; j++) stranger.socket.write(Buffer.concat([fuzz.line(), Buffer.from('\n')]));
      await stranger.waitClosed();
      assert.strictEqual(stranger.raw, '');
    }
    const client = await scope.dial(address);
    client.send({ type: 'auth', token: 'tok' });
    await client.waitForType('snapshotEnd');
    await assertUnharmed(program, client, ids);
    assert.strictEqual(program.stderr, '');
  });
});
