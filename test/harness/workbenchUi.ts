// Small, stable ways to reach parts of VS Code's workbench from Playwright. Selectors are the
// workbench's own classes and ARIA labels (checked on VS Code 1.139 in code-server).
import type { Locator, Page } from 'playwright-core';

/** Opens Run and Debug with Ctrl+Shift+D (clicking the activity bar icon would toggle it
 * closed when it is open already) and returns the sidebar. */
export async function openRunAndDebug(page: Page): Promise<Locator> {
  await focusWorkbench(page);
  await page.keyboard.press('Control+Shift+D');
  const sidebar = page.locator('.part.sidebar');
  await sidebar.locator('.composite.title', { hasText: /Run and Debug/i }).waitFor({ timeout: 20_000 });
  return sidebar;
}

/** The pane (view) of the sidebar whose header reads `title`, e.g. 'Async Operations'. */
export function viewPane(page: Page, title: string | RegExp): Locator {
  return page.locator('.part.sidebar .pane').filter({
    has: page.locator('.pane-header', { hasText: title }),
  });
}

/** Expands a collapsed view pane (a no-op when it is expanded). */
export async function expandViewPane(page: Page, title: string | RegExp): Promise<Locator> {
  const pane = viewPane(page, title);
  const header = pane.locator('.pane-header').first();
  await header.waitFor();
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return pane;
}

/** Tree/list rows, in a pane or anywhere on the page. */
export function treeRows(scope: Page | Locator): Locator {
  return scope.locator('.monaco-list-row');
}

/** The row whose text matches `text`. */
export function treeRow(scope: Page | Locator, text: string | RegExp): Locator {
  return treeRows(scope).filter({ hasText: text }).first();
}

/** Hovers `row` so its inline actions appear and returns the action labelled `label`
 * (a command's title, as in `.action-label[aria-label="<title>"]`). */
export async function hoverInlineAction(row: Locator, label: string): Promise<Locator> {
  await row.hover();
  const action = row.locator(`.action-label[aria-label="${label.replace(/"/g, '\\"')}"]`);
  await action.waitFor({ state: 'visible', timeout: 10_000 });
  return action;
}

/** Whether the Command Palette offers a command with this title (e.g. 'Async Operations: Open
 * Trace...'). Retries until `timeoutMs`: an extension's commands appear only once the extension
 * host has read its manifest, a few seconds after the workbench shows. */
export async function commandPaletteHas(page: Page, title: string, timeoutMs = 30_000): Promise<boolean> {
  await focusWorkbench(page);
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  try {
    do {
      // A palette can close under the test (focus taken by a notification or a view opening on a
      // loaded machine): then press F1 again rather than wait out the whole deadline on it.
      const typed = await (async () => {
        if (!(await input.isVisible())) await page.keyboard.press('F1');
        await input.waitFor({ state: 'visible', timeout: 5000 });
        await input.fill('>', { timeout: 5000 });
        await input.fill(`>${title}`, { timeout: 5000 });
      })().then(() => true, () => false);
      if (typed && await row.waitFor({ timeout: 2000 }).then(() => true, () => false)) return true;
    } while (Date.now() < deadline);
    return false;
  } finally {
    await page.keyboard.press('Escape');
  }
}

/** Starts the selected launch configuration and waits for the debug toolbar. Run and Debug must
 * be open. It waits until the debuggers are registered (the view then swaps its welcome for the
 * Variables/Call Stack panes: a click before that is lost), clicks Start (a click does not depend
 * on focus, F5 does), and clicks once more if no session shows within 15 s. */
export async function startDebugging(page: Page): Promise<void> {
  await focusWorkbench(page);
  const sidebar = page.locator('.part.sidebar');
  await sidebar.locator('.pane-header', { hasText: 'Call Stack' }).waitFor({ timeout: 60_000 });
  const start = sidebar.locator('.start-debug-action-item .codicon-debug-start');
  const toolbar = page.locator('.debug-toolbar');
  for (let attempt = 1; ; attempt++) {
    await start.click();
    const shown = await toolbar.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false);
    if (shown) return;
    if (attempt === 2) throw new Error('no debug session started (the debug toolbar did not show)');
  }
}

/** Stops the debug session (Shift+F5) and waits for the debug toolbar to go. */
export async function stopDebugging(page: Page): Promise<void> {
  await page.keyboard.press('Shift+F5');
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
}

/** Runs a command by its palette title, e.g. 'Developer: Reload Window'. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await focusWorkbench(page);
  await quickPick(page, `>${title}`, title);
}

/** Types into the quick input (F1) and accepts the row that says `pick`. Starts again if the
 *  input did not open or closed before it was used: a key can land while focus moves between the
 *  workbench and a webview, and a webview taking focus closes the input. */
export async function quickPick(page: Page, text: string, pick: string | RegExp): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: pick }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const typed = await input.waitFor({ state: 'visible', timeout: 3_000 })
      .then(() => input.fill(text, { timeout: 3_000 }))
      .then(() => row.waitFor({ timeout: 10_000 }))
      .then(() => true, () => false);
    if (typed && await input.isVisible()) break;
    if (attempt >= 5) throw new Error(`the quick input did not take "${text}" in five tries`);
    // Focus back on the workbench (the sidebar's title, where there is one).
    await page.locator('.part.sidebar .composite.title').first().click({ timeout: 2_000 }).catch(() => undefined);
    await page.keyboard.press('Escape');
  }
  await page.keyboard.press('Enter');
}

async function focusWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor();
}

/** Opens a file through the simple file dialog a command shows (Open Trace...): types the path
 * once the dialog has filled in its starting folder, and accepts once it has checked the path. */
