// The environment contract between whoever starts a program (the extension's launch injection,
// the attach loader, a user's shell) and the code inside it (the agent, the runtime). Every
// `ASYNCINFO_*` name and the values they take are spelled here and nowhere else.

export const ENV = {
  /** Connect to this client: a socket / pipe path, or `tcp://HOST:PORT`. */
  channel: 'ASYNCINFO_CHANNEL',
  /** Listen for clients to attach: a path, or `HOST:PORT`. */
  listen: 'ASYNCINFO_LISTEN',
  /** Write the address actually listened on to this file. */
  listenFile: 'ASYNCINFO_LISTEN_FILE',
  /** Shared secret TCP clients must send in `auth`. */
  token: 'ASYNCINFO_TOKEN',
  /** Also append the stream to this file. */
  trace: 'ASYNCINFO_TRACE',
  /** Opaque id echoed in `hello`, tying a process to its debug session. */
  session: 'ASYNCINFO_SESSION',
  /** What the runtime captures of where each op was created: {@link SITE_MODES}. */
  sites: 'ASYNCINFO_SITES',
  /** The most of the program's time that capturing creation sites may take, in percent (see {@link siteBudgetOf}). */
  siteBudget: 'ASYNCINFO_SITE_BUDGET',
  /** How the runtime finds each op's parent: {@link PARENT_MODES}. */
  parents: 'ASYNCINFO_PARENTS',
  /** Terminal ops the runtime keeps for late-joining clients. */
  retain: 'ASYNCINFO_RETAIN',
  /** `1`: the agent says on stderr why it could not connect, listen or write (quiet otherwise). */
  debug: 'ASYNCINFO_DEBUG',
  /** Node's own work shown as ops: a comma list of {@link NODE_SOURCES}, or `all` (unset: none). */
  node: 'ASYNCINFO_NODE',
  /** The shortest `setTimeout`/`setInterval` delay the `timers` source shows (default 1000). */
  timersMinMs: 'ASYNCINFO_TIMERS_MIN_MS',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

/** `off`: none (the runtime's default); `frame`: `file:line:column`; `async`: the whole stack. */
export const SITE_MODES = ['off', 'frame', 'async'] as const;
export type SiteMode = (typeof SITE_MODES)[number];

/**
 * Capturing a site is a V8 stack walk (1.5-5 µs, more under a debugger), the most an observed op
 * costs; past this share of the program's time, ops go without a site until the budget refills
 * (but for the first op of each name). A program making a few thousand ops a second never reaches
 * it; 100 captures every op's site.
 */
export const DEFAULT_SITE_BUDGET = 2;

/** The site budget an `ASYNCINFO_SITE_BUDGET` value gives: a percentage above 0 and at most 100, else the default. */
export function siteBudgetOf(value: string | undefined): number {
  const budget = value?.trim() ? Number(value) : NaN;
  return isSiteBudget(budget) ? budget : DEFAULT_SITE_BUDGET;
}

export function isSiteBudget(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && value <= 100;
}

/** `async`: across awaits (AsyncLocalStorage); `sync`: only the work's synchronous part. */
export const PARENT_MODES = ['async', 'sync'] as const;
export type ParentMode = (typeof PARENT_MODES)[number];

/** Node's own asynchronous work the agent can show as ops (operation-sources.md §3). */
export const NODE_SOURCES = ['http-server', 'http-client', 'fetch', 'child-process', 'timers'] as const;
export type NodeSource = (typeof NODE_SOURCES)[number];
export const DEFAULT_TIMERS_MIN_MS = 1000;

/** The sources an `ASYNCINFO_NODE` value names: `all`, or a comma list (unknown names are skipped). */
export function nodeSourcesOf(value: string | undefined): NodeSource[] {
  const names = (value ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  if (names.includes('all')) return [...NODE_SOURCES];
  return NODE_SOURCES.filter((source) => names.includes(source));
}

/** `globalThis[Symbol.for(AGENT_KEY)]` is set by a running agent; its presence stops a second copy. */
export const AGENT_KEY = 'asyncinfo.agent.v1';

/** What a debugger sets in a program it launches or attaches to, so the agent reports to it. */
export interface AgentLaunchSettings {
  channel: string;
  /** The channel's secret, said in `hello`. */
  token?: string;
  session: string;
  sites?: SiteMode;
  /** Percent of the program's time sites may take ({@link DEFAULT_SITE_BUDGET}). */
  siteBudget?: number;
  parents?: ParentMode;
  /** Node's own work to show (ASYNCINFO_NODE); empty: none, the variable is set empty. */
  node?: readonly string[];
}

/** The variables for {@link AgentLaunchSettings}; unset modes are left to the runtime's defaults. */
export function agentEnvironment(settings: AgentLaunchSettings): Partial<Record<EnvName, string>> {
  const env: Partial<Record<EnvName, string>> = { [ENV.channel]: settings.channel, [ENV.session]: settings.session };
  if (settings.token) env[ENV.token] = settings.token;
  if (settings.sites) env[ENV.sites] = settings.sites;
  if (isSiteBudget(settings.siteBudget)) env[ENV.siteBudget] = String(settings.siteBudget);
  if (settings.parents) env[ENV.parents] = settings.parents;
  if (settings.node) env[ENV.node] = settings.node.join(',');
  return env;
}

/** `value` when it is one of `modes`, else undefined (an unknown value means the default). */
export function modeOf<T extends string>(modes: readonly T[], value: string | undefined): T | undefined {
  return (modes as readonly string[]).includes(value ?? '') ? (value as T) : undefined;
}

/**
 * `--require "<path>"` as NODE_OPTIONS spells it. Node splits NODE_OPTIONS at whitespace outside
 * double quotes, and inside them a backslash takes the next character as it is: so every `"` and
 * `\` is escaped and the rest (tabs, spaces) is kept as it is. (JSON's escapes would turn a tab
 * into `\t`, which Node reads as `t`.)
 */
export function requireOption(file: string): string {
  return `--require "${file.replace(/["\\]/g, '\\$&')}"`;
}

/** NODE_OPTIONS split into its arguments, as Node reads them. */
export function nodeOptionsArgs(options: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArg = false;
  let quoted = false;
  for (let i = 0; i < options.length; i++) {
    const c = options[i];
    if (quoted && c === '\\' && i + 1 < options.length) {
      current += options[++i];
    } else if (c === '"') {
      quoted = !quoted;
      inArg = true;
    } else if (!quoted && /\s/.test(c)) {
      if (inArg) args.push(current);
      current = '';
      inArg = false;
    } else {
      current += c;
      inArg = true;
    }
  }
  if (inArg) args.push(current);
  return args;
}

/** NODE_OPTIONS with `--require <file>` added, unless it requires that file already (however quoted). */
export function withRequire(options: string | undefined, file: string): string {
  const base = (options ?? '').trim();
  const args = nodeOptionsArgs(base);
  for (let i = 0; i < args.length; i++) {
    if ((args[i] === '--require' || args[i] === '-r') && args[i + 1] === file) return base;
    if (args[i] === `--require=${file}`) return base;
  }
  return base ? `${base} ${requireOption(file)}` : requireOption(file);
}
