// Applies one op's lifecycle message to a process. Idempotent and order-tolerant: a snapshot may
// repeat what is known, a terminal message keeps the first one seen, and a message about an op
// whose `created` never arrived (dropped events) makes a placeholder that `created` fills in.
import type { CreatedMessage, LifecycleMessage, OpKind } from '../protocol/messages';
import { encodeValue, MAX_VALUE_CHARS } from '../protocol/codec';
import type { StringInterner } from './intern';
import {
  CANCEL_BY_CLIENT, CANCEL_REQUESTED, CANCELED, CLOSED, COMPLETED, ERRORED, HAS_PROGRESS, NESTED, OpRecord, ORPHANED,
  PLACEHOLDER, TERMINAL_MASK, UNOBSERVED,
} from './opRecord';
import type { ProcessState } from './processState';

export const UNKNOWN_NAME = '(unknown)';

/** What one op may hold of a program's text (a process's bytes are bounded by these times the
 *  retention's op count): a program that sends megabyte names or messages gets them cut. */
export const MAX_NAME_CHARS = 1000;
export const MAX_STACK_CHARS = 16 * 1024;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function cutOrNull(text: string | null, max: number): string | null {
  return text === null ? null : cut(text, max);
}

/** A progress value as kept: strings cut, objects larger than the protocol's bound as their cut JSON text. */
function boundedValue(value: unknown): unknown {
  if (typeof value === 'string') return cut(value, MAX_VALUE_CHARS);
  if (typeof value !== 'object' || value === null) return value;
  const { json, truncated } = encodeValue(value);
  return truncated ? JSON.parse(json) : value;
}

/** Told of each op a message changed in a way warnings care about; `started` when the change
 *  began a condition a warning may time (created, cancel requested, ended, orphaned). */
export type Touch = (record: OpRecord, started: boolean) => void;

/** `clockMs` is read only when an op finishes (it stamps the op for retention). `touch` learns
 *  which op the message changed for the warnings. */
export function applyLifecycle(process: ProcessState, msg: LifecycleMessage, strings: StringInterner, clockMs: () => number, touch: Touch): void {
  if (typeof msg.id !== 'number') return;
  if (msg.type === 'created') {
    applyCreated(process, msg, strings, touch);
    return;
  }
  let record = process.ops.get(msg.id);
  if (msg.type === 'closed') {
    if (!record || record.closed) return; // closing an op we never knew shows nothing
    record.bits |= CLOSED;
    process.markFinished(record, clockMs());
    process.changed(record);
    touch(record, false);
    return;
  }
  if (msg.type === 'errorObserved') {
    if (!record || !(record.bits & UNOBSERVED)) return;
    record.bits &= ~UNOBSERVED;
    process.changed(record);
    touch(record, false);
    return;
  }
  if (!record) {
    record = addPlaceholder(process, msg.id, msg.t);
    touch(record, true);
  }
  switch (msg.type) {
    case 'progress':
      record.progress = boundedValue(msg.value);
      record.bits |= HAS_PROGRESS;
      break;
    case 'cancelRequested':
      if (record.bits & CANCEL_REQUESTED) return;
      record.bits |= CANCEL_REQUESTED | (msg.source === 'client' ? CANCEL_BY_CLIENT : 0);
      record.details().cancelT = msg.t;
      process.changed(record);
      touch(record, true);
      return;
    case 'completed':
    case 'canceled':
    case 'error': {
      if (record.bits & TERMINAL_MASK) return; // exactly one terminal per op: the first one stands
      record.bits |= msg.type === 'completed' ? COMPLETED : msg.type === 'canceled' ? CANCELED : ERRORED;
      record.endT = msg.t;
      if (msg.type === 'error') {
        const details = record.details();
        details.errorCode = msg.errorCode;
        details.message = strings.intern(cut(msg.message, MAX_VALUE_CHARS));
        if (msg.observed === false) record.bits |= UNOBSERVED;
      }
      process.markFinished(record, clockMs());
      process.changed(record);
      touch(record, true);
      orphanChildren(process, record, msg.t, touch);
      return;
    }
    default:
      return; // a lifecycle type this version does not know
  }
  process.changed(record);
}

