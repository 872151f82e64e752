// The `asyncinfo` command line the way a user meets it: the packed @asyncinfo/runtime installed in
// a fresh project, run with `npx asyncinfo` on a trace its own agent wrote.
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkTraceEventFormat } from '../core/export/traceEventRules';

const ROOT = path.resolve(__dirname, '../../../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

interface Outcome { code: number; stdout: string; stderr: string }

/** The environment of a user's shell: none of ours leaks in (no agent, no NODE_OPTIONS). */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ASYNCINFO_') && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, npm_config_offline: 'true', npm_config_update_notifier: 'false', ...extra };
}

describe('npx asyncinfo (the packed runtime package)', function () {
  this.timeout(60_000);
  let project: string;
  const inProject = (name: string) => path.join(project, name);

  function asyncinfo(...args: string[]): Promise<Outcome> {
    return new Promise((resolve) => {
      execFile(NPX, ['--no', '--', 'asyncinfo', ...args], { cwd: project, env: userEnv() }, (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  before(async () => {
    const tarball = execFileSync(process.execPath, [path.join(ROOT, 'src/runtime/package/pack.mjs')], { encoding: 'utf8' }).trim();
    project = mkdtempSync(path.join(os.tmpdir(), 'asyncinfo-cli-'));
    writeFileSync(inProject('package.json'), JSON.stringify({ name: 'user-app', version: '1.0.0', private: true }));
    execFileSync(NPM, ['install', tarball, '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: project, env: userEnv() });
    // The user's program, run with the package's own agent, writes the trace.
    copyFileSync(path.join(ROOT, 'test/fixtures/export/program.js'), inProject('program.js'));
    execFileSync(process.execPath, ['--require', '@asyncinfo/runtime/agent', 'program.js', '@asyncinfo/runtime'],
      { cwd: project, env: userEnv({ ASYNCINFO_TRACE: inProject('run.ndjson'), ASYNCINFO_SITES: 'frame' }) });
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  it('export --format chrome -o writes a Trace Event Format file with every op, and says so', async () => {
    const { code, stderr } = await asyncinfo('export', 'run.ndjson', '--format', 'chrome', '-o', 'run.json');
    assert.equal(code, 0, stderr);
    assert.match(stderr, /wrote 10 operations of 1 process to run\.json/);
    const { events, openBegins } = checkTraceEventFormat(JSON.parse(readFileSync(inProject('run.json'), 'utf8')));
    assert.equal(events.filter((e) => e.ph === 'X' || e.ph === 'B').length, 10);
    assert.deepEqual(openBegins.map((e) => e.name).sort(), ['forever', 'stubborn']);
  });

  it('export without -o (or with -o -) writes the JSON to stdout (for a pipe), nothing else', async () => {
    const { code, stdout, stderr } = await asyncinfo('export', 'run.ndjson');
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    const { events } = checkTraceEventFormat(JSON.parse(stdout));
    assert.equal(events.filter((e) => e.ph === 'X' || e.ph === 'B').length, 10);
    assert.equal((await asyncinfo('export', 'run.ndjson', '-o', '-')).stdout, stdout);
  });

  it('summary: counts by status, what was pending at the end (oldest first), per process', async () => {
    const { code, stdout, stderr } = await asyncinfo('summary', 'run.ndjson');
    assert.equal(code, 0, stderr);
    const lines = stdout.split('\n');
    assert.match(lines[0], /^program\.js @asyncinfo\/runtime {2}\(pid \d+, Node v[\d.]+, started \d{4}-/);
    assert.match(stdout, /10 operations: Started 2 · Completed 6 · Canceled 1 · Error 1 \(closed 4\)/);
    const pending = lines.filter((l) => /^ {4}#\d+/.test(l));
    assert.equal(pending.length, 2);
    assert.match(pending[0], /#\d+ stubborn \(action\) for \d+\.\d+ s, cancel requested by the program at .*program\.js:\d+:\d+$/);
    assert.match(pending[1], /#\d+ forever \(operation\) for/);
  });

  it('summary: the warnings that held when the trace ended, with what to do', async () => {
    const line = (m: object) => JSON.stringify(m);
    writeFileSync(inProject('warned.ndjson'), [
      line({ type: 'hello', protocol: 1, pid: 7, ppid: 1, title: 'node', argv: ['node', '/app/server.js'], cwd: '/', node: 'v20', session: null, timeOrigin: 1.7e12 }),
      line({ type: 'snapshotEnd', t: 1 }),
      line({ type: 'created', id: 1, t: 10, kind: 'action', name: 'poll', parent: null, site: '/app/server.js:3:1' }),
      line({ type: 'cancelRequested', id: 1, t: 1_000_000, source: 'client' }),
      line({ type: 'created', id: 2, t: 20, kind: 'operation', name: 'save', parent: null, site: null }),
      line({ type: 'error', id: 2, t: 30, errorCode: -2147467259, message: 'disk full', observed: false }),
      line({ type: 'created', id: 3, t: 40, kind: 'action', name: 'parent', parent: null, site: null }),
      line({ type: 'created', id: 4, t: 50, kind: 'action', name: 'child', parent: 3, site: null }),
      line({ type: 'completed', id: 3, t: 60 }),
      line({ type: 'created', id: 5, t: 70, kind: 'action', name: 'quick', parent: null, site: null }),
      line({ type: 'completed', id: 5, t: 9_000_000 }), // the trace ends 9 s in
      '',
    ].join('\n'));
    const { code, stdout } = await asyncinfo('summary', 'warned.ndjson');
    assert.equal(code, 0);
    const warnings = stdout.split('\n').filter((l) => /^ {4}[a-z-]+ +#\d/.test(l)).map((l) => l.trim().replace(/ +/g, ' '));
    assert.deepEqual(warnings, [
      'cancel-ignored #1 poll: cancel ignored 5 s',
      'unobserved-error #2 save: error nobody saw',
      'orphaned #4 child: orphaned',
    ]);
    assert.match(stdout, /what to do:\n {4}cancel-ignored: .*cancellation token/);
    const [summary] = JSON.parse((await asyncinfo('summary', 'warned.ndjson', '--json')).stdout);
    assert.deepEqual(summary.warnings.map((w: { id: string; op: number }) => [w.id, w.op]), [['cancel-ignored', 1], ['unobserved-error', 2], ['orphaned', 4]]);
    // The program's own run: short, its cancel obeyed or younger than 5 s, errors awaited: none.
    assert.match((await asyncinfo('summary', 'run.ndjson')).stdout, /\n {2}no warnings\n/);
  });

  it('summary --json: the same as data', async () => {
    const { code, stdout } = await asyncinfo('summary', '--json', 'run.ndjson');
    assert.equal(code, 0);
    const [summary] = JSON.parse(stdout);
    assert.deepEqual(summary.byStatus, { Started: 2, Completed: 6, Canceled: 1, Error: 1 });
    assert.deepEqual(summary.pending.map((p: { name: string }) => p.name).sort(), ['forever', 'stubborn']);
  });

  it('a bad trace: one line on stderr naming the file and the line, exit code 1, no output file', async () => {
    const good = readFileSync(inProject('run.ndjson'), 'utf8').split('\n');
    writeFileSync(inProject('bad.ndjson'), [good[0], good[1], '{"type":"created","id":"seven"', ...good.slice(2)].join('\n'));
    for (const args of [['export', 'bad.ndjson', '-o', 'bad.json'], ['summary', 'bad.ndjson']]) {
      const { code, stdout, stderr } = await asyncinfo(...args);
      assert.equal(code, 1, args.join(' '));
      assert.equal(stdout, '');
      assert.match(stderr, /^asyncinfo: bad\.ndjson, line 3: not JSON/);
      assert.equal(stderr.trim().split('\n').length, 1);
    }
    assert.throws(() => readFileSync(inProject('bad.json')), /ENOENT/);
    writeFileSync(inProject('wrong.ndjson'), `${good[0]}\n{"type":"created","id":1}\n`);
    assert.match((await asyncinfo('summary', 'wrong.ndjson')).stderr, /^asyncinfo: wrong\.ndjson, line 2: /);
    writeFileSync(inProject('empty.ndjson'), '');
    assert.match((await asyncinfo('summary', 'empty.ndjson')).stderr, /line 1: the file is empty/);
    const missing = await asyncinfo('summary', 'missing.ndjson');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^asyncinfo: no such file: .*missing\.ndjson/);
  });

  it('wrong arguments: what is wrong, then the usage, exit code 1; --help prints the usage, exit 0', async () => {
    for (const [args, problem] of [
      [['export', 'run.ndjson', '--format', 'pprof'], /unknown format "pprof" \(known: chrome\)/],
      [['export'], /export needs a trace file/],
      [['summary', 'a', 'b'], /takes one trace file, not 2/],
      [['summary', 'run.ndjson', '-o', 'x'], /-o is not an option of summary/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [[], /missing a command/],
    ] as const) {
      const { code, stderr } = await asyncinfo(...args);
      assert.equal(code, 1, args.join(' '));
      assert.match(stderr, problem);
      assert.match(stderr, /Usage:\n {2}asyncinfo export <trace\.ndjson> --format chrome \[-o out\.json\]/);
    }
    const help = await asyncinfo('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage:/);
    assert.match(help.stdout, /asyncinfo summary <trace\.ndjson>/);
    const version = await asyncinfo('--version');
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync(path.join(ROOT, 'src/runtime/package/package.json'), 'utf8')).version);
  });
});
