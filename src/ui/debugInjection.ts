// Preloads the agent into Node debug launches: `--require <dist/agent.js>` appended to the user's
// own NODE_OPTIONS, and the channel and session token in the environment (the agent's variables:
// ../protocol/environment.ts).
import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import { DisposableList } from '../common/disposable';
import { CONFIG_SECTION, SETTING_DEFAULTS, Settings } from '../contributions';
import { agentEnvironment, ENV } from '../protocol/environment';
import { NODE_LAUNCH_TYPES } from '../transport/debugPort';

export function requireOption(agentPath: string): string {
  return `--require ${JSON.stringify(agentPath)}`;
}

/** The user's NODE_OPTIONS with the agent appended, once. */
export function withAgent(nodeOptions: string | undefined, agentPath: string): string {
  const option = requireOption(agentPath);
  const base = (nodeOptions ?? '').trim();
  if (base.includes(option)) return base;
  return base ? `${base} ${option}` : option;
}

export class DebugInjection implements vscode.DebugConfigurationProvider, vscode.Disposable {
  private readonly registrations = new DisposableList();

  constructor(private readonly agentPath: string, private readonly channelAddress: () => string | undefined) {
    for (const type of NODE_LAUNCH_TYPES) this.registrations.add(vscode.debug.registerDebugConfigurationProvider(type, this));
  }

  resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration {
    if (config.request !== 'launch' || config.__pendingTargetId !== undefined) return config; // attach / child sessions: env has no effect
    const settings = vscode.workspace.getConfiguration(CONFIG_SECTION, folder);
    if (!settings.get<boolean>(Settings.InjectAgent, SETTING_DEFAULTS[Settings.InjectAgent])) return config;
    const address = this.channelAddress();
    if (!address) return config;
    const env: Record<string, string | null> = { ...(config.env ?? {}) };
    const inherited = typeof env.NODE_OPTIONS === 'string' ? env.NODE_OPTIONS : process.env.NODE_OPTIONS;
    const wanted = agentEnvironment({
      channel: address,
      session: randomUUID(),
      sites: settings.get(Settings.CreationSites, SETTING_DEFAULTS[Settings.CreationSites]),
      parents: settings.get(Settings.Parents, SETTING_DEFAULTS[Settings.Parents]),
    });
    // The launch config's own values (a session token, a mode) win over ours; the channel is this window's.
    for (const [name, value] of Object.entries(wanted)) {
      if (name === ENV.channel || typeof env[name] !== 'string') env[name] = value;
    }
    env.NODE_OPTIONS = withAgent(inherited, this.agentPath);
    return { ...config, env };
  }

  dispose(): void {
    this.registrations.dispose();
  }
}
