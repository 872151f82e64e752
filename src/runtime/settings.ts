// Settings shared by every runtime copy in the process (they live on the hub). Read once from
// the environment; `AsyncInfo.configure` changes them at run time.

/** How much is captured of where an op was created (only while someone listens). Default 'off':
 *  a one-frame capture costs about 1.5-3 µs per op, so a listener that wants sites asks for them
 *  (the VS Code extension sets ASYNCINFO_SITES=frame for the programs it debugs). */
export type SiteMode = 'off' | 'frame' | 'async';
/** How the parent op is found: across awaits (AsyncLocalStorage) or only in the work's synchronous part. */
export type ParentMode = 'async' | 'sync';

export interface RuntimeSettings {
  sites: SiteMode;
  parents: ParentMode;
  /** Terminal ops kept for late-joining clients, newest first (the program can still GC them). */
  retainTerminal: number;
}

export const DEFAULT_RETAIN_TERMINAL = 1000;

export function settingsFromEnv(env: NodeJS.ProcessEnv): RuntimeSettings {
  const sites = env.ASYNCINFO_SITES;
  const parents = env.ASYNCINFO_PARENTS;
  const retainText = env.ASYNCINFO_RETAIN?.trim();
  // Unset, empty or not a non-negative integer: the default (Number('') would read as 0).
  const retain = retainText ? Number(retainText) : NaN;
  return {
    sites: sites === 'frame' || sites === 'async' ? sites : 'off',
    parents: parents === 'sync' ? 'sync' : 'async',
    retainTerminal: Number.isInteger(retain) && retain >= 0 ? retain : DEFAULT_RETAIN_TERMINAL,
  };
}
