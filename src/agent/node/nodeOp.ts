// One piece of Node's own work (an HTTP request, a fetch, a child process, a timer) as an op of the
// runtime, so it gets the whole contract for free: ids, parents, the state table, snapshots,
// Cancel from the debugger. Only the debugger sees it; the program never holds it.
import { getHub } from '../../runtime/hub';
import { AsyncOp, Kind } from '../../runtime/operation';
import { FOREIGN_CANCELED, boundedAttributes, remoteWork, type Attributes, type Remote } from '../../runtime/remote';

const hub = getHub();

export type AttributeValue = string | number | boolean;

export interface NodeOpOptions {
  /** `node:<source>`, as `created.source` says. */
  source: `node:${string}`;
  name: string;
  attributes: Record<string, AttributeValue | undefined>;
  /** Acts on the real thing; the source then ends the op when the real thing stops. */
  cancel: () => void;
  /**
   * The op whose work started this one, when it is known better than the runtime would find it
   * (0: none, whatever runs now; undefined: as the runtime finds it).
   */
  parent?: number;
}

export class NodeOp implements Remote {
  readonly source: `node:${string}`;
  readonly canCancel = true;
  readonly op: AsyncOp;
  private readonly attrs: Record<string, AttributeValue | undefined>;
  private readonly onCancel: () => void;
  private settle: ((outcome: { ok: boolean; value: unknown }) => void) | undefined;
  private readonly work: Promise<unknown>;

  constructor(options: NodeOpOptions) {
    this.source = options.source;
    this.attrs = options.attributes;
    this.onCancel = options.cancel;
    this.work = new Promise<{ ok: boolean; value: unknown }>((resolve) => (this.settle = resolve))
      .then((outcome) => (outcome.ok ? outcome.value : Promise.reject(outcome.value)));
    this.op = withParent(options.parent, () => new AsyncOp(Kind.Operation, remoteWork, bounded(options.name), NodeOp, this));
  }

  get id(): number {
    return this.op._id;
  }

  get attributes(): Attributes | undefined {
    return boundedAttributes(this.attrs);
  }

  /** Later facts (a status code, an exit code): in every snapshot from now on. */
  set(key: string, value: AttributeValue | undefined): void {
    this.attrs[key] = value;
  }

  begin(): PromiseLike<unknown> {
    return this.work;
  }

  cancel(): void {
    this.onCancel();
  }

  close(): void {
    // nothing to release: the real thing is the program's
  }

  get ended(): boolean {
    return this.settle === undefined;
  }

  completed(): void {
    this.end(true, undefined);
  }

  failed(message: string): void {
    this.end(false, new Error(message));
  }

  /** The program stopped it itself (clearTimeout): a cancel by the program. */
  canceledByProgram(): void {
    this.end(true, FOREIGN_CANCELED);
  }

  private end(ok: boolean, value: unknown): void {
    const settle = this.settle;
    this.settle = undefined;
    settle?.({ ok, value });
  }
}

const MAX_NAME = 120;

function bounded(name: string): string {
  return name.length > MAX_NAME ? `${name.slice(0, MAX_NAME - 1)}…` : name;
}

/** Runs `make` with `parent` as the op whose work runs now (the innermost op wins in the runtime). */
function withParent<T>(parent: number | undefined, make: () => T): T {
  if (parent === undefined) return make();
  const saved = hub.current;
  const als = hub.settings.parents === 'async' ? hub.context() : undefined;
  hub.current = parent;
  try {
    // hub.current 0 falls back to the async context: it must say "none" too.
    return parent === 0 && als !== undefined && als.getStore() ? als.run(0, make) : make();
  } finally {
    hub.current = saved;
  }
}

/** The op that runs now (synchronously, or across awaits), as the runtime would find a parent. */
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
