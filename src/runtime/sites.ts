// Where an op was created. Capturing a stack costs about a microsecond even for one frame, so it
// happens only while someone listens, and the full (async) stack only when asked for.
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
