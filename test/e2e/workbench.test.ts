// A real VS Code (code-server) in Chromium: the workbench loads with this extension, Run and Debug
// opens, and the demo's launch configuration starts and stops. Screenshots go to test-results/.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { fixturesDir } from '../harness/paths';
import { commandPaletteHas, openRunAndDebug, startDebugging, stopDebugging, treeRow } from '../harness/workbenchUi';
import { useWorkbench } from './useWorkbench';

describe('workbench', () => {
  const workbench = useWorkbench({ folder: path.join(fixturesDir, 'demo') });

  it('loads with the extension (its commands are in the Command Palette)', async () => {
    assert.equal(await commandPaletteHas(workbench().page, 'Async Operations: Open Trace...'), true);
  });

  it('opens Run and Debug (Ctrl+Shift+D) with the demo launch configuration', async () => {
    const { page } = workbench();
    const sidebar = await openRunAndDebug(page);
    await sidebar.locator('.start-debug-action-item', { hasText: 'Demo: live async operations' }).waitFor();
    await workbench().screenshot('run-and-debug');
  });

  it('starts the demo (Start button) and stops it (Shift+F5)', async () => {
    const { page } = workbench();
    await openRunAndDebug(page);
    await startDebugging(page);
    await treeRow(page.locator('.part.sidebar'), /demo\.js/).waitFor({ timeout: 30_000 });
    await page.locator('.repl', { hasText: 'Async operations demo' }).waitFor({ timeout: 30_000 });
    await workbench().screenshot('demo-running');
    await stopDebugging(page);
  });
});
