// Issue 10: a real third-party suite that does HTTP on loopback (needle's own tests: servers,
// clients, redirects, proxies, streams, TLS, timeouts) passes the same with the agent preloaded,
// every Node source on (every timer too) and a client reading every event, as without the agent.
// needle and its test dependencies are installed once from the npm registry into .vscode-test/;
// its test keys are not in the package, so a throwaway self-signed pair is made with openssl.
import * as assert from 'assert';
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ensurePackages } from '../../harness/install';
import { AGENT, Scope, cleanEnv } from './harness';

const SUITE = ['needle@3.5.0', 'JSONStream@1.3.5', 'jschardet@1.6.0', 'pump@3.0.0', 'q@1.5.1', 'should@13.2.3', 'sinon@2.4.1', 'xml2js@0.4.23'];
const MOCHA = require.resolve('mocha/bin/mocha.js');

interface SuiteRun { passed: Set<string>; failed: Set<string>; total: number }

describe('a third-party HTTP suite (needle\'s tests) with every Node source on', function () {
  this.timeout(180000);
  let needle: string;
  let scope: Scope;

  before(async function () {
    this.timeout(300000);
    needle = path.join(await ensurePackages('needle-suite-3.5.0', SUITE), 'needle');
    const keys = path.join(needle, 'test', 'keys');
    if (!fs.existsSync(path.join(keys, 'ssl.cert'))) {
      fs.mkdirSync(keys, { recursive: true });
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '3650',
        '-keyout', path.join(keys, 'ssl.key'), '-out', path.join(keys, 'ssl.cert')], { stdio: 'ignore' });
    }
  });
  beforeEach(() => (scope = new Scope()));
  afterEach(() => scope.dispose());

  /** needle's suite in a fresh node; `env` with the agent preloaded. */
  async function runSuite(env: Record<string, string> | undefined): Promise<SuiteRun> {
    const extra = env === undefined ? {} : { NODE_OPTIONS: `--require ${AGENT}`, ...env };
    const child = scope.track(spawn(process.execPath, [MOCHA, '--reporter', 'json', '--timeout', '10000', 'test/*_spec.js'], {
      cwd: needle, env: cleanEnv(extra), stdio: ['ignore', 'pipe', 'pipe'],
    }));
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.resume();
    await new Promise((resolve) => child.on('close', resolve));
    const report = JSON.parse(out.slice(out.indexOf('{'))) as { passes: { fullTitle: string }[]; failures: { fullTitle: string }[]; stats: { tests: number } };
    return {
      passed: new Set(report.passes.map((t) => t.fullTitle)),
      failed: new Set(report.failures.map((t) => t.fullTitle)),
      total: report.stats.tests,
    };
  }

  it('passes every test it passes without the agent, and the agent shows its requests', async () => {
    const bare = await runSuite(undefined);
    assert.ok(bare.passed.size > 250, `the suite ran (${bare.passed.size} of ${bare.total} passed)`);
    const server = await scope.server({ path: scope.file('c.sock') });
    const observed = await runSuite({ ASYNCINFO_CHANNEL: server.address, ASYNCINFO_NODE: 'all', ASYNCINFO_TIMERS_MIN_MS: '0', ASYNCINFO_PARENTS: 'async' });
    const lost = [...bare.passed].filter((title) => !observed.passed.has(title));
    assert.deepStrictEqual(lost, [], 'tests that pass without the agent fail with it');
    assert.strictEqual(observed.total, bare.total);
    const messages = server.clients.flatMap((c) => c.messages);
    const sources = new Set(messages.filter((m) => m.type === 'created').map((m) => m.source));
    for (const source of ['node:http-server', 'node:http-client', 'node:timers']) assert.ok(sources.has(source), `${source} ops seen (${[...sources].join(', ')})`);
    const created = messages.filter((m) => m.type === 'created').length;
    assert.ok(created > 500, `${created} ops`);
  });
});
