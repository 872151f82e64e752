// Export Trace... through the real UI: from the view's menu while a program runs, the save dialog
// suggests a file outside the workspace and Enter writes it: Chrome Trace Event Format JSON with
// the program's ops (checked by the format's rules).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { fixturesDir } from '../harness/paths';
import {
  acceptSuggestedFile, commandPaletteHas, debugIntoView, runFromViewMenu, stopDebugging, treeRow,
} from '../harness/workbenchUi';
import { checkTraceEventFormat } from '../unit/core/export/traceEventRules';
import { useWorkbench } from './useWorkbench';

describe('Export Trace (UI)', function () {
  this.timeout(120_000);
  const workbench = useWorkbench({ folder: path.join(fixturesDir, 'quiet') });
  let pane: Locator;
  let written: string | undefined;

  before(async function () {
    this.timeout(120_000);
    const { page } = workbench();
    pane = await debugIntoView(page, 'Quiet');
    await treeRow(pane, /busyWork.*%/).waitFor({ timeout: 30_000 });
  });

  after(async () => {
    await stopDebugging(workbench().page).catch(() => undefined);
    if (written) rmSync(written, { force: true });
  });

  it('from the view\'s menu: the save dialog suggests a file outside the workspace, Enter writes it', async () => {
    const { page } = workbench();
    await runFromViewMenu(pane, 'Export Trace...');
    const file = await acceptSuggestedFile(page, /\.json$/);
    assert.match(file, /async-ops-.*\.json$/);
    assert.doesNotMatch(file, /fixtures[\\/]quiet/, 'the export was offered a place in the workspace');
    written = file;
    // (The notification's text is checked in the extension host: test/extension/export.test.ts.)
    for (let i = 0; i < 100 && !existsSync(file); i++) await page.waitForTimeout(100);
    assert.ok(existsSync(file), `${file} was written`);
    await workbench().screenshot('export-trace-done');
    const { events, openBegins } = checkTraceEventFormat(JSON.parse(readFileSync(file, 'utf8')));
    const names = events.filter((e) => e.ph === 'X' || e.ph === 'B').map((e) => e.name);
    for (const op of ['finishedAtStart', 'quietHang', 'busyWork']) assert.ok(names.includes(op), `${op} is in the export`);
    assert.deepEqual(openBegins.map((e) => e.name).sort(), ['busyWork', 'quietHang']);
    assert.equal(events.find((e) => e.name === 'process_name')!.args!.name, 'quiet.js');
    assert.equal(events.find((e) => e.name === 'busyWork')!.args!.kind, 'actionWithProgress');
  });

  it('is in the Command Palette while the view holds a process', async () => {
    assert.equal(await commandPaletteHas(workbench().page, 'Async Operations: Export Trace...'), true);
  });
});
