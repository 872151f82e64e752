// Creation sites while a debugger is attached: an open inspector with Runtime enabled, as in every
// VS Code debug session (V8 then records a detailed stack with every error stack it captures). The
// sites must be exactly those captured without a debugger, for every factory, in shallow and deep
// stacks, on the Node the tests run on and on the harness's Node 24.
import * as assert from 'node:assert';
import { ensureNode } from '../../harness/install';
import { runInChild } from './support';

// Node 24 is installed here on first use (a clean clone runs the unit tests before anything else
// has installed it).
const nodes: Array<{ label: string; path: () => Promise<string> }> = [
  { label: `Node ${process.versions.node.split('.')[0]}, this machine's`, path: async () => process.execPath },
  { label: 'Node 24, the harness\'s', path: async () => (await ensureNode(24)).node },
];

describe('creation sites under a debugger', () => {
  for (const { label, path: nodePath } of nodes) {
    it(`are the factory caller's file:line:column, as without a debugger (${label})`, async function () {
      this.timeout(300_000); // the first run installs Node 24 (about 10 s)
      const node = await nodePath();
      const result = await runInChild(async (rt) => {
        const dc = require('node:diagnostics_channel') as typeof import('node:diagnostics_channel');
        const inspector = require('node:inspector') as typeof import('node:inspector');
        const { AsyncInfo } = rt;
        const sites: (string | null)[] = [];
        dc.subscribe('asyncinfo:lifecycle', (m) => {
          const message = m as { type: string; site: string | null };
          if (message.type === 'created') sites.push(message.site);
        });
        AsyncInfo.configure({ sites: 'frame' });
        const never = new Promise<void>(() => {});
        const foreign = { id: 1, status: 0, errorCode: 0, completed: null, cancel() {}, close() {}, getResults() {} };
        // One line per factory: the site of each is that line, whichever way it is reached.
        const makers = [
          () => AsyncInfo.runOperation(async () => 1),
          () => AsyncInfo.runActionWithProgress(async () => {}),
          () => AsyncInfo.fromPromise(never),
          () => AsyncInfo.observe({ ...foreign }),
        ];
        const deep = (n: number, f: () => unknown): unknown => (n === 0 ? f() : deep(n - 1, f));
        const round = () => makers.flatMap((make) => [make(), deep(20, make), make()]).map(() => sites.shift());
        const without = round();
        inspector.open(0, '127.0.0.1', false);
        const session = new inspector.Session();
        session.connect();
        session.post('Runtime.enable');
        const first = round();
        const then = round();
        session.disconnect();
        inspector.close();
        return { without, first, then };
      }, { node });
      assert.ok(result.without.every((site) => typeof site === 'string' && /:\d+:\d+$/.test(site)), JSON.stringify(result.without));
      assert.deepStrictEqual(result.first, result.without);
      assert.deepStrictEqual(result.then, result.without);
    });
  }
});
