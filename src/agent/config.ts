// The agent's settings, read once from the environment (see the protocol's "Starting the agent").
import { parseAddress, type ChannelAddress } from '../protocol/address';
import { DEFAULT_TIMERS_MIN_MS, ENV, nodeSourcesOf, type NodeSource } from '../protocol/environment';

export interface AgentConfig {
  /** Connect out to this client (ASYNCINFO_CHANNEL). */
  channel?: ChannelAddress;
  /** Listen for clients here (ASYNCINFO_LISTEN). */
  listen?: ChannelAddress;
  /** Write the address actually listened on to this file (ASYNCINFO_LISTEN_FILE). */
  listenFile?: string;
  token?: string;
  /** Append the stream to this file (ASYNCINFO_TRACE). */
  trace?: string;
  session: string | null;
  /** Say on stderr why the agent could not connect, listen or write (ASYNCINFO_DEBUG=1). */
  debug: boolean;
  /** Node's own work shown as ops (ASYNCINFO_NODE); empty: nothing is hooked. */
  node: NodeSource[];
  /** The shortest timer delay the `timers` source shows (ASYNCINFO_TIMERS_MIN_MS). */
  timersMinMs: number;
}

export { ENV };

/** Variables a child would fight its parent over (one port, one file), unless they hold `%p`. */
const PER_PROCESS = [ENV.listen, ENV.listenFile, ENV.trace];

/**
 * The configuration, or undefined when none of CHANNEL, LISTEN, TRACE is set (the agent stays dormant). `%p` becomes
 * the pid, except in the token: a secret is used as given. Removes the per-process variables without `%p` from
 * `env`, so children don't inherit them.
 */
export function readConfig(env: NodeJS.ProcessEnv, pid: number): AgentConfig | undefined {
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value ? value.split('%p').join(String(pid)) : undefined;
  };
  const channel = read(ENV.channel);
  const listen = read(ENV.listen);
  const listenFile = read(ENV.listenFile);
  const token = env[ENV.token] || undefined;
  const trace = read(ENV.trace);
  const session = read(ENV.session);
  // A token, session or address file alone gives the agent nowhere to send: it stays dormant
  // (subscribed, it would make the runtime keep ended ops for a client that can never come).
  if (channel === undefined && listen === undefined && trace === undefined) return undefined;
  for (const name of PER_PROCESS) {
    if (env[name] !== undefined && !env[name]!.includes('%p')) delete env[name];
  }
  return {
    channel: channel === undefined ? undefined : parseAddress(channel),
    listen: listen === undefined ? undefined : parseAddress(listen),
    listenFile,
    token,
    trace,
    session: session ?? null,
    debug: env[ENV.debug] === '1',
    node: nodeSourcesOf(env[ENV.node]),
    timersMinMs: timersMinMs(env[ENV.timersMinMs]),
  };
}

/** Whether a child started with `env` would find work for its own agent. */
export function childrenInherit(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env[ENV.channel] || env[ENV.listen] || env[ENV.trace]);
}

/** A non-negative number of milliseconds, else the default. */
function timersMinMs(text: string | undefined): number {
  const value = text?.trim() ? Number(text) : NaN;
  return Number.isFinite(value) && value >= 0 ? value : DEFAULT_TIMERS_MIN_MS;
}
