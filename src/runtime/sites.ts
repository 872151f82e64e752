// Where an op was created. Capturing a stack costs 1.5-5 µs even for one frame (more under a
// debugger, which has V8 record a longer stack with it), so it happens only while someone listens,
// within a budget of the program's time, and the full (async) stack only when asked for.
import type { SiteMode } from './settings';

export interface CreationSite {
  site: string | null;
  /** The full stack, async frames included; only in 'async' mode. */
  stack?: string;
}

interface CallSiteLike {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
}

function firstFrame(_error: Error, frames: CallSiteLike[]): string | null {
  const frame = frames[0];
  const file = frame?.getFileName();
  return file ? `${file}:${frame.getLineNumber() ?? 0}:${frame.getColumnNumber() ?? 0}` : null;
}

/** `below` is the public factory: frames from it inward are the runtime's own and are skipped. */
export function captureSite(mode: SiteMode, below: Function): CreationSite {
  if (mode === 'off') return { site: null };
  const ErrorCtor = Error as ErrorConstructor & { prepareStackTrace?: unknown };
  const savedPrepare = ErrorCtor.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  try {
    const holder: { stack?: unknown } = {};
    ErrorCtor.prepareStackTrace = firstFrame;
    Error.stackTraceLimit = 1;
    Error.captureStackTrace(holder, below);
    const site = (holder.stack as string | null) ?? null;
    if (mode === 'frame') return { site };
    ErrorCtor.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = 30;
    const full: { stack?: string } = {};
    Error.captureStackTrace(full, below);
    return { site, stack: full.stack?.split('\n').slice(1).map((l) => l.trim()).join('\n') };
  } catch {
    return { site: null };
  } finally {
    ErrorCtor.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = savedLimit;
  }
}

/** Capture time the budget holds when full: a burst at start (or after a quiet spell) gets every
 *  site (about 12,000 ops made deep in a stack under a debugger, more elsewhere). */
const BURST_MICROS = 200_000;
/** Names whose first op after the budget ran out still got a site (bounded: then no more). */
const MAX_NAMES = 1024;

/**
 * A token bucket of capture time: it fills at `percent` of the time that passes, up to
 * {@link BURST_MICROS}, and each capture takes what it cost. While it is empty, ops get no site,
 * but for the first op of each name; a program that makes a few thousand ops a second never empties it.
 */
export class SiteBudget {
  private micros = BURST_MICROS;
  private last = -Infinity;
  /** Ops that went without a site because the budget was spent. */
  skipped = 0;

  /** Whether an op created at `t` (µs) may have its site captured. */
  allows(t: number, percent: number): boolean {
    if (percent >= 100) return true;
    const refill = (t - this.last) * (percent / 100);
    this.last = t;
    this.micros = refill >= BURST_MICROS - this.micros ? BURST_MICROS : this.micros + refill;
    if (this.micros > 0) return true;
    this.skipped++;
    return false;
  }

  private readonly names = new Set<string>();

  /** Whether an op over the budget may still have its site: the first of its name since the budget
   *  first ran out (a program making one kind of op flat out still shows where each other kind comes from). */
  firstOfName(name: string): boolean {
    if (this.names.has(name) || this.names.size >= MAX_NAMES) return false;
    this.names.add(name);
    return true;
  }

  /** A capture that started at `since` (µs) ended at `now`. */
  spend(since: number, now: number): void {
    this.micros -= now - since;
  }
}
