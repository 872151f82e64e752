// One piece of Node's own work (an HTTP request, a fetch, a child process, a timer) as an op of the
// process: it takes an id from the hub, publishes the same lifecycle messages as the runtime's ops
// on `asyncinfo:lifecycle`, answers snapshots and the debugger's Cancel and Close. It is not an
// IAsyncInfo object (the program never holds it), so it is kept light: one record per op, no
// promise, no WeakRef, built for an HTTP server's request rate (docs/benchmarks.md).
import * as dc from 'diagnostics_channel';
import { LIFECYCLE_CHANNEL, type CommandResult, type OpSource } from '../../protocol/hub';
import type { CreatedMessage, LifecycleMessage } from '../../protocol/messages';
import { NOT_FOUND } from '../../protocol/messages';
import { getHub } from '../../runtime/hub';
import { nowMicros } from '../../runtime/clock';

const hub = getHub();
const channel = dc.channel(LIFECYCLE_CHANNEL);
const E_FAIL = 0x80004005 | 0;
const MAX_NAME = 120;
const MAX_ATTRIBUTES = 16;
const MAX_STRING = 256;
/**
 * Started Node ops the agent follows at most: past it, new work goes unobserved (counted), so a
 * program with unbounded pending work does not make the agent grow with it.
 */
export const MAX_LIVE_NODE_OPS = 100_000;

export type AttributeValue = string | number | boolean;

export interface NodeOpOptions {
  /** `node:<source>`, as `created.source` says. */
  source: `node:${string}`;
  name: string;
  attributes: Record<string, AttributeValue | undefined>;
  /**
   * Acts on the real thing; the source ends the op when the real thing stops, or this returns
   * true when it stopped there and then (a timer cleared).
   */
  cancel: () => boolean | void;
  /** The op whose work started this one (0: none); by default the op running now. */
  parent?: number;
}

const enum State { Started, Completed, Canceled, Error }

export class NodeOp {
  readonly id = hub.nextId();
  private readonly t = nowMicros();
  private readonly source: `node:${string}`;
  private readonly name: string;
  private readonly parent: number;
  private readonly attrs: Record<string, AttributeValue | undefined>;
  /** Dropped when the op ends: a finished op kept for late joiners must not hold the program's objects. */
  private onCancel: (() => boolean | void) | undefined;
  private state = State.Started;
  private cancel: { t: number; source: 'program' | 'client' } | undefined;
  private endT = 0;
  private message = '';
  private canceling = false;
  /** Attributes set after `created` went out. */
  private late: Set<string> | undefined;
  private endedWhileCanceling = false;

  constructor(options: NodeOpOptions) {
    this.source = options.source;
    this.name = options.name.length > MAX_NAME ? `${options.name.slice(0, MAX_NAME - 1)}…` : options.name;
    this.parent = options.parent ?? currentOp();
    this.attrs = options.attributes;
    this.onCancel = options.cancel;
    ops.started(this);
    if (channel.hasSubscribers) channel.publish(this.created());
  }

  /** A later fact (a status code, an exit code): said with the op's end, and in snapshots. */
  set(key: string, value: AttributeValue | undefined): void {
    this.attrs[key] = value;
    (this.late ??= new Set()).add(key);
  }

  get ended(): boolean {
    return this.state !== State.Started;
  }

  completed(): void {
    this.end(State.Completed);
  }

  failed(message: string): void {
    this.message = message;
    this.end(State.Error);
  }

  /** The program stopped it itself (clearTimeout): a cancel by the program. */
  canceledByProgram(): void {
    if (this.state !== State.Started) return;
    this.requestCancel('program');
    this.end(State.Canceled);
  }

  /** The debugger's Cancel: acts on the real thing, which then ends the op (canceled: asked first). */
  tryCancel(): CommandResult {
    if (this.state !== State.Started || this.cancel !== undefined) return { ok: true };
    let stopped: boolean | void;
    this.canceling = true; // the real thing may end right inside onCancel (undici's abort does)
    try {
      stopped = this.onCancel?.();
    } catch (error) {
      return { ok: false, code: 'E_FAIL', message: error instanceof Error ? error.message : String(error) };
    } finally {
      this.canceling = false;
    }
    this.requestCancel('client');
    if (stopped === true || this.endedWhileCanceling) this.end(State.Canceled);
    return { ok: true };
  }

  /** The debugger's Close: a finished op (or one canceled, whose real work may still stop) leaves. */
  tryClose(): CommandResult {
    if (this.state === State.Started && this.cancel === undefined) {
      return { ok: false, code: 'E_ILLEGAL_STATE_CHANGE', message: `operation ${this.id} is still running` };
    }
    if (this.state === State.Started) this.end(State.Canceled);
    ops.closed(this);
    if (channel.hasSubscribers) channel.publish({ type: 'closed', id: this.id, t: nowMicros() });
    return { ok: true };
  }

  private requestCancel(source: 'program' | 'client'): void {
    this.cancel = { t: nowMicros(), source };
    if (channel.hasSubscribers) channel.publish({ type: 'cancelRequested', id: this.id, t: this.cancel.t, source });
  }

  /** The real thing ended; a cancel asked for before wins (as for the runtime's ops). */
  private end(state: State): void {
    if (this.state !== State.Started) return;
    if (this.canceling) {
      this.endedWhileCanceling = true; // it ends canceled once the cancel is said
      return;
    }
    this.state = this.cancel !== undefined ? State.Canceled : state;
    this.endT = nowMicros();
    this.onCancel = undefined;
    ops.ended(this);
    if (channel.hasSubscribers) channel.publish(this.terminal());
  }

