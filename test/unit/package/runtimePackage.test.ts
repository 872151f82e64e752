// @asyncinfo/runtime the way a user meets it: the tarball `npm run pack:runtime` writes, installed
// into a fresh project outside the repository (offline: the package has no dependencies), used
// from CommonJS, ES modules, strict TypeScript, as the agent preload, and beside a second copy.
import * as assert from 'node:assert';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { AGENT_PROGRAM, CJS_PROGRAM, ESM_PROGRAM, TWO_COPIES_PROGRAM, TYPED_CJS, TYPED_ESM } from './programs';

const ROOT = path.resolve(__dirname, '../../../..');
const run = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The environment of a user's shell: none of ours leaks in (no agent, no NODE_OPTIONS). */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ASYNCINFO_') && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, ...extra };
}

describe('@asyncinfo/runtime, packed and installed', function () {
  this.timeout(60_000);
  let project: string;
  let tarball: string;

  async function node(args: string[], env: Record<string, string> = {}): Promise<unknown> {
    const { stdout } = await run(process.execPath, args, { cwd: project, env: userEnv(env) });
    return JSON.parse(stdout.trim().split('\n').pop()!);
  }

  before(async () => {
    tarball = execFileSync(process.execPath, [path.join(ROOT, 'src/runtime/package/pack.mjs')], { encoding: 'utf8' }).trim();
    project = mkdtempSync(path.join(os.tmpdir(), 'asyncinfo-user-'));
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'user-app', version: '1.0.0', private: true }));
    await run(NPM, ['install', tarball, '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: project, env: userEnv() });
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  it('the tarball holds the bundles, declarations, README and LICENSE: no sources, tests or maps', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'runtime.js', 'agent.js', 'index.mjs', 'index.d.ts', 'index.d.mts', 'types/runtime/index.d.ts',
      'cli.js', 'otel.js', 'otel.d.ts', 'types/otel/index.d.ts']) {
      assert.ok(files.includes(needed), `${needed} is in the tarball`);
    }
    assert.deepStrictEqual(files.filter((f) => /\.map$|\.ts$(?<!\.d\.ts)|\.mts$(?<!\.d\.mts)|test/.test(f)), []);
    const installed = path.join(project, 'node_modules/@asyncinfo/runtime');
    assert.doesNotMatch(readFileSync(path.join(installed, 'runtime.js'), 'utf8'), /sourceMappingURL/);
    const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8'));
    assert.strictEqual(manifest.engines.node, '>=16');
    assert.strictEqual(manifest.dependencies, undefined);
    assert.deepStrictEqual(manifest.bin, { asyncinfo: './cli.js' });
    assert.deepStrictEqual(manifest.peerDependenciesMeta, { '@opentelemetry/api': { optional: true } });
    assert.strictEqual(path.basename(tarball), `asyncinfo-runtime-${manifest.version}.tgz`);
  });

  it('a CommonJS program', async () => {
    writeFileSync(path.join(project, 'app.cjs'), CJS_PROGRAM);
    assert.deepStrictEqual(await node(['app.cjs']), {
      results: [42, 'from afar', 'promised'], status: 'Completed', illegal: 'E_ILLEGAL_METHOD_CALL',
      resolved: '@asyncinfo/runtime/runtime.js',
    });
  });

  it('an ES module program: the same implementation as require() gives', async () => {
    writeFileSync(path.join(project, 'app.mjs'), ESM_PROGRAM);
    assert.deepStrictEqual(await node(['app.mjs']), {
      status: 'Completed', oneImplementation: true, uniqueIds: true, seen: ['created', 'progress', 'completed', 'created'],
    });
  });

  it('tsc --strict --noEmit on TypeScript that uses every factory and member (ES module and CommonJS)', async () => {
    writeFileSync(path.join(project, 'typed.mts'), TYPED_ESM);
    writeFileSync(path.join(project, 'typed.cts'), TYPED_CJS);
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const args = [tsc, '--strict', '--noEmit', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022',
      '--types', 'node', '--typeRoots', path.join(ROOT, 'node_modules/@types'), 'typed.mts', 'typed.cts'];
    try {
      await run(process.execPath, args, { cwd: project, env: userEnv() });
    } catch (error) {
      assert.fail(`tsc found errors:\n${(error as { stdout?: string }).stdout}`);
    }
  });

  it('node --require @asyncinfo/runtime/agent ships the ops to a client, sources included', async () => {
    writeFileSync(path.join(project, 'agent-app.js'), AGENT_PROGRAM);
    const socketPath = path.join(project, 'client.sock');
    const lines: Record<string, unknown>[] = [];
    const server = net.createServer((socket) => {
      let buffer = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        const parts = buffer.split('\n');
        buffer = parts.pop()!;
        for (const line of parts) if (line) lines.push(JSON.parse(line));
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      await run(process.execPath, ['--require', '@asyncinfo/runtime/agent', 'agent-app.js'],
        { cwd: project, env: userEnv({ ASYNCINFO_CHANNEL: socketPath }) });
      await new Promise((resolve) => setTimeout(resolve, 100)); // the last bytes in flight
    } finally {
      server.close();
    }
    assert.strictEqual(lines[0]?.type, 'hello');
    const created = lines.filter((m) => m.type === 'created').map((m) => [m.name, m.source ?? null]);
    assert.deepStrictEqual(created, [['observed op', 'observed'], ['runtime op', null], ['promise op', 'promise']]);
    assert.deepStrictEqual(lines.filter((m) => m.type === 'completed').length, 3);
  });

  it("a second copy of the runtime (the repository's dist/runtime.js) shares one hub with the package", async () => {
    writeFileSync(path.join(project, 'two-copies.js'), TWO_COPIES_PROGRAM);
    const got = await node(['two-copies.js', path.join(ROOT, 'dist/runtime.js')]) as {
      distinct: boolean; ids: number[]; snapshotIds: number[]; canceled: boolean[];
    };
    assert.strictEqual(got.distinct, true);
    assert.strictEqual(new Set(got.ids).size, got.ids.length, 'ids unique across copies');
    assert.deepStrictEqual([...got.snapshotIds].sort((a, b) => a - b), [...got.ids].sort((a, b) => a - b), 'one snapshot holds both');
    assert.deepStrictEqual(got.canceled, got.ids.map(() => true), "the hub's cancel reaches both");
  });
});
