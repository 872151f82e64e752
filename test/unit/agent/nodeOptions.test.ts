// NODE_OPTIONS as Node reads it: the agent is added once, in a form Node parses back to the very
// path (tabs, quotes, backslashes: every Windows path has one), and stays once in every generation
// of child processes; an envFile's NODE_OPTIONS is kept.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeOptionsArgs, withRequire } from '../../../src/protocol/environment';
import { dotenvValue, launchNodeOptions } from '../../../src/transport/launchEnv';
import { cleanEnv, ROOT } from './harness';

describe('NODE_OPTIONS', () => {
  let dir: string;
  beforeEach(() => {
    // A directory name with a tab, a quote, a backslash and a space in it.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncinfo \t"odd\\ '));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('withRequire adds the file once, however it was quoted before, and keeps the user\'s options', () => {
    const file = path.join(dir, 'agent.js');
    const once = withRequire('--max-old-space-size=512', file);
    assert.deepEqual(nodeOptionsArgs(once), ['--max-old-space-size=512', '--require', file]);
    assert.equal(withRequire(once, file), once);
    assert.equal(withRequire(`-r "${file.replace(/["\\]/g, '\\$&')}"`, file), `-r "${file.replace(/["\\]/g, '\\$&')}"`);
  });

  it('Node loads the preload from such a path, and children of children carry exactly one --require', () => {
    // The agent itself, from a path Node must parse out of NODE_OPTIONS.
    for (const f of ['agent.js', 'agentMain.js']) fs.copyFileSync(path.join(ROOT, 'dist', f), path.join(dir, f));
    const agent = path.join(dir, 'agent.js');
    const run = spawnSync(process.execPath, ['--require', agent, path.join(ROOT, 'test/fixtures/agent/generations.js')], {
      env: cleanEnv({ ASYNCINFO_TRACE: path.join(dir, 'trace-%p.ndjson'), GENERATIONS: '3' }), encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    const generations = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { depth: number; nodeOptions: string });
    assert.deepEqual(generations.map((g) => g.depth), [0, 1, 2, 3]);
    for (const g of generations.slice(1)) {
      assert.deepEqual(nodeOptionsArgs(g.nodeOptions), ['--require', agent], `generation ${g.depth}: ${g.nodeOptions}`);
    }
    // Every generation's agent ran (each wrote its own trace).
    assert.equal(fs.readdirSync(dir).filter((f) => f.startsWith('trace-')).length, 4);
  });

  it('a launch keeps the NODE_OPTIONS of its envFile when its env has none, and env wins over envFile', () => {
    const envFile = path.join(dir, '.env');
    fs.writeFileSync(envFile, '# settings\nexport OTHER=1\nNODE_OPTIONS="--max-old-space-size=256 --enable-source-maps"\n');
    assert.equal(dotenvValue(fs.readFileSync(envFile, 'utf8'), 'NODE_OPTIONS'), '--max-old-space-size=256 --enable-source-maps');
    assert.equal(launchNodeOptions({}, envFile, '--inherited'), '--max-old-space-size=256 --enable-source-maps');
    assert.equal(launchNodeOptions({ NODE_OPTIONS: '--from-env' }, envFile, '--inherited'), '--from-env');
    assert.equal(launchNodeOptions({}, path.join(dir, 'missing.env'), '--inherited'), '--inherited');
    assert.equal(dotenvValue("A=1 # note\nB='x y'\n", 'A'), '1');
    assert.equal(dotenvValue("A=1 # note\nB='x y'\n", 'B'), 'x y');
  });
});
