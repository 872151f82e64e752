// The two OS packages the real VS Code needs here: Chromium (the browser the tests drive) and the
// Kerberos headers (a native addon of code-server builds against them, once, at install). On a
// Debian machine where we are root they are installed with apt-get; elsewhere the error says how.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { startProgress } from './progress';

export interface SystemPackage {
  /** The Debian package. */
  readonly debian: string;
  /** A file it installs: present means installed. */
  readonly file: string;
}

export const chromiumPackage: SystemPackage = { debian: 'chromium', file: '/usr/bin/chromium' };
export const kerberosHeadersPackage: SystemPackage = { debian: 'libkrb5-dev', file: '/usr/include/gssapi/gssapi.h' };

export function ensureSystemPackages(packages: readonly SystemPackage[]): void {
  if (process.platform !== 'linux') return; // other systems: see the README
  const missing = packages.filter((pkg) => !fs.existsSync(pkg.file)).map((pkg) => pkg.debian);
  if (missing.length === 0) return;
  const command = `apt-get install -y ${missing.join(' ')}`;
  const canInstall = process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get');
  if (!canInstall) throw new Error(`Missing OS packages: ${missing.join(', ')}. Install them: sudo ${command}`);
  const progress = startProgress(`Installing ${missing.join(' ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]): number | null =>
    spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] }).status;
  if (run(['install', '-y', '-qq', ...missing]) !== 0 && (run(['update', '-qq']) !== 0 || run(['install', '-y', '-qq', ...missing]) !== 0)) {
    progress.stop('failed');
    throw new Error(`${command} failed`);
  }
  progress.stop('done');
}
