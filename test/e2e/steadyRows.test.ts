// The view as a user lives in it, through the real UI: a quiet hang's row stays the same DOM row
// while a busy op beside it changes, its elapsed time advances with no event from the program,
// and a hovered row keeps its tooltip and its inline action until it is clicked.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { fixturesDir } from '../harness/paths';
import {
  acceptFileDialog, acceptSuggestedFile, expandRow, expandViewPane, foldOtherDebugViews, hoverInlineAction, openRunAndDebug, runFromViewMenu, startDebugging, stopDebugging,
  treeRow, viewPane, waitForRow,
} from '../harness/workbenchUi';
import { useWorkbench } from './useWorkbench';

/** Tags the DOM node behind `locator` so a later check can tell whether it is still the same one. */
async function tag(locator: Locator, name: string): Promise<void> {
  await locator.evaluate((node, mark) => node.setAttribute('data-test-mark', mark), name);
}

async function stillTagged(pane: Locator, name: string): Promise<boolean> {
  return (await pane.locator(`[data-test-mark="${name}"]`).count()) === 1;
}

/** The seconds a pending row says it has run (`<5s` reads as 0). */
async function elapsedSeconds(row: Locator): Promise<number> {
  const match = /Started · (<5|\d+)s\b/.exec(await row.innerText());
  return match ? (match[1] === '<5' ? 0 : Number(match[1])) : NaN;
}

