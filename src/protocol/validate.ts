// The one place a received message is checked: live channels, trace files and snapshots read
// through a paused debugger all decode with this, so a malformed message is refused the same way
// everywhere and nothing downstream (the store, a tree row, a log line) meets a field of the
// wrong type. Types this version does not know pass as `unknown` (receivers ignore them).
import { PROTOCOL_VERSION, type AgentMessage } from './messages';
import { isKnownType, MESSAGE_SCHEMAS } from './schema';

export type Decoded =
  | { readonly kind: 'message'; readonly message: AgentMessage }
  | { readonly kind: 'unknown'; readonly type: string }
  | { readonly kind: 'invalid'; readonly problem: string };

/** Checks a parsed JSON value; fills in the optional fields older agents did not send. */
export function validateMessage(value: unknown): Decoded {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid('not a JSON object');
  const m = value as Record<string, unknown>;
  if (!('type' in m)) return invalid('the message has no "type"');
  const type = m.type;
  if (typeof type !== 'string' || type === '') return invalid(`"type" must be a non-empty string, not ${quote(type)}`);
  if (!isKnownType(type)) return { kind: 'unknown', type };
  for (const [field, rule] of Object.entries(MESSAGE_SCHEMAS[type].fields)) {
    const v = m[field];
    if ((v === undefined && rule.optional) || (v === null && rule.nullable)) {
      if (v === undefined && rule.fill) m[field] = rule.fill();
      continue;
    }
    if (rule.check(v)) continue;
    return invalid(field in m
      ? `"${type}" needs ${rule.optional ? `"${field}" to be ${rule.what}` : `${rule.what} "${field}"`}, not ${quote(v)}`
      : `"${type}" has no "${field}" (${rule.what} field)`);
  }
  if (type === 'hello' && (m.protocol as number) > PROTOCOL_VERSION) {
    return invalid(`written with protocol ${m.protocol as number}; this version reads protocol ${PROTOCOL_VERSION}`);
  }
  return { kind: 'message', message: m as unknown as AgentMessage };
}

/** Parses and checks one NDJSON line. */
export function decodeLine(text: string): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return invalid(`not JSON (${(error as Error).message})`);
  }
  return validateMessage(value);
}

function invalid(problem: string): Decoded {
  return { kind: 'invalid', problem };
}

/** A value as an error message shows it: short, and never markup. */
function quote(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