export async function acceptFileDialog(page: Page, file: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  for (let i = 0; i < 50 && (await input.inputValue()) === ''; i++) await page.waitForTimeout(100);
  // It may fill in its folder again while it settles: type until the path stays.
  for (let i = 0; i < 10; i++) {
    if ((await input.inputValue()) !== file) await input.fill(file);
    await page.waitForTimeout(500);
    if ((await input.inputValue()) === file) break;
  }
  const ok = page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).first();
  const base = file.split(/[\\/]/).pop() ?? file;
  await page.locator('.quick-input-list .monaco-list-row', { hasText: base }).first().waitFor({ timeout: 10_000 }).catch(() => undefined);
  for (let i = 0; i < 20 && (await input.isVisible()); i++) {
    await ok.click({ timeout: 1_000 }).catch(() => undefined);
    await page.waitForTimeout(500);
  }
}

/** The frame of the webview whose page has `selector` (webviews are nested iframes). */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<import('playwright-core').Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (await frame.locator(selector).count().catch(() => 0)) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no webview shows ${selector}`);
    await page.waitForTimeout(250);
  }
}

/** Folds the other views of Run and Debug, so the Async Operations view has room for its rows
 *  (lists only render the rows on screen). */
export async function foldOtherDebugViews(page: Page): Promise<void> {
  for (const other of ['Variables', 'Watch', 'Call Stack', 'Breakpoints', 'Loaded Scripts']) {
    const header = viewPane(page, other).locator('.pane-header').first();
    if ((await header.count()) && (await header.getAttribute('aria-expanded')) === 'true') await header.click();
  }
}

/** Opens Run and Debug, starts the launch configuration named `configuration` (the workspace's
 *  first, whose program makes operations), folds the other debug views and returns the Async
 *  Operations view, expanded. */
export async function debugIntoView(page: Page, configuration: string | RegExp): Promise<Locator> {
  const sidebar = await openRunAndDebug(page);
  await sidebar.locator('.start-debug-action-item', { hasText: configuration }).waitFor({ timeout: 30_000 });
  await startDebugging(page);
  // The Start button's hover can cover the headers below it: move the pointer away first.
  await page.mouse.move(700, 300);
  await page.keyboard.press('Escape');
  await foldOtherDebugViews(page);
  // The view opens by itself once the session has operations: a click on its header meanwhile
  // could fold it again, so wait for that first (and expand it only if it never came).
  await viewPane(page, 'Async Operations').locator('.pane-header[aria-expanded="true"]').waitFor({ timeout: 30_000 }).catch(() => undefined);
  return expandViewPane(page, 'Async Operations');
}

/** Expands a collapsed tree row as a user does: rests the pointer on it, then clicks its twistie.
 *  In a busy view VS Code can lose an expand when the row's list redraws in the same instant (the
 *  extension holds a hovered row's list still, but only once VS Code has asked it for the row's
 *  tooltip): a user then clicks again, and so does this, up to three times. */
export async function expandRow(row: Locator): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if ((await row.getAttribute('aria-expanded')) !== 'false') return;
    await row.hover();
    await row.page().waitForTimeout(800);
    await row.locator('.monaco-tl-twistie').click({ timeout: 5_000 }).catch(() => undefined);
    for (let i = 0; i < 10 && (await row.getAttribute('aria-expanded').catch(() => null)) === 'false'; i++) await row.page().waitForTimeout(200);
    if ((await row.getAttribute('aria-expanded').catch(() => null)) !== 'false') return;
    if (attempt >= 3) throw new Error(`the row did not expand in three clicks: ${await row.innerText()}`);
    console.log(`    (expandRow: click ${attempt} did not expand "${(await row.innerText()).replace(/\s+/g, ' ')}"; again)`);
  }
}

/** The rows a view shows, one line each (level, expanded or not, text): for failure messages. */
export async function describeRows(pane: Locator): Promise<string> {
  return pane.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => {
    const expanded = r.getAttribute('aria-expanded');
    const mark = expanded === 'true' ? 'v' : expanded === 'false' ? '>' : ' ';
    return `${'  '.repeat(Number(r.getAttribute('aria-level') ?? 1) - 1)}${mark} ${(r.textContent ?? '').replace(/\s+/g, ' ').trim()}`;
  }).join('\n'));
}

/** Waits for `row`; on a timeout the error lists the rows the view showed then. */
export async function waitForRow(pane: Locator, row: Locator, timeoutMs: number): Promise<void> {
  try {
    await row.waitFor({ timeout: timeoutMs });
  } catch (error) {
    throw new Error(`${(error as Error).message.split('\n')[0]}\nthe view showed:\n${await describeRows(pane).catch(() => '(unreadable)')}`);
  }
}

/** Clicks `title` in a view's `...` menu (opened from its header). A menu closes when the focus
 *  moves (an editor opening, a notification): then it is opened again, up to four times. */
export async function runFromViewMenu(pane: Locator, title: string): Promise<void> {
  const item = pane.page().locator('.monaco-menu .action-label', { hasText: title }).first();
  for (let attempt = 1; ; attempt++) {
    if (!(await item.isVisible())) {
      await pane.locator('.pane-header').first().hover();
      await pane.locator('.pane-header .action-label[aria-label*="More Actions"]').first().click();
    }
    if (await item.click({ timeout: 3_000 }).then(() => true, () => false)) return;
    if (attempt >= 4) throw new Error(`the view's menu did not stay open for ${title}`);
  }
}

/** In the simple save dialog a command opened: waits for the file it suggests (a name ending as
 *  `ending` says), accepts it with Enter and returns it. */
export async function acceptSuggestedFile(page: Page, ending: RegExp): Promise<string> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  for (let i = 0; i < 50 && !ending.test(await input.inputValue()); i++) await page.waitForTimeout(100);
  const file = await input.inputValue();
  await page.keyboard.press('Enter');
  return file;
}
