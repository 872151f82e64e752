// A socket write that the client does not take keeps Node's event loop alive (libuv counts the
// pending write request, whatever the socket's ref), so a client that stops reading would keep a
// finished program from exiting. The agent asks, now and then while a write of its own is stuck,
// whether anything of the program's still keeps the loop alive; if not, it lets its client go.
import type { Socket } from 'net';

interface ProcessInternals {
  _getActiveHandles?(): unknown[];
  _getActiveRequests?(): unknown[];
  getActiveResourcesInfo?(): string[];
}

/** True when nothing but the agent's own stuck writes keeps the event loop alive. */
export function onlyAgentKeepsAlive(ours: readonly Socket[]): boolean {
  const p = process as unknown as ProcessInternals;
  if (!p._getActiveHandles || !p._getActiveRequests || !p.getActiveResourcesInfo) return false; // can't tell: assume busy
  const ourHandles = new Set<unknown>(ours.map((s) => (s as unknown as { _handle?: unknown })._handle));
  for (const req of p._getActiveRequests()) {
    if (!ourHandles.has((req as { handle?: unknown } | null)?.handle)) return false;
  }
  for (const handle of p._getActiveHandles()) {
    if (!ours.includes(handle as Socket) && isActive(handle)) return false;
  }
  // Ref'd timers and immediates are listed here only (the agent's own are unref'd).
  return !p.getActiveResourcesInfo().some((name) => name === 'Timeout' || name === 'Immediate');
}

/**
 * A ref'd handle keeps the loop alive only while active. Streams nobody reads and nothing is
 * written to (stdout on a pipe, say) are ref'd but idle; everything else (servers, child
 * processes, watchers) counts as busy.
 */
function isActive(handle: unknown): boolean {
  const s = handle as {
    readable?: unknown; writable?: unknown; connecting?: boolean; writableLength?: number;
    _handle?: { reading?: boolean } | null; destroyed?: boolean; listening?: boolean;
  } | null;
  if (!s || typeof s !== 'object') return true;
  const isStream = 'writableLength' in s && '_handle' in s && !('listening' in s);
  if (!isStream) return true;
  if (s.destroyed || !s._handle) return false;
  return Boolean(s.connecting || s._handle.reading || (s.writableLength ?? 0) > 0);
}
