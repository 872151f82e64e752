// What a client's line asks for. Received text is only ever parsed as JSON and read field by
// field with type checks: never evaluated, never merged into other objects, never used as a key.
import { BAD_REQUEST, MAX_IDS_PER_COMMAND, type ReplyFailure } from '../protocol/messages';

/** A command's `req` as JSON text, ready to be echoed in its reply: exactly as it came, or `null`. */
export type Req = string;

export type ClientRequest =
  | { kind: 'auth'; token: string }
  | { kind: 'cancel' | 'close'; id: number; req: Req }
  | { kind: 'resync'; req: Req }
  | { kind: 'cancelMany'; ids: number[]; req: Req }
  | { kind: 'bad'; req: Req; message: string };

/** Op ids are uint32: a well-formed id past it names no live op (NOT_FOUND, never asked of the runtime). */
export const MAX_ID = 0xffffffff;
const NO_REQ: Req = 'null';

function own(obj: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/**
 * `req` as its reply echoes it: a string re-quoted, a number as the very digits that came (a large
 * integer would lose digits through a double), anything else unreadable (`null`).
 */
function readReq(line: string, value: unknown): Req {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'number') return NO_REQ;
  if (Number.isSafeInteger(value)) return String(value);
  return rawMember(line, 'req') ?? (Number.isFinite(value) ? String(value) : NO_REQ);
}

export function parseRequest(line: string): ClientRequest {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    return { kind: 'bad', req: NO_REQ, message: 'not JSON' };
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
    return { kind: 'bad', req: NO_REQ, message: 'not a JSON object' };
  }
  const type = own(msg, 'type');
  const req = readReq(line, own(msg, 'req'));
  switch (type) {
    case 'auth': {
      const token = own(msg, 'token');
      return typeof token === 'string' ? { kind: 'auth', token } : { kind: 'bad', req, message: 'auth needs a string token' };
    }
    case 'cancel':
    case 'close': {
      if (req === NO_REQ) return { kind: 'bad', req, message: `${type} needs a req (a number or a string)` };
      const id = own(msg, 'id');
      if (!isId(id)) {
        return { kind: 'bad', req, message: `${type} needs an id (a positive integer)` };
      }
      return { kind: type, id, req };
    }
    case 'cancelMany': {
      if (req === NO_REQ) return { kind: 'bad', req, message: 'cancelMany needs a req (a number or a string)' };
      const ids = own(msg, 'ids');
      if (!Array.isArray(ids) || ids.length > MAX_IDS_PER_COMMAND || !ids.every(isId)) {
        return { kind: 'bad', req, message: `cancelMany needs ids: an array of at most ${MAX_IDS_PER_COMMAND} positive integers` };
      }
      return { kind: 'cancelMany', ids: ids as number[], req };
    }
    case 'resync':
      return req === NO_REQ ? { kind: 'bad', req, message: 'resync needs a req (a number or a string)' } : { kind: 'resync', req };
    default:
      return { kind: 'bad', req, message: typeof type === 'string' ? `unknown type ${JSON.stringify(type.slice(0, 64))}` : 'no type' };
  }
}

function isId(id: unknown): id is number {
  return typeof id === 'number' && Number.isInteger(id) && id >= 1;
}

export function badRequest(req: Req, message: string): string {
  return `{"type":"reply","req":${req},"ok":false,"error":{"code":"${BAD_REQUEST}","message":${JSON.stringify(message)}}}\n`;
}

/** The reply to a command that ran. */
export function reply(req: Req, result: { ok: true } | { ok: false; code: string; message: string }): string {
  return result.ok
    ? `{"type":"reply","req":${req},"ok":true}\n`
    : `{"type":"reply","req":${req},"ok":false,"error":{"code":${JSON.stringify(result.code)},"message":${JSON.stringify(result.message)}}}\n`;
}

/** The reply to `cancelMany`: it ran; `failed` names each id it could not cancel. */
export function replyMany(req: Req, failed: readonly ReplyFailure[]): string {
  return `{"type":"reply","req":${req},"ok":true,"failed":${JSON.stringify(failed)}}\n`;
}

/**
 * The raw JSON text of a number member `key` of the top-level object in `line` (valid JSON: it has
 * just been parsed), the last one when repeated, as JSON.parse takes the last.
 */
function rawMember(line: string, key: string): string | undefined {
  let found: string | undefined;
  let i = skipSpace(line, 0);
  if (line[i] !== '{') return undefined;
  i = skipSpace(line, i + 1);
  while (i < line.length && line[i] === '"') {
    const keyEnd = stringEnd(line, i);
    const name = JSON.parse(line.slice(i, keyEnd)) as string;
    i = skipSpace(line, skipSpace(line, keyEnd) + 1); // past ':'
    const valueEnd = valueEndAt(line, i);
    if (name === key) found = line.slice(i, valueEnd);
    i = skipSpace(line, valueEnd);
    if (line[i] === ',') i = skipSpace(line, i + 1);
  }
  // Only ever a JSON number goes into a reply verbatim.
  return found !== undefined && JSON_NUMBER.test(found) ? found : undefined;
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function skipSpace(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  return i;
}

/** Index just past the string starting at `i` (its opening quote). */
function stringEnd(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '"') return j + 1;
  }
  return s.length;
}

/** Index just past the JSON value starting at `i`. */
function valueEndAt(s: string, i: number): number {
  if (s[i] === '"') return stringEnd(s, i);
  if (s[i] === '{' || s[i] === '[') {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      const c = s[j];
      if (c === '"') j = stringEnd(s, j) - 1;
      else if (c === '{' || c === '[') depth++;
      else if ((c === '}' || c === ']') && --depth === 0) return j + 1;
    }
    return s.length;
  }
  let j = i;
  while (j < s.length && !/[\s,}\]]/.test(s[j])) j++;
  return j;
}
