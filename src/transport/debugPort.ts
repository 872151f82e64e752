// What the session layer needs from a debugger, and nothing more: sessions it can evaluate in,
// their parent, and the events of their lives. VS Code's DebugSession fits this shape as it is;
// the UI adapts VS Code's events to it, and unit tests drive it with sessions of their own.
import type { Event } from '../common/events';
import { ENV } from '../protocol/environment';

export interface DebugSessionLike {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly parentSession?: DebugSessionLike | undefined;
  readonly configuration: { readonly request?: string; readonly env?: unknown; readonly __pendingTargetId?: unknown };
  /** A Debug Adapter Protocol request (`evaluate`, `stackTrace`). */
  customRequest(command: string, args?: unknown): PromiseLike<unknown>;
}

/** A session stopped (breakpoint, step, pause) on a thread. */
export interface PausedTarget {
  readonly session: DebugSessionLike;
  readonly threadId: number;
}

export interface DebugEvents {
  /** Sessions already running when the layer starts. */
  readonly activeSessions: () => readonly DebugSessionLike[];
  readonly onDidStartSession: Event<DebugSessionLike>;
  readonly onDidTerminateSession: Event<DebugSessionLike>;
  readonly onDidStop: Event<PausedTarget>;
  /** The program runs again (continue, a step, the adapter exited). */
  readonly onDidContinue: Event<DebugSessionLike>;
  /** The user asked to restart the session, before its processes are killed. */
  readonly onWillRestart: Event<DebugSessionLike>;
}

/** Debug types whose launches get the agent: js-debug turns `node` into `pwa-node` before the
 *  substituted-variables hook, so these cover every Node launch. */
export const NODE_LAUNCH_TYPES: readonly string[] = ['pwa-node', 'node-terminal'];
/** Root debug types whose `attach` requests get the agent loaded through the debugger. */
export const NODE_ATTACH_TYPES: readonly string[] = ['pwa-node', 'node'];

export function rootOf(session: DebugSessionLike): DebugSessionLike {
  let root = session;
  while (root.parentSession) root = root.parentSession;
  return root;
}

/** The async-channel session token a debug session (or an ancestor) was launched with. */
export function launchToken(session: DebugSessionLike | undefined): string | undefined {
  for (let s = session; s; s = s.parentSession) {
    const env = s.configuration.env;
    const value = typeof env === 'object' && env !== null ? (env as Record<string, unknown>)[ENV.session] : undefined;
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** A js-debug target session (the process itself) under a root the user asked to `attach`. */
export function isAttachTarget(session: DebugSessionLike): boolean {
  if (session.configuration.__pendingTargetId === undefined) return false;
  const root = rootOf(session);
  return root.configuration.request === 'attach' && NODE_ATTACH_TYPES.includes(root.type);
}
