// Shared bits for extension tests (they run inside the extension host).
import * as path from 'node:path';
import * as util from 'node:util';

/** publisher.name from package.json. */
export const extensionId = 'asyncinfo.async-operations-debugger';
/** The repo root (this file compiles to out/test/extension/support.js). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** An absolute path under test/fixtures/. */
export function fixture(...parts: string[]): string {
  return path.join(repoRoot, 'test', 'fixtures', ...parts);
}

/** Rejects with `message` when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts every line meant for the terminal: under code-server the runner shows these and files
 * the rest of the workbench's log in test-results/ (it forwards its whole log, not only ours). */
export const terminalMark = '\u2063';

/** console.log for extension tests: formatted here (the host forwards arguments unformatted)
 * and shown in the terminal of `npm run test:extension`. */
export function log(...args: unknown[]): void {
  console.log(terminalMark + util.format(...args));
}

/** Polls `probe` until it returns a value (not undefined/false); the store coalesces its updates,
 * so tests wait for the state they expect instead of sleeping. */
export async function until<T>(probe: () => T | undefined | false, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
