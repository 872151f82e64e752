// Runs the extension-test entry in desktop VS Code through @vscode/test-electron, for machines
// that can download VS Code (it caches it in .vscode-test/ like everything else here).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath, runTests } from '@vscode/test-electron';
import type { ExtensionTestRun } from './extensionTestRun';
import { cacheDir } from './paths';

/** Downloads (or finds in the cache) desktop VS Code; rejects quickly when it can't be reached. */
export function downloadVSCode(): Promise<string> {
  return downloadAndUnzipVSCode({ cachePath: cacheDir, timeout: 15_000 });
}

export async function runExtensionTestsInElectron(run: ExtensionTestRun, vscodeExecutablePath: string): Promise<number> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncops-vscode-'));
  const userDataDir = path.join(scratch, 'user-data');
  const extensionsDir = path.join(scratch, 'extensions');
  try {
    const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath);
    for (const vsix of run.vsix) {
      const result = spawnSync(cli!, [...cliArgs, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
        '--install-extension', vsix], { encoding: 'utf8', stdio: 'inherit' });
      if (result.status !== 0) throw new Error(`installing ${vsix} failed (exit ${result.status})`);
    }
    try {
      await runTests({
        vscodeExecutablePath,
        extensionDevelopmentPath: run.extensionDevelopmentPath,
        extensionTestsPath: run.extensionTestsPath,
        extensionTestsEnv: run.env,
        launchArgs: [run.folder, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
          '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      });
      return 0;
    } catch {
      return 1; // runTests rejects when the suite fails; mocha has printed why.
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
