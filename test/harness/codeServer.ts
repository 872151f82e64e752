// Starts and stops code-server (VS Code's server and web workbench) for extension tests, UI tests
// and the demo. It runs in its own process group with scratch XDG, user-data and extensions
// folders, on a free loopback port, and never reaches out to a marketplace.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureCodeServer, type CodeServerInstall } from './install';
import { spawnGroup, type ProcessGroup } from './processGroup';

export interface CodeServerOptions {
  /** .vsix files to install into the scratch extensions folder before the server starts. */
  vsix?: readonly string[];
  /** Let a workbench page run extension tests and report through codeAutomationLog/Exit. */
  smokeTestDriver?: boolean;
  /** Extra environment: it reaches the extension host and, through it, the debuggees. */
  env?: NodeJS.ProcessEnv;
  /** User settings (written to the scratch user-data folder). */
  settings?: Record<string, unknown>;
  /** Port to listen on; default 0 (a free one). */
  port?: number;
  /** Where the scratch folders go; default a fresh folder in the OS temp folder, removed on stop. */
  scratchDir?: string;
  /** Every line code-server logs (default: dropped; failures include the last lines). */
  onLog?: (line: string) => void;
}

export interface CodeServer {
  /** http://127.0.0.1:PORT/ */
  readonly url: string;
  readonly port: number;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** The server's process group. */
  readonly group: ProcessGroup;
  /** A `vscode-remote://` URI for a path on this machine, as workbench payloads want it. */
  remoteUri(absPath: string): string;
  /** The workbench URL that opens `folder`, with an optional payload (see VS Code's web payload). */
  workbenchUrl(folder?: string, payload?: ReadonlyArray<readonly [string, string]>): string;
  /** Stops the whole process group and removes the scratch folders it created. */
  stop(): Promise<void>;
}

const defaultSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  // Keep the screen for the extension: no chat side bar, no AI features (nothing to reach here).
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  // The fixtures live inside this repo: don't offer to open it.
  'git.openRepositoryInParentFolders': 'never',
};

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const install = await ensureCodeServer();
  const ownsScratch = options.scratchDir === undefined;
  const scratch = options.scratchDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'asyncops-code-server-'));
  const dirs = {
    userData: path.join(scratch, 'user-data'),
    extensions: path.join(scratch, 'extensions'),
    config: path.join(scratch, 'xdg-config'),
    data: path.join(scratch, 'xdg-data'),
    cache: path.join(scratch, 'xdg-cache'),
  };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify({ ...defaultSettings, ...options.settings }, null, 2));

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    // Without these code-server writes into the home folder and asks a marketplace for updates.
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    EXTENSIONS_GALLERY: '{}',
  };
  const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  const removeScratch = (): void => {
    if (ownsScratch) fs.rmSync(scratch, { recursive: true, force: true });
  };

  try {
    for (const vsix of options.vsix ?? []) await installExtension(install, env, common, vsix);
  } catch (error) {
    removeScratch();
    throw error;
  }

  const args = [
    install.entry,
    '--bind-addr', `127.0.0.1:${options.port ?? 0}`,
    '--auth', 'none',
    ...common,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened',
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  const recent: string[] = [];
  let onListening: ((port: number) => void) | undefined;
  const listening = new Promise<number>((resolve) => (onListening = resolve));
  let pending = '';
  const group = spawnGroup(install.node.node, args, {
    env,
    cwd: scratch,
    onOutput(text) {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        recent.push(line);
        if (recent.length > 50) recent.shift();
        options.onLog?.(line);
        const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(line);
        if (match) onListening?.(Number(match[1]));
      }
    },
  });

  const failed = (why: string): Error => new Error(`code-server ${why}. Its last lines:\n${recent.join('\n')}`);
  let port: number;
  try {
    port = await Promise.race([
      listening,
      group.exited.then((code) => Promise.reject(failed(`exited with ${code} before listening`))),
      delay(60_000).then(() => Promise.reject(failed('did not listen within 60 s'))),
    ]);
  } catch (error) {
    await group.stop();
    removeScratch();
    throw error;
  }

  const url = `http://127.0.0.1:${port}/`;
  const remoteUri = (absPath: string): string =>
    `vscode-remote://127.0.0.1:${port}${absPath.split(path.sep).map(encodeURIComponent).join('/')}`;
  return {
    url,
    port,
    userDataDir: dirs.userData,
    extensionsDir: dirs.extensions,
    group,
    remoteUri,
    workbenchUrl(folder, payload) {
      const query = new URLSearchParams();
      if (folder) query.set('folder', folder);
      if (payload) query.set('payload', JSON.stringify(payload));
      const search = query.toString();
      return search ? `${url}?${search}` : url;
    },
    async stop() {
      await group.stop();
      removeScratch();
    },
  };
}

/** `code-server --install-extension`: about a second, with the same folders the server uses. */
async function installExtension(install: CodeServerInstall, env: NodeJS.ProcessEnv, common: string[], vsix: string): Promise<void> {
  let output = '';
  const group = spawnGroup(install.node.node, [install.entry, ...common, '--install-extension', vsix], {
    env, onOutput: (text) => (output += text),
  });
  const code = await group.exited;
  await group.stop();
  if (code !== 0) throw new Error(`installing ${vsix} into code-server failed (exit ${code}):\n${output}`);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
