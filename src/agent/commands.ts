// What a client's line asks for. Received text is only ever parsed as JSON and read field by
// field with type checks: never evaluated, never merged into other objects, never used as a key.
import { BAD_REQUEST } from '../protocol/messages';

export type Req = number | string | null;

export type ClientRequest =
  | { kind: 'auth'; token: string }
  | { kind: 'cancel' | 'close'; id: number; req: Req }
  | { kind: 'bad'; req: Req; message: string };

const MAX_ID = 0xffffffff;

function own(obj: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

function readReq(value: unknown): Req {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return null;
}

export function parseRequest(line: string): ClientRequest {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    return { kind: 'bad', req: null, message: 'not JSON' };
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
    return { kind: 'bad', req: null, message: 'not a JSON object' };
  }
  const type = own(msg, 'type');
  const req = readReq(own(msg, 'req'));
  switch (type) {
    case 'auth': {
      const token = own(msg, 'token');
      return typeof token === 'string' ? { kind: 'auth', token } : { kind: 'bad', req, message: 'auth needs a string token' };
    }
    case 'cancel':
    case 'close': {
      if (req === null) return { kind: 'bad', req, message: `${type} needs a req (a number or a string)` };
      const id = own(msg, 'id');
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > MAX_ID) {
        return { kind: 'bad', req, message: `${type} needs an id (an integer from 1 to ${MAX_ID})` };
      }
      return { kind: type, id, req };
    }
    default:
      return { kind: 'bad', req, message: typeof type === 'string' ? `unknown type ${JSON.stringify(type.slice(0, 64))}` : 'no type' };
  }
}

export function badRequest(req: Req, message: string): string {
  return JSON.stringify({ type: 'reply', req, ok: false, error: { code: BAD_REQUEST, message } }) + '\n';
}
