// Headless Chromium from the OS (Debian's /usr/bin/chromium) driven by playwright-core: no
// browser download, a fresh profile per launch, and no traffic beyond loopback.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumPackage, ensureSystemPackages } from './systemPackages';

export interface BrowserSession {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Closes the browser (Playwright stops its process group) and removes the profile. */
  close(): Promise<void>;
}

export interface BrowserOptions {
  /** Default true; set HEADED=1 to watch. */
  headless?: boolean;
  viewport?: { width: number; height: number };
}

/** CHROMIUM_PATH overrides; Debian's package is the default. */
export function chromiumPath(): string {
  if (!process.env.CHROMIUM_PATH) ensureSystemPackages([chromiumPackage]);
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((candidate): candidate is string => !!candidate && fs.existsSync(candidate));
  if (!found) throw new Error('No Chromium found: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH');
  return found;
}

export async function launchChromium(options: BrowserOptions = {}): Promise<BrowserSession> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncops-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: options.headless ?? process.env.HEADED !== '1',
      viewport: options.viewport ?? { width: 1400, height: 900 },
      // Chromium keeps crash reports and a dconf cache under the home folder: point it at the profile.
      env: { ...process.env, HOME: profile, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile } as Record<string, string>,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--disable-breakpad', '--disable-crash-reporter',
        // The network is closed here: fail every lookup but loopback at once instead of slowly.
        '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    return {
      context,
      page,
      async close() {
        await context.close().catch(() => undefined);
        fs.rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
