// Preloads the agent into Node debug launches: `--require <dist/agent.js>` appended to the user's
// own NODE_OPTIONS, and the channel and session token in the environment (the agent's variables:
// ../protocol/environment.ts).
import { randomUUID } from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import { DisposableList } from '../common/disposable';
import { CONFIG_SECTION, SETTING_DEFAULTS, Settings } from '../contributions';
import { agentEnvironment, ENV, NODE_SOURCES, withRequire, type NodeSource } from '../protocol/environment';
import type { ChannelCredentials } from '../transport/channelServer';
import { launchNodeOptions } from '../transport/launchEnv';
import { NODE_LAUNCH_TYPES } from '../transport/debugPort';

/** Where programs load the runtime from: the npm package, or this repository's bundle. */
const RUNTIME_SKIP_FILES = ['**/node_modules/@asyncinfo/runtime/**'];

export class DebugInjection implements vscode.DebugConfigurationProvider, vscode.Disposable {
  private readonly registrations = new DisposableList();

  constructor(private readonly agentPath: string, private readonly channel: () => ChannelCredentials | undefined) {
    for (const type of NODE_LAUNCH_TYPES) this.registrations.add(vscode.debug.registerDebugConfigurationProvider(type, this));
  }

  resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration {
    if (config.request !== 'launch' || config.__pendingTargetId !== undefined) return config; // attach / child sessions: env has no effect
    const settings = vscode.workspace.getConfiguration(CONFIG_SECTION, folder);
    if (!settings.get<boolean>(Settings.InjectAgent, SETTING_DEFAULTS[Settings.InjectAgent])) return config;
    const channel = this.channel();
    if (!channel) return config;
    const env: Record<string, string | null> = { ...(config.env ?? {}) };
    const nodeOptions = launchNodeOptions(env, config.envFile, process.env.NODE_OPTIONS);
    const wanted = agentEnvironment({
      channel: channel.address,
      token: channel.token,
      session: randomUUID(),
      sites: settings.get(Settings.CreationSites, SETTING_DEFAULTS[Settings.CreationSites]),
      siteBudget: settings.get(Settings.CreationSiteBudget, SETTING_DEFAULTS[Settings.CreationSiteBudget]),
      parents: settings.get(Settings.Parents, SETTING_DEFAULTS[Settings.Parents]),
      node: nodeOperations(settings.get<unknown>(Settings.NodeOperations, SETTING_DEFAULTS[Settings.NodeOperations])),
    });
    // The launch config's own values (a session token, a mode) win over ours; the channel and its token are this window's.
    for (const [name, value] of Object.entries(wanted)) {
      if (name === ENV.channel || name === ENV.token || typeof env[name] !== 'string') env[name] = value;
    }
    env.NODE_OPTIONS = withRequire(nodeOptions, this.agentPath);
    // Stepping never enters the agent or the runtime's own code (their frames stay in the Call
    // Stack, greyed as skipped); a launch config can list them itself to step in.
    const skipFiles: unknown[] = Array.isArray(config.skipFiles) ? [...config.skipFiles] : ['<node_internals>/**'];
    for (const pattern of [`${path.dirname(this.agentPath)}/**`, ...RUNTIME_SKIP_FILES]) if (!skipFiles.includes(pattern)) skipFiles.push(pattern);
    return { ...config, env, skipFiles };
  }

  dispose(): void {
    this.registrations.dispose();
  }
}

/** The setting's known sources (a hand-edited settings.json may hold anything). */
export function nodeOperations(value: unknown): NodeSource[] {
  return Array.isArray(value) ? NODE_SOURCES.filter((source) => value.includes(source)) : [];
}
