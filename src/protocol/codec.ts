// NDJSON encoding of agent messages, shared by the agent, the runtime's paused-snapshot text and
// trace writers, so a trace file and a live stream are byte-for-byte the same format.
import { OP_KINDS, type AgentMessage, type LifecycleMessage } from './messages';

const KINDS: ReadonlySet<unknown> = new Set(OP_KINDS);

/** Longest `value` (as JSON) or `message` (in characters) carried; longer ones are cut and marked. */
export const MAX_VALUE_CHARS = 4096;

/** JSON text of a progress value, cut to {@link MAX_VALUE_CHARS}; never throws. */
export function encodeValue(value: unknown): { json: string; truncated: boolean } {
  let json: string | undefined;
  try {
    json = JSON.stringify(value, bigintReplacer);
  } catch {
    json = undefined; // cycles, throwing getters: fall back to a description
  }
  if (json === undefined) json = JSON.stringify(describe(value));
  if (json.length <= MAX_VALUE_CHARS) return { json, truncated: false };
  return { json: JSON.stringify(json.slice(0, MAX_VALUE_CHARS)), truncated: true };
}

function bigintReplacer(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

export function cutMessage(message: string): { message: string; truncated: boolean } {
  return message.length <= MAX_VALUE_CHARS
    ? { message, truncated: false }
    : { message: message.slice(0, MAX_VALUE_CHARS), truncated: true };
}

/** Own enumerable keys of `msg`, counted without allocating (Object.keys would). */
export function keyCount(msg: object): number {
  let n = 0;
  for (const key in msg) if (Object.prototype.hasOwnProperty.call(msg, key)) n++;
  return n;
}

/** A JSON number exactly as JSON.stringify prints it (a template literal would print NaN). */
export function isJsonNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/**
 * The hot messages, printed by template: JSON.stringify of a whole object costs 2-3x more, and the
 * agent encodes every event as it happens. Only for exactly the protocol's fields, in its order
 * (the bytes JSON.stringify would give); anything else takes the general path.
 */
function encodeFast(msg: AgentMessage): string | undefined {
  switch (msg.type) {
    case 'completed':
    case 'canceled':
    case 'closed':
      return keyCount(msg) === 3 && isJsonNumber(msg.id) && isJsonNumber(msg.t)
        ? `{"type":"${msg.type}","id":${msg.id},"t":${msg.t}}\n`
        : undefined;
    case 'created':
      return keyCount(msg) === 7 && isJsonNumber(msg.id) && isJsonNumber(msg.t) && typeof msg.name === 'string'
        && (msg.parent === null || isJsonNumber(msg.parent)) && (msg.site === null || typeof msg.site === 'string')
        && KINDS.has(msg.kind)
        ? `{"type":"created","id":${msg.id},"t":${msg.t},"kind":"${msg.kind}","name":${JSON.stringify(msg.name)},"parent":${msg.parent},"site":${msg.site === null ? 'null' : JSON.stringify(msg.site)}}\n`
        : undefined;
    default:
      return undefined;
  }
}

/** One line (with its `\n`) for a message; `progress.value` and `error.message` are bounded. */
export function encodeLine(msg: AgentMessage): string {
  const fast = encodeFast(msg);
  if (fast !== undefined) return fast;
  if (msg.type === 'progress') {
    const { json, truncated } = encodeValue(msg.value);
    return `{"type":"progress","id":${msg.id},"t":${msg.t},"value":${json}${truncated ? ',"valueTruncated":true' : ''}}\n`;
  }
  if (msg.type === 'error') {
    const { message, truncated } = cutMessage(msg.message);
    return JSON.stringify(truncated ? { ...msg, message, messageTruncated: true } : { ...msg, message }) + '\n';
  }
  return JSON.stringify(msg) + '\n';
}

export function encodeLines(messages: readonly LifecycleMessage[]): string {
  let text = '';
  for (const m of messages) text += encodeLine(m);
  return text;
}
