// The messages between the extension and the timeline webview, and their validators: each side
// checks what it receives field by field and drops anything else (a webview is a web page: its
// messages are input, and ours to it are checked there too, so a bug cannot half-draw).
import type { OpStatusName } from './model';
import type { TimelineOp } from './timeline';

export interface TimelineProcessItem {
  readonly key: string;
  readonly label: string;
}

/** Where the replay cursor is, for an opened trace (null t: no cursor, the trace shown whole). */
export interface TimelineCursor {
  readonly t: number | null;
  /** The event the tree shows the state after (-1: before the first), of `count`. */
  readonly index: number;
  readonly count: number;
  /** What the view's title says of the moment. */
  readonly label: string;
}

export type ToWebview =
  | { type: 'processes'; items: TimelineProcessItem[]; selected: string | null }
  | { type: 'reset'; key: string; label: string; trace: boolean; latestT: number }
  | { type: 'ops'; key: string; upserts: TimelineOp[]; removed: number[]; latestT: number; live: boolean }
  | { type: 'cursor'; key: string; cursor: TimelineCursor };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'pick'; key: string }
  | { type: 'reveal'; key: string; id: number }
  | { type: 'seek'; key: string; t: number }
  | { type: 'step'; key: string; delta: 1 | -1 }
  | { type: 'endReplay'; key: string };

/** Ops per 'ops' message: a 100,000-op trace crosses in pieces the webview draws as they come. */
export const OPS_PER_MESSAGE = 5000;

const STATUSES: ReadonlySet<string> = new Set<OpStatusName>(['Started', 'Completed', 'Canceled', 'Error']);
const MAX_KEY = 4096;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max = MAX_KEY): v is string => typeof v === 'string' && v.length <= max;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

export function parseFromWebview(value: unknown): FromWebview | undefined {
  if (!isObj(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'pick':
      return isStr(value.key) ? { type: 'pick', key: value.key } : undefined;
    case 'reveal':
      return isStr(value.key) && isId(value.id) ? { type: 'reveal', key: value.key, id: value.id } : undefined;
    case 'seek':
      return isStr(value.key) && isNum(value.t) ? { type: 'seek', key: value.key, t: value.t } : undefined;
    case 'step':
      return isStr(value.key) && (value.delta === 1 || value.delta === -1) ? { type: 'step', key: value.key, delta: value.delta } : undefined;
    case 'endReplay':
      return isStr(value.key) ? { type: 'endReplay', key: value.key } : undefined;
    default:
      return undefined;
  }
}

function isOp(v: unknown): v is TimelineOp {
  if (!isObj(v)) return false;
  return isId(v.id) && (v.parent === null || isId(v.parent)) && isStr(v.name, 100_000) && isNum(v.start)
    && (v.end === null || isNum(v.end)) && typeof v.status === 'string' && STATUSES.has(v.status)
    && (v.cancelT === null || isNum(v.cancelT)) && Array.isArray(v.progressT) && v.progressT.every(isNum)
    && (v.site === null || isStr(v.site, 100_000));
}

export function parseToWebview(value: unknown): ToWebview | undefined {
  if (!isObj(value)) return undefined;
  switch (value.type) {
    case 'processes': {
      const items = value.items;
      if (!Array.isArray(items) || !items.every((i) => isObj(i) && isStr(i.key) && isStr(i.label, 100_000))) return undefined;
      if (!(value.selected === null || isStr(value.selected))) return undefined;
      return { type: 'processes', items: items as TimelineProcessItem[], selected: value.selected };
    }
    case 'reset':
      if (!isStr(value.key) || !isStr(value.label, 100_000) || typeof value.trace !== 'boolean' || !isNum(value.latestT)) return undefined;
      return { type: 'reset', key: value.key, label: value.label, trace: value.trace, latestT: value.latestT };
    case 'ops': {
      const { key, upserts, removed, latestT, live } = value;
      if (!isStr(key) || !Array.isArray(upserts) || !Array.isArray(removed) || !isNum(latestT) || typeof live !== 'boolean') return undefined;
      if (!upserts.every(isOp) || !removed.every(isId)) return undefined;
      return { type: 'ops', key, upserts, removed, latestT, live };
    }
    case 'cursor': {
      const c = value.cursor;
      if (!isStr(value.key) || !isObj(c) || !(c.t === null || isNum(c.t)) || !Number.isSafeInteger(c.index) || !Number.isSafeInteger(c.count) || !isStr(c.label, 1000)) return undefined;
      return { type: 'cursor', key: value.key, cursor: { t: c.t, index: c.index as number, count: c.count as number, label: c.label } };
    }
    default:
      return undefined;
  }
}
