// dist/agentMain.js, the agent itself, started by the preload dist/agent.js (`node --require
// dist/agent.js app.js`, or through NODE_OPTIONS; see preload.js, which keeps older Node out) to make
// the program's IAsyncInfo operations observable and controllable from outside. Dormant unless one
// of its environment variables is set; loaded twice, the second copy does nothing; in worker
// threads it does nothing either.
import { isMainThread } from 'worker_threads';
import { AGENT_KEY, withRequire } from '../protocol/environment';
import { childrenInherit, readConfig } from './config';
import { Agent, type AgentStats } from './agent';
import { enableDebugLog } from './debugLog';

export { AGENT_KEY };

export interface AgentHandle {
  readonly version: 1;
  stats(): AgentStats;
}

function main(preload: string): void {
  const key = Symbol.for(AGENT_KEY);
  const g = globalThis as unknown as Record<symbol, unknown>;
  if (g[key] !== undefined) return;
  // Worker threads load the preload too, each with its own globals: the process has one agent, the
  // main thread's (a worker's would say hello again with the same pid, fight it for a `%p` listen
  // address and interleave its `%p` trace file).
  if (!isMainThread) return;
  const config = readConfig(process.env, process.pid);
  if (config === undefined) return;
  enableDebugLog(config.debug);
  const agent = new Agent(config);
  const handle: AgentHandle = { version: 1, stats: () => agent.stats() };
  Object.defineProperty(globalThis, key, { value: handle, configurable: true, enumerable: false, writable: false });
  inheritByChildren(preload);
  agent.start();
}

/**
 * Children find the agent through NODE_OPTIONS; when the agent came in by `--require` on the
 * command line, it adds its preload there (the preload, which any Node can parse, never this
 * bundle), so children started by the program are observed too.
 */
function inheritByChildren(preload: string): void {
  if (!childrenInherit(process.env) || typeof preload !== 'string') return;
  process.env.NODE_OPTIONS = withRequire(process.env.NODE_OPTIONS, preload);
}

/** Called by the preload with its own path. */
export function startAgent(preload: string): void {
  try {
    main(preload);
  } catch {
    // the program comes first: an agent that cannot start stays out of the way
  }
}
