// Runs the extension-test entry inside code-server's real Node extension host. The extension host
// starts only when a workbench connects, so a headless Chromium opens the workbench with VS Code's
// web payload (extensionDevelopmentPath, extensionTestsPath); with the smoke-test driver enabled
// the workbench hands the host's console to window.codeAutomationLog and its exit code to
// window.codeAutomationExit.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { terminalMark } from '../extension/support';
import type { ExtensionTestRun } from './extensionTestRun';
import { openWorkbench } from './workbench';

export async function runExtensionTestsInCodeServer(run: ExtensionTestRun): Promise<number> {
  let onExit: ((code: number) => void) | undefined;
  const exited = new Promise<number>((resolve) => (onExit = resolve));
  const print = (line: string): void => void process.stdout.write(`${line}\n`);
  const verbose = process.env.ASYNCOPS_TEST_VERBOSE === '1';
  fs.mkdirSync(path.dirname(run.hostLogFile), { recursive: true });
  const hostLog = fs.createWriteStream(run.hostLogFile);
  const onMessage = (message: string): void => {
    hostLog.write(`${message}\n`);
    if (message.startsWith(terminalMark)) print(message.slice(terminalMark.length));
    else if (verbose) print(message);
  };
  const workbench = await openWorkbench({
    folder: run.folder,
    extensionDevelopmentPath: run.extensionDevelopmentPath,
    vsix: run.vsix,
    env: run.env,
    smokeTestDriver: true,
    payload: (server) => [['extensionTestsPath', server.remoteUri(run.extensionTestsPath)]],
    async beforeLoad(page) {
      await page.exposeFunction('codeAutomationLog', (_level: string, message: unknown) => onMessage(String(message)));
      await page.exposeFunction('codeAutomationExit', (code: number) => onExit?.(code));
    },
  });
  try {
    const timeout = new Promise<number>((resolve) => setTimeout(() => {
      print(`extension tests did not finish within ${run.timeoutMs / 1000} s (log: ${run.hostLogFile})`);
      resolve(1);
    }, run.timeoutMs).unref());
    const code = await Promise.race([exited, timeout]);
    if (code !== 0) print(`The workbench's log: ${path.relative(process.cwd(), run.hostLogFile)}`);
    return code;
  } finally {
    await workbench.close();
    hostLog.end();
  }
}
