// For `attach` debug sessions the program is already running, so there is no NODE_OPTIONS to
// extend: load the agent into it through the debugger instead, pointed at this window's channel.
// The expression is built only from our own values (JSON-quoted); nothing a program sent is in it.
import { AGENT_KEY, agentEnvironment, type NodeSource } from '../protocol/environment';
import type { ChannelCredentials } from './channelServer';
import type { DebugSessionLike } from './debugPort';

/** The result the expression reports: 'ok', 'loaded' (an agent was already there), or why not. */
export function agentLoaderExpression(agentPath: string, channel: ChannelCredentials, sessionToken: string, node?: readonly NodeSource[]): string {
  const p = JSON.stringify(agentPath);
  const agent = `globalThis[Symbol.for(${JSON.stringify(AGENT_KEY)})]`;
  // Node's own work sources are taken as the agent starts (sites and parents were fixed when the
  // program's runtime started, so they are not sent).
  const env = JSON.stringify(agentEnvironment({ channel: channel.address, token: channel.token, session: sessionToken, node }));
  return `(() => {
  try {
    if (${agent}) return 'loaded';
    const moduleApi = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('module') : process.mainModule && process.mainModule.constructor;
    if (!moduleApi || typeof moduleApi.createRequire !== 'function') return 'this Node.js cannot load modules from the debugger (needs process.getBuiltinModule or a CommonJS main module)';
    Object.assign(process.env, ${env});
    const load = moduleApi.createRequire(${p});
    // A copy loaded earlier without settings stayed dormant and is cached: run it afresh.
    delete load.cache[load.resolve(${p})];
    load(${p});
    return ${agent} ? 'ok' : 'the agent did not start';
  } catch (error) {
    return 'error: ' + (error && error.message);
  }
})()`;
}

/** Loads the agent into the process behind `session` (a js-debug target session). */
export async function loadAgentThroughDebugger(
  session: DebugSessionLike, agentPath: string, channel: ChannelCredentials, token: string, node?: readonly NodeSource[],
): Promise<string> {
  const expression = agentLoaderExpression(agentPath, channel, token, node);
  let lastError: unknown;
  // The target may still be setting up right after its session starts: try a few times.
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const reply = (await session.customRequest('evaluate', { expression, context: 'repl' })) as { result?: unknown } | undefined;
      return String(reply?.result ?? '').replace(/^['"]|['"]$/g, '');
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
