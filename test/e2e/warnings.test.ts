// Warnings through the real UI: the demo's mistakes show with a warning icon and their reason on
// their rows, the view filters to them with `is:warning`, and the Problems panel lists them from
// source Async Operations. The demo's 5,000 chunks of one upload show as one row that expands. The filtered view is the README's picture (test-results/view-warnings.png).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { artifactsDir, fixturesDir } from '../harness/paths';
import { commandPaletteHas, debugIntoView, expandRow, runCommand, stopDebugging, treeRow, waitForRow } from '../harness/workbenchUi';
import { useWorkbench } from './useWorkbench';

describe('warnings and grouped siblings (UI)', function () {
  this.timeout(180_000); // it may wait for the demo's next round of mistakes (every 35 s)
  const workbench = useWorkbench({ folder: path.join(fixturesDir, 'demo') });

  it('the demo\'s mistakes show on their rows, under is:warning, and in the Problems panel', async () => {
    const { page } = workbench();
    assert.equal(await commandPaletteHas(page, 'Async Operations: Open Trace...'), true);
    const pane = await debugIntoView(page, 'Demo: live async operations');

    // Pending first: the upload that ignores its cancel, and the orphaned child under its ended parent.
    const stubborn = treeRow(pane, /stubbornUpload.*cancel ignored/);
    await waitForRow(pane, stubborn, 40_000);
    assert.equal(await stubborn.locator('.codicon-warning').count(), 1, 'a warning icon on the row');
    await treeRow(pane, /flushTelemetry.*orphaned/).waitFor({ timeout: 20_000 });
    await treeRow(pane, /demo\.js.*warning/).waitFor({ timeout: 10_000 });
    await page.locator('.statusbar-item', { hasText: /pending.*\d/ }).locator('.codicon-warning').first().waitFor({ timeout: 10_000 });

    // 5,000 chunks of one upload: one row with their counts, which expands to them.
    const chunks = treeRow(pane, /writeChunk ×5,000.*(Started|Completed)/);
    await waitForRow(pane, chunks, 20_000);
    await expandRow(chunks);
    await waitForRow(pane, treeRow(pane, /writeChunk.*#\d+/), 10_000);
    await workbench().screenshot('view-grouped-siblings');
    await chunks.click();

    await runCommand(page, 'Async Operations: Filter Operations...');
    await page.locator('.quick-input-widget input').fill('is:warning');
    await page.keyboard.press('Enter');
    await treeRow(pane, /prefetchThumbnail.*error nobody saw/).waitFor({ timeout: 20_000 });
    // The demo makes these mistakes once every 35 s, and each warning holds for 9-20 s of it: the
    // steps above may outlast one round's, so wait for the next round's.
    await treeRow(pane, /stubbornUpload.*cancel ignored/).waitFor({ timeout: 40_000 });
    await treeRow(pane, /flushTelemetry.*orphaned/).waitFor({ timeout: 40_000 });
    const unwarned = pane.locator('.monaco-list-row').filter({ hasText: /#\d+/ }).filter({ hasNotText: /cancel ignored|orphaned|error nobody saw|pending \d|not closed/ });
    assert.equal(await unwarned.count(), 0, `is:warning lists only warned ops: ${await unwarned.allInnerTexts()}`);
    // Wider than by default, so the reasons read whole in the picture: drag the sidebar's edge.
    const box = (await page.locator('.part.sidebar').boundingBox())!;
    await page.mouse.move(box.x + box.width + 1, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width + 240, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await page.mouse.move(900, 300);
    await page.waitForTimeout(1_500);
    await page.locator('.part.sidebar').screenshot({ path: path.join(artifactsDir, 'view-warnings.png') });

    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const problems = page.locator('.markers-panel');
    await problems.locator('.monaco-list-row', { hasText: /Async Operations/ }).first().waitFor({ timeout: 15_000 });
    await problems.locator('.monaco-list-row', { hasText: /unobserved-error/ }).first().waitFor({ timeout: 15_000 });
    await workbench().screenshot('problems-warnings');

    await runCommand(page, 'Async Operations: Clear Filter');
    await stopDebugging(page);
  });
});