/** The op ended: its children still Started are orphans from now on (their creator did not wait). */
function orphanChildren(process: ProcessState, parent: OpRecord, t: number, touch: Touch): void {
  parent.children?.forEach((child) => markOrphan(process, child, t, touch));
}

function markOrphan(process: ProcessState, record: OpRecord, t: number, touch: Touch): void {
  if (record.bits & (TERMINAL_MASK | CANCEL_REQUESTED | ORPHANED)) return;
  record.bits |= ORPHANED;
  record.details().orphanedT = t;
  process.changed(record);
  touch(record, true);
}

/** A new op under a parent that already ended (a snapshot lists the parent's end first). */
function orphanIfParentEnded(process: ProcessState, record: OpRecord, touch: Touch): void {
  if (!(record.bits & NESTED)) return;
  const parent = process.ops.get(record.parent!);
  if (parent && parent.bits & TERMINAL_MASK) markOrphan(process, record, parent.endT ?? record.createdT, touch);
}

function applyCreated(process: ProcessState, msg: Extract<LifecycleMessage, { type: 'created' }>, strings: StringInterner, touch: Touch): void {
  const epoch = process.epoch;
  let record = process.ops.get(msg.id);
  if (record && epoch && record.seq < epoch.firstNewSeq) epoch.seen.add(msg.id);
  const stack = msg.stack;
  if (record && !(record.bits & PLACEHOLDER) && (record.closed || record.kind !== msg.kind || record.name !== cut(msg.name, MAX_NAME_CHARS))) {
    // The id was reused by a new op (ids are unique among live ops only): the old one is gone.
    process.drop(record);
    record = undefined;
  }
  if (record) {
    if (record.bits & PLACEHOLDER) {
      fillPlaceholder(process, record, msg, strings);
      applyOrigin(record, msg, strings);
      touch(record, true); // its creation time and source are known now
      orphanIfParentEnded(process, record, touch);
    }
    if (typeof stack === 'string' && record.stack === undefined) {
      record.details().stack = strings.intern(cut(stack, MAX_STACK_CHARS));
      process.changed(record);
    }
    return;
  }
  record = new OpRecord(msg.id, process.nextSeq++, msg.kind, strings.intern(cut(msg.name, MAX_NAME_CHARS)), msg.parent ?? null,
    strings.intern(cutOrNull(msg.site ?? null, MAX_NAME_CHARS)), msg.t);
  if (typeof stack === 'string') record.details().stack = strings.intern(cut(stack, MAX_STACK_CHARS));
  applyOrigin(record, msg, strings);
  process.insert(record);
  touch(record, true);
  orphanIfParentEnded(process, record, touch);
}

/** Where an op comes from (only ops not made by the runtime's factories carry it: no side object otherwise). */
function applyOrigin(record: OpRecord, msg: CreatedMessage, strings: StringInterner): void {
  if (msg.source !== undefined && msg.source !== 'runtime') record.details().source = strings.intern(cut(msg.source, MAX_NAME_CHARS));
  if (msg.canCancel === false) record.details().cannotCancel = true;
  if (msg.attributes !== undefined) record.details().attributes = msg.attributes;
}

function fillPlaceholder(process: ProcessState, record: OpRecord, msg: { kind: OpKind; name: string; parent: number | null; site: string | null; t: number }, strings: StringInterner): void {
  record.bits &= ~PLACEHOLDER;
  record.kind = msg.kind;
  record.name = strings.intern(cut(msg.name, MAX_NAME_CHARS));
  record.site = strings.intern(cutOrNull(msg.site ?? null, MAX_NAME_CHARS));
  record.createdT = msg.t;
  if ((msg.parent ?? null) !== record.parent) process.reparent(record, msg.parent ?? null);
  else process.changed(record);
}

function addPlaceholder(process: ProcessState, id: number, t: number): OpRecord {
  const record = new OpRecord(id, process.nextSeq++, 'operation', UNKNOWN_NAME, null, null, t);
  record.bits |= PLACEHOLDER;
  process.insert(record);
  return record;
}
