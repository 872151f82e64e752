// The Async Operations view through the real UI: the demo's operations appear as rows in Run and
// Debug, the inline Cancel button cancels the program's op, and Close appears once it finished.
// Screenshots of the view go to test-results/.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { artifactsDir, fixturesDir } from '../harness/paths';
import { commandPaletteHas, debugIntoView, expandRow, hoverInlineAction, runCommand, stopDebugging, treeRow, waitForRow } from '../harness/workbenchUi';
import { useWorkbench } from './useWorkbench';

/** Hovers and clicks an inline action; the view redraws live rows, so a row may be replaced
 *  between the hover and the click: then hover the new one and try again. */
async function clickInlineAction(row: Locator, label: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const action = await hoverInlineAction(row, label);
      await action.click({ timeout: 2_000 });
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

describe('Async Operations view (UI)', function () {
  this.timeout(120_000);
  const workbench = useWorkbench({ folder: path.join(fixturesDir, 'demo') });

  it('shows live rows; inline Cancel cancels the op and Close then releases it', async () => {
    const { page } = workbench();
    // F5 does nothing until the workbench has loaded the extension and the launch configuration.
    assert.equal(await commandPaletteHas(page, 'Async Operations: Open Trace...'), true);
    const pane = await debugIntoView(page, 'Demo: live async operations');

    // A row per op: name, #id and status; nested ops under their parent; pending ones first, the
    // finished folded under one row per parent, newest first.
    const waiting = treeRow(pane, /waitForShutdown.*Started.*#\d+/);
    await waiting.waitFor({ timeout: 30_000 });
    await treeRow(pane, /downloadFile/).waitFor({ timeout: 30_000 });
    const level = await waiting.getAttribute('aria-level');
    const finished = pane.locator(`.monaco-list-row[aria-level="${level}"]`).filter({ hasText: /^\s*[\d,]+ finished\s*$/ }).first();
    await waitForRow(pane, finished, 30_000);
    // The view as it first shows, at the default sidebar width: the picture in the README.
    await page.mouse.move(700, 300);
    await page.waitForTimeout(1_500);
    await page.locator('.part.sidebar').screenshot({ path: path.join(artifactsDir, 'view-default.png') });
    await expandRow(finished);
    await waitForRow(pane, treeRow(pane, /parseConfig.*Error/), 30_000);
    await workbench().screenshot('view-live');

    const text = (await waiting.innerText()).replace(/\s+/g, ' ');
    const id = /#(\d+)/.exec(text)?.[1];
    assert.ok(id, `no #id in "${text}"`);
    // The demo keeps making ops: filter the view down to this one (the filter box, through the
    // palette), so its row holds still for the clicks.
    await runCommand(page, 'Async Operations: Filter Operations...');
    const input = page.locator('.quick-input-widget input');
    await input.fill(`#${id}`);
    await page.keyboard.press('Enter');
    const row = treeRow(pane, new RegExp(`waitForShutdown.*#${id}\\b`));
    const opRows = pane.locator('.monaco-list-row').filter({ hasText: /#\d+/ });
    for (let i = 0; i < 50 && (await opRows.count()) !== 1; i++) await page.waitForTimeout(200);
    assert.equal(await opRows.count(), 1, `the filter left other ops: ${await opRows.allInnerTexts()}`);
    await row.waitFor({ timeout: 10_000 });

    await clickInlineAction(row, 'Cancel Operation');
    await treeRow(pane, new RegExp(`waitForShutdown.*Canceled.*#${id}\\b`)).waitFor({ timeout: 15_000 });
    await workbench().screenshot('view-after-cancel');

    // Finished: Cancel is gone, Close is offered, and closing marks the row closed.
    await row.hover();
    assert.equal(await row.locator('.action-label[aria-label="Cancel Operation"]').count(), 0);
    // A click can still be lost now and then in the busy demo (VS Code re-creates a row's buttons
    // when a redraw of the tree lands in the same instant): click again, as a user would.
    // The demo keeps no reference to a finished op: by the time of the click the program may have
    // collected it, and then the view says so (released) instead of closed. Either ends the row's Close.
    const closedRow = treeRow(pane, new RegExp(`waitForShutdown.*(closed|released).*#${id}\\b`));
    // (The program may also answer late when this machine is busy: wait for the answer first.)
    for (let attempt = 1; ; attempt++) {
      if (!(await closedRow.isVisible())) await clickInlineAction(row, 'Close Operation').catch(() => undefined);
      if (await closedRow.waitFor({ timeout: 10_000 }).then(() => true, () => false)) break;
      assert.ok(attempt < 3, 'Close did not close the op in three clicks');
    }
    await workbench().screenshot('view-after-close');
    await runCommand(page, 'Async Operations: Clear Filter');

    await stopDebugging(page);
  });
});
