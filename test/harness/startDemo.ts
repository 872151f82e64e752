// `npm start`: a real VS Code (code-server) with the packaged extension installed and the demo
// workspace open. Prints the local URL and runs until Ctrl+C, then stops its process group.
// DEMO_PORT picks the port (default: a free one).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCodeServer } from './codeServer';
import { cacheDir, fixturesDir, vsixPath } from './paths';
import { isShuttingDown } from './processGroup';

async function main(): Promise<void> {
  const vsix = vsixPath();
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run npm run package first (npm start does)`);
  // A fresh profile each time, so the demo always shows the extension as just installed.
  const scratchDir = path.join(cacheDir, 'demo');
  fs.rmSync(scratchDir, { recursive: true, force: true });
  const server = await startCodeServer({
    vsix: [vsix],
    scratchDir,
    port: Number(process.env.DEMO_PORT ?? 0),
  });
  const url = server.workbenchUrl(path.join(fixturesDir, 'demo'));
  console.log([
    '',
    `  VS Code (code-server) with ${path.basename(vsix)} is running:`,
    '',
    `      ${url}`,
    '',
    '  Open it in a browser, then Run and Debug (Ctrl+Shift+D) > "Demo: live async operations" > F5,',
    '  and watch the Async Operations view. Ctrl+C here stops everything.',
    '',
  ].join('\n'));
  const code = await server.group.exited;
  if (isShuttingDown()) return; // Ctrl+C: the process-group safety net stops it and exits
  console.error(`code-server exited (${code})`);
  await server.stop();
  process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
