// Mocha hooks for UI tests: one workbench (code-server + headless Chromium) per describe block,
// a screenshot of every failed test (and of every failed try of a test that retries), and both
// processes stopped however the block ends.
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
    // A try that failed and will run again has no state yet (mocha sets it on the last try only).
    const retrying = test !== undefined && test.state === undefined && !test.isPending();
    if (workbench && test && (test.state === 'failed' || retrying)) {
      const name = `${retrying ? `RETRIED ${(test as unknown as { currentRetry(): number }).currentRetry() + 1}` : 'FAILED'} ${test.fullTitle()}`;
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

/** A test body whose error is printed when it throws: mocha reports only the last try of a test
 *  that retries, and a flaky first try is the one worth reading. */
export function printingErrors(body: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await body();
    } catch (error) {
      console.log(`    a try failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      throw error;
    }
  };
}
