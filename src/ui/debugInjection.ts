// Preloads the agent into Node debug launches: `--require <dist/agent.js>` appended to the user's
// own NODE_OPTIONS, and the channel and session token in the environment (the agent's variables:
// ../protocol/environment.ts).
import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import { DisposableList } from '../common/disposable';
import { CONFIG_SECTION, SETTING_DEFAULTS, Settings } from '../contributions';
import { agentEnvironment, ENV, withRequire } from '../protocol/environment';
import type { ChannelCredentials } from '../transport/channelServer';
import { launchNodeOptions } from '../transport/launchEnv';
import { NODE_LAUNCH_TYPES } from '../transport/debugPort';

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
      parents: settings.get(Settings.Parents, SETTING_DEFAULTS[Settings.Parents]),
    });
    // The launch config's own values (a session token, a mode) win over ours; the channel and its token are this window's.
    for (const [name, value] of Object.entries(wanted)) {
      if (name === ENV.channel || name === ENV.token || typeof env[name] !== 'string') env[name] = value;
    }
    env.NODE_OPTIONS = withRequire(nodeOptions, this.agentPath);
    return { ...config, env };
  }

  dispose(): void {
    this.registrations.dispose();
  }
}
