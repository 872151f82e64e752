// Preloads the agent into Node debug sessions: `--require <dist/agent.js>` appended to the user's
// own NODE_OPTIONS, and the channel and session id in the environment. js-debug rewrites `node`
// configs to `pwa-node` before the substituted-variables hook, so registering for `pwa-node` and
// `node-terminal` covers every Node launch (see shared/notes/real-vscode-here.md).
import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import { CONFIG_SECTION, Settings } from '../contributions';

export const SESSION_ENV = 'ASYNCINFO_SESSION';
const INJECTED_TYPES = ['pwa-node', 'node-terminal'];

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
  private readonly registrations: vscode.Disposable[];

  constructor(private readonly agentPath: string, private readonly channelAddress: () => string | undefined) {
    this.registrations = INJECTED_TYPES.map((type) => vscode.debug.registerDebugConfigurationProvider(type, this));
  }

  resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration {
    if (config.request !== 'launch' || config.__pendingTargetId !== undefined) return config; // attach / child sessions: env has no effect
    const settings = vscode.workspace.getConfiguration(CONFIG_SECTION, folder);
    if (!settings.get<boolean>(Settings.InjectAgent, true)) return config;
    const address = this.channelAddress();
    if (!address) return config;
    const env: Record<string, string | null> = { ...(config.env ?? {}) };
    const inherited = typeof env.NODE_OPTIONS === 'string' ? env.NODE_OPTIONS : process.env.NODE_OPTIONS;
    env.NODE_OPTIONS = withAgent(inherited, this.agentPath);
    env.ASYNCINFO_CHANNEL = address;
    if (typeof env[SESSION_ENV] !== 'string') env[SESSION_ENV] = randomUUID();
    // The launch config's own values win over the settings.
    env.ASYNCINFO_SITES ??= settings.get<string>(Settings.CreationSites, 'frame');
    env.ASYNCINFO_PARENTS ??= settings.get<string>(Settings.Parents, 'async');
    return { ...config, env };
  }

  dispose(): void {
    for (const r of this.registrations) r.dispose();
  }
}

/** The async-channel session id a debug session (or its parent) was launched with. */
export function sessionToken(session: vscode.DebugSession | undefined): string | undefined {
  for (let s = session; s; s = s.parentSession) {
    const value = (s.configuration.env as Record<string, unknown> | undefined)?.[SESSION_ENV];
    if (typeof value === 'string') return value;
  }
  return undefined;
}
