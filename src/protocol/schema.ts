// One table of every message an agent sends: which fields each type has, whether it is part of an
// op's lifecycle, and how loud it is in a log. The validator, the store's type lists and the log
// all read it, so a message type is declared once (the compiler insists each type has a row).
import { OP_KINDS, type AgentMessage } from './messages';

export interface FieldRule {
  readonly check: (value: unknown) => boolean;
  /** How the rule reads in an error: `a numeric`, `a string`, ... */
  readonly what: string;
  /** May be absent; `fill` gives an absent field its value (fields older agents did not send). */
  readonly optional?: boolean;
  /** May be null (the protocol says "or null"). */
  readonly nullable?: boolean;
  readonly fill?: () => unknown;
}

/** `lifecycle`: about one op; `stream`: about the stream itself; `reply`: answers a command. */
export type MessageRole = 'lifecycle' | 'stream' | 'reply';
/** How much a user wants to hear of it in a log. */
export type Severity = 'trace' | 'debug' | 'info' | 'warning';

export interface MessageSchema {
  readonly role: MessageRole;
  readonly severity: Severity;
  readonly fields: Readonly<Record<string, FieldRule>>;
}

/** Deepest nesting accepted in a progress value (the agent cuts values to 4 KiB of JSON anyway). */
export const MAX_VALUE_DEPTH = 64;
/** `created.attributes`: at most this many keys, string values at most MAX_ATTRIBUTE_CHARS long. */
export const MAX_ATTRIBUTES = 16;
export const MAX_ATTRIBUTE_CHARS = 256;

function isReplyError(v: unknown): boolean {
  return typeof v === 'object' && v !== null && isString((v as Record<string, unknown>).code) && isString((v as Record<string, unknown>).message);
}

function isAttributes(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const values = Object.values(v);
  return values.length <= MAX_ATTRIBUTES && values.every((x) =>
    (typeof x === 'string' && x.length <= MAX_ATTRIBUTE_CHARS) || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x)));
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

const num: FieldRule = { check: isFiniteNumber, what: 'a numeric' };
const id: FieldRule = { check: isId, what: 'a numeric' };
const str: FieldRule = { check: isString, what: 'a string' };
const opt = (rule: FieldRule, what: string, fill?: () => unknown): FieldRule => ({ ...rule, what, optional: true, fill });
const orNull = (rule: FieldRule, what: string, fill?: () => unknown): FieldRule => ({ ...opt(rule, what, fill), nullable: true });
const lifecycle = (severity: Severity, fields: Record<string, FieldRule> = {}): MessageSchema =>
  ({ role: 'lifecycle', severity, fields: { id, t: num, ...fields } });

export const MESSAGE_SCHEMAS: { readonly [T in AgentMessage['type']]: MessageSchema } = {
  hello: {
    role: 'stream',
    severity: 'info',
    fields: {
      protocol: num,
      pid: id,
      ppid: opt(id, 'a number', () => 0),
      title: opt(str, 'a string', () => 'node'),
      argv: opt({ check: (v) => Array.isArray(v) && v.every(isString), what: '' }, 'an array of strings', () => []),
      cwd: opt(str, 'a string', () => ''),
      node: opt(str, 'a string', () => ''),
      session: orNull(str, 'a string or null', () => null),
      timeOrigin: opt(num, 'a number', () => 0),
      token: opt(str, 'a string'),
    },
  },
  created: lifecycle('trace', {
    kind: { check: (v) => (OP_KINDS as readonly unknown[]).includes(v), what: `one of ${OP_KINDS.join(', ')} as` },
    name: str,
    parent: orNull(id, 'a number or null', () => null),
    site: orNull(str, 'a string or null', () => null),
    stack: opt(str, 'a string'),
    source: opt(str, 'a string'),
    canCancel: opt({ check: (v) => typeof v === 'boolean', what: '' }, 'a boolean'),
    attributes: opt({ check: isAttributes, what: '' }, `an object of at most ${MAX_ATTRIBUTES} strings, numbers or booleans`),
  }),
  progress: lifecycle('trace', { value: { check: (v) => v !== undefined && withinDepth(v, MAX_VALUE_DEPTH), what: `a JSON value (nested at most ${MAX_VALUE_DEPTH} deep)` } }),
  cancelRequested: lifecycle('info', { source: opt({ check: (v) => v === 'program' || v === 'client', what: '' }, '"program" or "client"', () => 'program') }),
  completed: lifecycle('debug'),
  canceled: lifecycle('info'),
  error: lifecycle('warning', {
    errorCode: { check: isInteger, what: 'a numeric' },
    message: str,
    observed: opt({ check: (v) => typeof v === 'boolean', what: '' }, 'a boolean'),
  }),
  closed: lifecycle('trace'),
  errorObserved: lifecycle('debug'),
  dropped: { role: 'stream', severity: 'warning', fields: { count: { check: (v) => isId(v), what: 'a numeric' }, t: opt(num, 'a number', () => 0) } },
  snapshotStart: { role: 'stream', severity: 'debug', fields: { t: opt(num, 'a number', () => 0) } },
  snapshotEnd: { role: 'stream', severity: 'debug', fields: { t: opt(num, 'a number', () => 0) } },
  reply: {
    role: 'reply',
    severity: 'trace',
    fields: {
      req: { check: (v) => v === null || isString(v) || isFiniteNumber(v), what: 'a number, string or null' },
      ok: { check: (v) => typeof v === 'boolean', what: 'a boolean' },
      error: opt({ check: isReplyError, what: '' }, 'an object with a string code and message'),
      failed: opt({ check: (v) => Array.isArray(v) && v.every((f) => isReplyError(f) && isId((f as { id?: unknown }).id)), what: '' }, 'an array of {id, code, message}'),
    },
  },
};

type AgentMessageType = keyof typeof MESSAGE_SCHEMAS;

export function isKnownType(type: string): type is AgentMessageType {
  return Object.prototype.hasOwnProperty.call(MESSAGE_SCHEMAS, type);
}

export function isLifecycleType(type: string): boolean {
  return isKnownType(type) && MESSAGE_SCHEMAS[type].role === 'lifecycle';
}

/** Whether `value` nests no deeper than `max` arrays/objects; iterative, so a hostile value cannot overflow the stack. */
function withinDepth(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > max) return false;
    for (const child of Object.values(v as object)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return true;
}
