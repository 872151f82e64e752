// Settings shared by every runtime copy in the process (they live on the hub). Read once from
// the environment; `AsyncInfo.configure` changes them at run time.

import { ENV, modeOf, PARENT_MODES, SITE_MODES, siteBudgetOf, type ParentMode, type SiteMode } from '../protocol/environment';

/** How much is captured of where an op was created (only while someone listens). Default 'off':
 *  a one-frame capture costs about 1.5-3 µs per op, so a listener that wants sites asks for them
 *  (the VS Code extension sets ASYNCINFO_SITES=frame for the programs it debugs). How the parent
 *  op is found: across awaits (AsyncLocalStorage) or only in the work's synchronous part. */
export type { ParentMode, SiteMode };

export interface RuntimeSettings {
  sites: SiteMode;
  /** The most of the program's time site capture may take, in percent (100: every op's site). */
  siteBudget: number;
  parents: ParentMode;
  /** Terminal ops kept for late-joining clients, newest first (the program can still GC them). */
  retainTerminal: number;
}

export const DEFAULT_RETAIN_TERMINAL = 1000;

export function settingsFromEnv(env: NodeJS.ProcessEnv): RuntimeSettings {
  const retainText = env[ENV.retain]?.trim();
  // Unset, empty or not a non-negative integer: the default (Number('') would read as 0).
  const retain = retainText ? Number(retainText) : NaN;
  return {
    sites: modeOf(SITE_MODES, env[ENV.sites]) ?? 'off',
    siteBudget: siteBudgetOf(env[ENV.siteBudget]),
    parents: modeOf(PARENT_MODES, env[ENV.parents]) ?? 'async',
    retainTerminal: Number.isInteger(retain) && retain >= 0 ? retain : DEFAULT_RETAIN_TERMINAL,
  };
}
