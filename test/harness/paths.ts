// Where things live. Everything the harness writes goes under the repo's ignored cache folder
// (.vscode-test/), the ignored artifacts folder (test-results/) or the OS temp folder.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repo root (this file compiles to out/test/harness/paths.js). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
/** The ignored cache folder, as @vscode/test-electron uses it. */
export const cacheDir = path.join(repoRoot, '.vscode-test');
/** Screenshots and other test artifacts (ignored). */
export const artifactsDir = path.join(repoRoot, 'test-results');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
/** The compiled extension-test entry that exports run(). */
export const extensionTestsEntry = path.join(repoRoot, 'out', 'test', 'extension', 'index.js');

export const codeServerVersion = '4.139.1';
/** code-server 4.139 needs Node 24; the machine's Node may be older. */
export const nodeMajor = 24;

/** Where `npm run package` (vsce) writes the package: <name>-<version>.vsix at the repo root. */
export function vsixPath(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  return path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
}
