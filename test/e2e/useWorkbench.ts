// Mocha hooks for UI tests: one workbench (code-server + headless Chromium) per describe block,
// a screenshot of every failed test, and both processes stopped however the block ends.
import { openWorkbench, type Workbench, type WorkbenchOptions } from '../harness/workbench';

/** Call inside describe(); the returned getter gives the open workbench inside tests. */
export function useWorkbench(options: WorkbenchOptions): () => Workbench {
  let workbench: Workbench | undefined;
  before(async function () {
    this.timeout(240_000); // a cold cache installs code-server first (about 3 minutes)
    workbench = await openWorkbench(options);
  });
  afterEach(async function () {
    const test = this.currentTest;
    if (workbench && test?.state === 'failed') {
      const name = `FAILED ${test.fullTitle()}`;
      const file = await workbench.screenshot(name).catch(() => undefined);
      if (file) console.log(`    screenshot: ${file}`);
      console.log(`    logs: ${workbench.saveLogs(name)}`);
    }
  });
  after(async function () {
    this.timeout(30_000);
    await workbench?.close();
  });
  return () => {
    if (!workbench) throw new Error('the workbench did not open (see the before-all hook)');
    return workbench;
  };
}
