// Where an op was created. Capturing a stack costs about a microsecond even for one frame, so it
// happens only while someone listens, and the full (async) stack only when asked for.
import * as util from 'util';
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

interface CallSiteRecord {
  scriptName: string;
  lineNumber: number;
  column: number;
}

/**
 * Under a debugger (an inspector session with Runtime enabled, as in every VS Code debug session)
 * V8 records, with every error stack it captures, a detailed stack of up to 200 frames for the
 * inspector: a one-frame `captureStackTrace` then costs 9-13 µs instead of 1.5-2. `util.getCallSites`
 * (Node 22.12+) makes no error object and costs about 2.5 µs either way, so it is used while an
 * inspector is open. It cannot skip frames by function, so how deep the factory's caller is, seen
 * from here, is learned once per factory from `captureStackTrace` (-1: they disagreed; never used).
 */
const getCallSites = (util as unknown as { getCallSites?: (frames: number) => CallSiteRecord[] }).getCallSites;
const inspectorUrl = loadInspectorUrl();
const depths = new WeakMap<Function, number>();
const MAX_DEPTH = 16;

function loadInspectorUrl(): (() => string | undefined) | undefined {
  if (typeof getCallSites !== 'function') return undefined;
  try {
    return (require('inspector') as typeof import('inspector')).url;
  } catch {
    return undefined; // a Node built without the inspector
  }
}

const formatRecord = (f: CallSiteRecord | undefined): string | null =>
  f?.scriptName ? `${f.scriptName}:${f.lineNumber}:${f.column}` : null;

/** The site from getCallSites, or undefined when this factory's depth is not known (yet). */
function siteFromCallSites(below: Function): string | null | undefined {
  const depth = depths.get(below);
  if (depth === undefined || depth < 0) return undefined;
  const frames = getCallSites!(depth + 1);
  // The frame above the caller is the factory, in the runtime's own script, as when learned.
  if (frames.length <= depth || frames[depth - 1].scriptName !== frames[0].scriptName) return undefined;
  return formatRecord(frames[depth]);
}

/** Learns at which depth getCallSites, called from captureSite, finds `site` for this factory. */
function learnDepth(below: Function, site: string | null): void {
  const frames = getCallSites!(MAX_DEPTH);
  const depth = site === null ? -1 : frames.findIndex((f, i) => i > 0 && formatRecord(f) === site);
  depths.set(below, depth);
}

/** `below` is the public factory: frames from it inward are the runtime's own and are skipped. */
export function captureSite(mode: SiteMode, below: Function): CreationSite {
  if (mode === 'off') return { site: null };
  if (mode === 'frame' && inspectorUrl !== undefined && inspectorUrl() !== undefined) {
    try {
      const site = siteFromCallSites(below);
      if (site !== undefined) return { site };
      if (!depths.has(below)) {
        const captured = captureFromErrorStack(mode, below);
        learnDepth(below, captured.site);
        return captured;
      }
    } catch {
      // fall through to the error-stack capture
    }
  }
  return captureFromErrorStack(mode, below);
}

function captureFromErrorStack(mode: 'frame' | 'async', below: Function): CreationSite {
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
