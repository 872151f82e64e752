// Issue 14, item 10: the preload is inherited through NODE_OPTIONS by every Node a program starts,
// old ones included. On Node 14 it must parse and step aside without a word, dormant or not.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { ensureNode } from '../../../harness/install';
import { AGENT, FIXTURES, Scope, cleanEnv } from '../harness';

const OLD_MAJOR = 14;

describe('abuse: an older Node in a child process', function () {
  this.timeout(30000);
  let oldNode: string;
  let scope: Scope;

  before(async function () {
    this.timeout(300000); // the first run installs Node 14 from the npm registry into .vscode-test/
    const where = `${process.platform}-${process.arch}`;
    try {
      oldNode = (await ensureNode(OLD_MAJOR)).node;
      const version = spawnSync(oldNode, ['--version'], { encoding: 'utf8' });
      if (version.status !== 0 || !version.stdout.startsWith(`v${OLD_MAJOR}.`)) throw new Error(`it does not run: ${version.stderr}`);
    } catch (error) {
      // Linux x64 (CI, every developer here) must have it; elsewhere npm may have no Node 14 build.
      if (where === 'linux-x64') throw error;
      console.log(`      skipped: no runnable Node ${OLD_MAJOR} for ${where} (${(error as Error).message.split('\n')[0]})`);
      this.skip();
    }
  });
  beforeEach(() => (scope = new Scope()));
  afterEach(() => scope.dispose());

  it('runs a Node 14 program with the preload in NODE_OPTIONS, dormant or configured (Node\'s own work sources too), and says nothing', () => {
    const server = scope.file('c.sock');
    const configs: Record<string, string>[] = [{}, { ASYNCINFO_CHANNEL: server, ASYNCINFO_TRACE: scope.file('t-%p'), ASYNCINFO_DEBUG: '1', ASYNCINFO_NODE: 'all' }];
    for (const extra of configs) {
      const run = spawnSync(oldNode, ['-e', 'console.log(process.version, typeof globalThis[Symbol.for("asyncinfo.agent.v1")])'], {
        env: cleanEnv({ NODE_OPTIONS: `--require ${AGENT}`, ...extra }), encoding: 'utf8',
      });
      assert.strictEqual(run.stderr, '');
      assert.strictEqual(run.status, 0);
      assert.match(run.stdout, /^v14\.\d+\.\d+ undefined\n$/, 'the agent stepped aside');
    }
  });

  it('a program observed by the agent starts a Node 14 child with the NODE_OPTIONS it inherited', async () => {
    const server = await scope.server({ path: scope.file('c.sock') });
    const run = await scope.run(path.join(FIXTURES, 'spawnsOld.js'), [oldNode], { ASYNCINFO_CHANNEL: server.address });
    assert.strictEqual(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.ok(out.nodeOptions.includes(AGENT), 'the agent handed itself down through NODE_OPTIONS');
    assert.deepStrictEqual(out.child, { status: 0, stdout: `old node ran ${spawnSync(oldNode, ['--version'], { encoding: 'utf8' }).stdout}`, stderr: '' });
    await (await server.clientOf(run.pid)).waitClosed();
    assert.strictEqual(server.clients.length, 1, 'the old child did not connect');
  });
});
