// What an extension-test run needs, whichever VS Code runs it.
import * as path from 'node:path';
import { artifactsDir, extensionTestsEntry, fixturesDir, repoRoot } from './paths';

export interface ExtensionTestRun {
  /** The compiled module exporting run(); default out/test/extension/index.js. */
  extensionTestsPath: string;
  /** The extension loaded from source; `emptyExtensionPath` to test only what `vsix` installs
   * (VS Code runs extension tests only in extension-development mode). */
  extensionDevelopmentPath: string;
  /** .vsix files installed before VS Code starts. */
  vsix: readonly string[];
  /** The workspace folder to open; default test/fixtures. */
  folder: string;
  /** Environment for the extension host (and the debuggees it starts). */
  env: Record<string, string>;
  timeoutMs: number;
  /** code-server forwards the workbench's whole log: it goes here, the tests' lines to stdout. */
  hostLogFile: string;
}

/** An extension with no code, the development extension when the one under test is installed. */
export const emptyExtensionPath = path.join(fixturesDir, 'empty-extension');

export function defaultRun(overrides: Partial<ExtensionTestRun> = {}): ExtensionTestRun {
  return {
    extensionTestsPath: extensionTestsEntry,
    extensionDevelopmentPath: repoRoot,
    vsix: [],
    folder: fixturesDir,
    env: {},
    timeoutMs: Number(process.env.ASYNCOPS_TEST_TIMEOUT_MS ?? 5 * 60_000),
    hostLogFile: path.join(artifactsDir, 'extension-host.log'),
    ...overrides,
  };
}