describe('Async Operations view: steady rows (UI)', function () {
  this.timeout(120_000);
  const workbench = useWorkbench({ folder: path.join(fixturesDir, 'quiet') });
  let pane: Locator;

  before(async function () {
    this.timeout(120_000);
    const { page } = workbench();
    const sidebar = await openRunAndDebug(page);
    await sidebar.locator('.start-debug-action-item', { hasText: 'Quiet' }).waitFor({ timeout: 30_000 });
    await startDebugging(page);
    await page.mouse.move(700, 300);
    await page.keyboard.press('Escape');
    // The view opens by itself once the session has operations: no click on its header.
    await viewPane(page, 'Async Operations').locator('.pane-header[aria-expanded="true"]').waitFor({ timeout: 30_000 });
    await foldOtherDebugViews(page);
    pane = await expandViewPane(page, 'Async Operations');
    await treeRow(pane, /quietHang.*Started/).waitFor({ timeout: 30_000 });
    await treeRow(pane, /busyWork.*%/).waitFor({ timeout: 30_000 });
  });

  after(async () => {
    await stopDebugging(workbench().page).catch(() => undefined);
  });

  it('a quiet pending op: the same row while a busy one changes, its elapsed time advancing with no event', async () => {
    const { page } = workbench();
    await page.mouse.move(700, 300); // nothing hovered
    const hang = treeRow(pane, /quietHang/);
    const busy = treeRow(pane, /busyWork/);
    await tag(hang, 'hang');
    const firstElapsed = await elapsedSeconds(hang);
    const firstBusy = await busy.innerText();
    // It moves every 5 s: within 8 s it has moved on.
    const deadline = Date.now() + 8_000;
    while (!(await elapsedSeconds(hang) > firstElapsed) && Date.now() < deadline) await page.waitForTimeout(250);
    assert.ok(await elapsedSeconds(hang) > firstElapsed, `elapsed did not advance: ${firstElapsed}s, then ${await hang.innerText()}`);
    await page.waitForTimeout(1_000);
    assert.ok(await stillTagged(pane, 'hang'), 'the quiet op\'s row was re-created');
    assert.notEqual(await busy.innerText(), firstBusy, 'the busy op\'s row did not change (the test proves nothing)');
    // One pending count, in the view's title and the status bar alike.
    const title = (await pane.locator('.pane-header').first().innerText()).replace(/\s+/g, ' ');
    const status = await page.locator('.statusbar-item', { hasText: /\d+ pending/ }).first().innerText();
    assert.match(title, /2 pending/, title);
    assert.match(status, /2 pending/, status);
    await workbench().screenshot('steady-rows');
  });

  it('a hovered row keeps its tooltip and inline Cancel while the op beside it is busy, and the click works', async () => {
    const { page } = workbench();
    const hang = treeRow(pane, /quietHang/);
    const cancel = await hoverInlineAction(hang, 'Cancel Operation');
    const tooltip = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Creation site' }).first();
    // A user's pointer is never perfectly still: nudge it within the row until the tooltip shows
    // (a redraw of the row just before would cancel it, and a still pointer never asks again).
    const box = (await hang.boundingBox())!;
    for (let i = 0; i < 8 && !(await tooltip.isVisible()); i++) {
      await page.mouse.move(box.x + box.width / 3 + (i % 2) * 4, box.y + box.height / 2);
      await tooltip.waitFor({ state: 'visible', timeout: 1_500 }).catch(() => undefined);
    }
    await tooltip.waitFor({ state: 'visible', timeout: 1_000 });
    await tag(cancel, 'cancel');
    await tag(hang, 'hovered');
    await page.waitForTimeout(3_000);
    assert.ok(await stillTagged(pane, 'hovered'), 'the hovered row was re-created');
    assert.ok(await stillTagged(pane, 'cancel'), 'the inline Cancel was replaced under the pointer');
    assert.ok(await tooltip.isVisible(), 'the tooltip went away while the pointer stayed on the row');
    await pane.locator('[data-test-mark="cancel"]').click({ timeout: 2_000 });
    await page.mouse.move(700, 300);
    // Canceled, it moves into the finished group.
    const finished = pane.locator('.monaco-list-row').filter({ hasText: /^\s*[\d,]+ finished\s*$/ }).first();
    await waitForRow(pane, finished, 15_000);
    await expandRow(finished);
    await treeRow(pane, /quietHang.*Canceled/).waitFor({ timeout: 15_000 });
    await workbench().screenshot('after-hover-cancel');
  });

  it('Record Trace... from the menu with a row selected records (the status bar says so, a click stops it); Open Trace... with a row selected loads it', async () => {
    const { page } = workbench();
    const fromViewMenu = async (title: string) => {
      await treeRow(pane, /busyWork/).click(); // a row is selected: the menu passes it to the command
      // The click also opens its creation site, and the editor taking the focus closes any menu:
      // open the menu once it has.
      await page.locator('.tab.active', { hasText: 'quiet.js' }).waitFor({ timeout: 10_000 }).catch(() => undefined);
      await page.waitForTimeout(500);
      await runFromViewMenu(pane, title);
    };
    await fromViewMenu('Record Trace...');
    const file = await acceptSuggestedFile(page, /\.ndjson$/);
    assert.match(file, /async-trace-.*\.ndjson$/);
    assert.doesNotMatch(file, /fixtures[\\/]quiet/, 'the trace was offered a place in the workspace');
    const indicator = page.locator('.statusbar-item', { hasText: 'Recording trace' }).first();
    await indicator.waitFor({ timeout: 10_000 });
    await page.waitForTimeout(1_500); // a few events
    await indicator.click();
    await indicator.waitFor({ state: 'hidden', timeout: 10_000 });
    await page.keyboard.press('Escape');

    await fromViewMenu('Open Trace...');
    await acceptFileDialog(page, file);
    await workbench().screenshot('trace-open-accepted');
    await treeRow(pane, /quiet\.js.*recording/).waitFor({ timeout: 15_000 });
    await workbench().screenshot('trace-opened');
    const opened = treeRow(pane, /quiet\.js.*recording/);
    await (await hoverInlineAction(opened, 'Remove from View')).click();
    await opened.waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('after the session ends, its last state stays, marked ended, static, and Remove from View takes it away', async () => {
    const { page } = workbench();
    await stopDebugging(page);
    const processRow = treeRow(pane, /quiet\.js.*session ended/);
    await processRow.waitFor({ timeout: 20_000 });
    await treeRow(pane, /busyWork/).waitFor();
    assert.equal(await pane.locator('.codicon-loading').count(), 0, 'an ended session\'s op still spins');
    await workbench().screenshot('session-ended');
    const remove = await hoverInlineAction(processRow, 'Remove from View');
    await remove.click();
    await processRow.waitFor({ state: 'detached', timeout: 10_000 });
  });
});
