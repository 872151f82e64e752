// The fields the store relies on, checked per message type so a bad trace names what is wrong
// instead of showing nonsense. Types this version does not know pass unchecked.
import { PROTOCOL_VERSION } from '../protocol/messages';

type Message = Record<string, unknown>;

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const KINDS = new Set(['action', 'operation', 'actionWithProgress', 'operationWithProgress']);

/** What is wrong with the message, or undefined. Fills in optional hello fields older agents may lack. */
export function validateMessage(m: Message): string | undefined {
  const type = m.type as string;
  switch (type) {
    case 'hello':
      return validateHello(m);
    case 'created':
      return (
        needs(m, type, 'id', isNumber, 'a numeric') ??
        needs(m, type, 't', isNumber, 'a numeric') ??
        (KINDS.has(m.kind as string) ? undefined : `"created" needs a "kind" (action, operation, actionWithProgress or operationWithProgress), not ${JSON.stringify(m.kind)}`) ??
        needs(m, type, 'name', isString, 'a string') ??
        optional(m, type, 'parent', isNumber, 'a number or null') ??
        optional(m, type, 'site', isString, 'a string or null')
      );
    case 'progress':
    case 'cancelRequested':
    case 'completed':
    case 'canceled':
    case 'closed':
      return needs(m, type, 'id', isNumber, 'a numeric') ?? needs(m, type, 't', isNumber, 'a numeric');
    case 'error':
      return (
        needs(m, type, 'id', isNumber, 'a numeric') ??
        needs(m, type, 't', isNumber, 'a numeric') ??
        needs(m, type, 'errorCode', isNumber, 'a numeric') ??
        needs(m, type, 'message', isString, 'a string')
      );
    case 'dropped':
      return needs(m, type, 'count', isNumber, 'a numeric');
    default:
      return undefined;
  }
}

function validateHello(m: Message): string | undefined {
  const problem = needs(m, 'hello', 'protocol', isNumber, 'a numeric') ?? needs(m, 'hello', 'pid', isNumber, 'a numeric');
  if (problem) return problem;
  if ((m.protocol as number) > PROTOCOL_VERSION) {
    return `written with protocol ${m.protocol as number}; this version reads protocol ${PROTOCOL_VERSION}`;
  }
  m.ppid = isNumber(m.ppid) ? m.ppid : 0;
  m.title = isString(m.title) ? m.title : 'node';
  m.argv = Array.isArray(m.argv) ? m.argv.filter(isString) : [];
  m.cwd = isString(m.cwd) ? m.cwd : '';
  m.node = isString(m.node) ? m.node : '';
  m.session = isString(m.session) ? m.session : null;
  m.timeOrigin = isNumber(m.timeOrigin) ? m.timeOrigin : 0;
  return undefined;
}

function needs(m: Message, type: string, field: string, ok: (v: unknown) => boolean, what: string): string | undefined {
  if (ok(m[field])) return undefined;
  return field in m
    ? `"${type}" needs ${what} "${field}", not ${JSON.stringify(m[field])}`
    : `"${type}" has no "${field}" (${what} field)`;
}

function optional(m: Message, type: string, field: string, ok: (v: unknown) => boolean, what: string): string | undefined {
  const v = m[field];
  return v === undefined || v === null || ok(v) ? undefined : `"${type}" needs "${field}" to be ${what}, not ${JSON.stringify(v)}`;
}
