// `npm run test:extension` and `npm run test:vsix`: runs test/extension's mocha suite in a real
// VS Code extension host and exits with its result.
//
//   node out/test/harness/runExtensionTests.js [--vsix [file.vsix]] [--grep <pattern>]
//
// --vsix installs the package (default: the one `npm run package` wrote) and tests it instead of
// the source folder.
//
// VSCODE_TEST_HOST picks the VS Code: `electron` (desktop, downloaded by @vscode/test-electron),
// `code-server` (the web one from npm, in headless Chromium), or unset: desktop when it can be
// downloaded, otherwise code-server.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultRun, emptyExtensionPath, type ExtensionTestRun } from './extensionTestRun';
import { runExtensionTestsInCodeServer } from './extensionTestsInCodeServer';
import { downloadVSCode, runExtensionTestsInElectron } from './extensionTestsInElectron';
import { artifactsDir, vsixPath } from './paths';
import { stopAllGroups } from './processGroup';

export type TestHost = 'electron' | 'code-server' | 'auto';

export async function runExtensionTests(run: ExtensionTestRun, host: TestHost = hostFromEnv()): Promise<number> {
  if (host !== 'code-server') {
    try {
      const vscode = await downloadVSCode();
      return await runExtensionTestsInElectron(run, vscode);
    } catch (error) {
      if (host === 'electron') throw error;
      console.log(`Desktop VS Code is not available (${firstLine(error)}); using code-server.`);
    }
  }
  return runExtensionTestsInCodeServer(run);
}

function hostFromEnv(): TestHost {
  const value = process.env.VSCODE_TEST_HOST ?? 'auto';
  if (value === 'electron' || value === 'code-server' || value === 'auto') return value;
  throw new Error(`VSCODE_TEST_HOST must be electron, code-server or auto (got ${value})`);
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0] ?? '';
}

function optionValue(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  const value = index >= 0 ? args[index + 1] : undefined;
  return value?.startsWith('--') ? undefined : value;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const vsix = args.includes('--vsix') ? optionValue(args, '--vsix') ?? vsixPath() : undefined;
  if (vsix && !fs.existsSync(vsix)) throw new Error(`${vsix} does not exist: run npm run package first`);
  const grep = optionValue(args, '--grep') ?? process.env.ASYNCOPS_TEST_GREP;
  const env: Record<string, string> = {};
  if (grep) env.ASYNCOPS_TEST_GREP = grep;
  if (process.stdout.isTTY) env.ASYNCOPS_TEST_COLOR = '1';
  // With a .vsix, the extension must come from it: no development path, and the tests check it.
  if (vsix) env.ASYNCOPS_EXPECT_INSTALLED_EXTENSION = '1';
  const run = defaultRun({
    vsix: vsix ? [path.resolve(vsix)] : [],
    ...(vsix ? { extensionDevelopmentPath: emptyExtensionPath, hostLogFile: path.join(artifactsDir, 'extension-host-vsix.log') } : {}),
    env,
  });
  const code = await runExtensionTests(run);
  await stopAllGroups();
  process.exit(code);
}

if (require.main === module) {
  main().catch(async (error: unknown) => {
    console.error(error);
    await stopAllGroups();
    process.exit(1);
  });
}
