// A real program's recording, read back: the runtime's "observed": false and its parents travel
// through the agent and the trace file, and the trace's warnings are those of its last moment.
import * as assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OperationStore } from '../../../../src/core/operationStore';
import { loadTrace } from '../../../../src/core/traceFile';
import { collectWarnings } from '../../../../src/core/warnings';

const DIST = path.resolve(__dirname, '../../../../../dist');

const PROGRAM = `
const { AsyncInfo } = require(${JSON.stringify(path.join(DIST, 'runtime.js'))});
const lost = AsyncInfo.runOperation(async () => { throw new Error('lost'); }, { name: 'lost' });
const awaited = AsyncInfo.runOperation(async () => { throw new Error('seen'); }, { name: 'awaited' });
awaited.then(undefined, () => {});
const atOnce = AsyncInfo.runOperation(() => { throw new Error('thrown at once'); }, { name: 'atOnce' });
(async () => { try { await atOnce; } catch {} })();
let child;
AsyncInfo.runAction(async () => {
  child = AsyncInfo.runAction(() => new Promise((resolve) => setTimeout(resolve, 10_000)), { name: 'child' });
}, { name: 'parent' });
setTimeout(() => process.exit(0), 150); // ends with the child still running
`;

describe('warnings: a recorded trace', function () {
  this.timeout(20_000);
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncinfo-warn-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('shows the warnings of its last moment: the unseen error, the child still running when it ended', async () => {
    const program = path.join(dir, 'program.js');
    const trace = path.join(dir, 'trace.ndjson');
    fs.writeFileSync(program, PROGRAM);
    const run = spawnSync(process.execPath, ['--require', path.join(DIST, 'agent.js'), program], {
      env: { ...process.env, ASYNCINFO_TRACE: trace, NODE_OPTIONS: '' }, encoding: 'utf8', timeout: 15_000,
    });
    assert.strictEqual(run.status, 0, run.stderr);
    const store = new OperationStore();
    try {
      const [key] = await loadTrace(store, trace);
      const found = collectWarnings(store, key).map((w) => `${w.op.name}: ${w.id}`).sort();
      // `awaited` and `atOnce` were looked at (the latter a microtask after it failed: errorObserved).
      assert.deepStrictEqual(found, ['child: orphaned', 'lost: unobserved-error']);
      store.recheckWarnings();
      const byName = (name: string) => { let hit; store.forEachOp(key, (op) => { if (op.name === name) hit = op; }); return hit as unknown as { warnings: readonly string[] }; };
      assert.deepStrictEqual(byName('lost').warnings, ['unobserved-error'], 'the view shows the same');
      assert.deepStrictEqual(byName('atOnce').warnings, []);
    } finally {
      store.dispose();
    }
  });
});