  snapshot(into: LifecycleMessage[]): void {
    into.push(this.created());
    if (this.cancel !== undefined) into.push({ type: 'cancelRequested', id: this.id, t: this.cancel.t, source: this.cancel.source });
    if (this.state !== State.Started) into.push(this.terminal());
  }

  private created(): CreatedMessage {
    const msg: CreatedMessage = {
      type: 'created', id: this.id, t: this.t, kind: 'operation', name: this.name, parent: this.parent || null, site: null, source: this.source,
    };
    const attributes = bounded(this.attrs);
    if (attributes !== undefined) msg.attributes = attributes;
    return msg;
  }

  private terminal(): LifecycleMessage {
    const { id, endT: t } = this;
    const msg: LifecycleMessage = this.state === State.Completed ? { type: 'completed', id, t }
      : this.state === State.Canceled ? { type: 'canceled', id, t }
        : { type: 'error', id, t, errorCode: E_FAIL, message: this.message };
    if (this.late !== undefined) {
      const late: Record<string, AttributeValue | undefined> = {};
      for (const key of this.late) late[key] = this.attrs[key];
      const attributes = bounded(late);
      if (attributes !== undefined) msg.attributes = attributes;
    }
    return msg;
  }
}

/**
 * The agent's Node ops: Started ones by id; the newest finished ones (not closed) for late joiners,
 * in a ring of ASYNCINFO_RETAIN slots (a Map trimmed from its front would walk its deleted
 * entries on every trim).
 */
class NodeOps implements OpSource {
  readonly live = new Map<number, NodeOp>();
  /** Work not followed because MAX_LIVE_NODE_OPS were Started. */
  unobserved = 0;
  private ring: Array<NodeOp | undefined> = [];
  private next = 0;
  private added = false;

  started(op: NodeOp): void {
    if (!this.added) {
      hub.addSource(this);
      this.added = true;
    }
    this.live.set(op.id, op);
  }

  ended(op: NodeOp): void {
    if (!this.live.delete(op.id)) return;
    const keep = hub.settings.retainTerminal;
    if (this.ring.length !== keep) this.resize(keep);
    if (keep === 0) return;
    this.ring[this.next] = op;
    this.next = (this.next + 1) % keep;
  }

  closed(op: NodeOp): void {
    this.live.delete(op.id);
    const i = this.ring.indexOf(op);
    if (i !== -1) this.ring[i] = undefined;
  }

  snapshot(into: LifecycleMessage[]): void {
    const all = [...this.live.values()];
    for (const op of this.ring) if (op !== undefined) all.push(op);
    all.sort((a, b) => a.id - b.id);
    for (const op of all) op.snapshot(into);
  }

  cancel(id: number): CommandResult | undefined {
    return this.find(id)?.tryCancel();
  }

  close(id: number): CommandResult | undefined {
    return this.find(id)?.tryClose();
  }

  private find(id: number): NodeOp | undefined {
    return this.live.get(id) ?? this.ring.find((op) => op?.id === id);
  }

  /** The retention setting changed (AsyncInfo.configure): keep the newest that fit. */
  private resize(keep: number): void {
    const newest: NodeOp[] = [];
    for (let k = 1; k <= this.ring.length; k++) {
      const op = this.ring[(this.next - k + this.ring.length) % this.ring.length];
      if (op !== undefined && newest.length < keep) newest.push(op);
    }
    this.ring = newest.reverse();
    this.next = this.ring.length % Math.max(keep, 1);
    this.ring.length = keep;
  }
}

const ops = new NodeOps();

/** Whether one more piece of work can be followed; counts it when not. */
export function roomForNodeOp(): boolean {
  if (ops.live.size < MAX_LIVE_NODE_OPS) return true;
  ops.unobserved++;
  return false;
}

/** Started Node ops, and the work not followed for want of room. */
export function nodeOpCounts(): { live: number; unobserved: number } {
  return { live: ops.live.size, unobserved: ops.unobserved };
}

/** Attributes within the protocol's bounds: defined values only, 16 keys, strings cut to 256. */
function bounded(input: Record<string, AttributeValue | undefined>): Record<string, AttributeValue> | undefined {
  let out: Record<string, AttributeValue> | undefined;
  let n = 0;
  for (const key in input) {
    let value = input[key];
    if (value === undefined || (typeof value === 'number' && !Number.isFinite(value))) continue;
    if (typeof value === 'string' && value.length > MAX_STRING) value = value.slice(0, MAX_STRING);
    (out ??= {})[key] = value;
    if (++n === MAX_ATTRIBUTES) break;
  }
  return out;
}

/** The op running now (synchronously, or across awaits with parents `async`), as the runtime finds a parent. */
export function currentOp(): number {
  return hub.current || (hub.settings.parents === 'async' ? hub.context().getStore() ?? 0 : 0);
}

/** Makes `id` the op that runs now for the rest of this callback and what it starts (parents `async`). */
export function enterOp(id: number): void {
  if (hub.settings.parents === 'async') hub.context().enterWith(id);
}

/** Calls `run`, keeping whatever it throws away from the program. */
export function quietly(run: () => void): void {
  try {
    run();
  } catch {
    // the program comes first: a source that cannot follow its work leaves it alone
  }
}
