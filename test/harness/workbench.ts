// A real VS Code workbench in a browser: code-server plus headless Chromium, opened on a folder,
// with this extension loaded from the source folder (extensionDevelopmentPath) or installed
// from a .vsix. The base for the UI tests and the demo.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, type BrowserSession } from './browser';
import { startCodeServer, type CodeServer, type CodeServerOptions } from './codeServer';
import { artifactsDir, repoRoot } from './paths';

export interface WorkbenchOptions extends CodeServerOptions {
  /** The folder to open (absolute). */
  folder: string;
  /** Load the extension from this folder; default the repo root. `null` when it comes from `vsix`. */
  extensionDevelopmentPath?: string | null;
  /** More payload entries for the workbench (e.g. extensionTestsPath); a function when they
   * need the server (its URIs name its port). */
  payload?: PayloadEntries | ((server: CodeServer) => PayloadEntries);
  /** Called before the page loads (e.g. page.exposeFunction). */
  beforeLoad?: (page: Page, server: CodeServer) => Promise<void>;
}

export type PayloadEntries = ReadonlyArray<readonly [string, string]>;

export interface Workbench {
  readonly server: CodeServer;
  readonly browser: BrowserSession;
  readonly page: Page;
  /** Saves a full-page PNG to test-results/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Saves code-server's log and the page's console to test-results/<name>.log; returns its path. */
  saveLogs(name: string): string;
  /** Closes the browser and stops code-server's process group. */
  close(): Promise<void>;
}

export async function openWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const devPath = options.extensionDevelopmentPath === undefined ? repoRoot : options.extensionDevelopmentPath;
  // code-server honours the payload's extensionDevelopmentPath only with the smoke-test driver.
  const logs: string[] = [];
  const keep = (line: string): void => {
    logs.push(line);
    if (logs.length > 5000) logs.shift();
  };
  const server = await startCodeServer({
    ...options,
    smokeTestDriver: options.smokeTestDriver ?? devPath !== null,
    onLog: (line) => {
      keep(`[server] ${line}`);
      options.onLog?.(line);
    },
  });
  let browser: BrowserSession | undefined;
  try {
    browser = await launchChromium();
    const page = browser.page;
    page.on('console', (message) => keep(`[page:${message.type()}] ${message.text()}`));
    await options.beforeLoad?.(page, server);
    const extra = typeof options.payload === 'function' ? options.payload(server) : options.payload ?? [];
    const payload: Array<readonly [string, string]> = [['skipWelcome', 'true'], ...extra];
    if (devPath) payload.unshift(['extensionDevelopmentPath', server.remoteUri(devPath)]);
    await page.goto(server.workbenchUrl(options.folder, payload));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const opened = browser;
    return {
      server,
      browser: opened,
      page,
      async screenshot(name) {
        fs.mkdirSync(artifactsDir, { recursive: true });
        const file = path.join(artifactsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
        await page.screenshot({ path: file });
        return file;
      },
      saveLogs(name) {
        fs.mkdirSync(artifactsDir, { recursive: true });
        const file = path.join(artifactsDir, `${name.replace(/[^\w.-]+/g, '-')}.log`);
        fs.writeFileSync(file, `${logs.join('\n')}\n`);
        return file;
      },
      async close() {
        await opened.close();
        await server.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    await server.stop();
    throw error;
  }
}
