// What the extension knows about debugged processes and their operations. Fed by live channels,
// paused-session snapshots and trace files alike, through the same protocol messages.
import type { Event } from '../common/events';
import type { AgentMessage, HelloMessage, OpKind } from '../protocol/messages';
import type { WarningDelays, WarningId } from './warnings/rules';

export type OpStatusName = 'Started' | 'Completed' | 'Canceled' | 'Error';

export interface OpView {
  readonly id: number;
  readonly kind: OpKind;
  readonly name: string;
  /** Parent op id as the program reported it; the op shows at the root when that parent is unknown. */
  readonly parent: number | null;
  readonly site: string | null;
  /** The full creation stack, when the program captured one (ASYNCINFO_SITES=async). */
  readonly stack: string | undefined;
  /** Where it comes from: undefined for the runtime's factories, else `observed`, `promise`, `node:fetch`, ... */
  readonly source: string | undefined;
  /** False when a Cancel cannot act on it (the program said so). */
  readonly canCancel: boolean;
  /** What the program attached to it (method, URL, pid, ...). */
  readonly attributes: Readonly<Record<string, string | number | boolean>> | undefined;
  /** Microseconds since the process's `hello.timeOrigin`. */
  readonly createdT: number;
  readonly status: OpStatusName;
  readonly cancelRequested: boolean;
  readonly cancelSource: 'program' | 'client' | undefined;
  readonly endT: number | undefined;
  readonly errorCode: number;
  readonly message: string | undefined;
  readonly hasProgress: boolean;
  readonly progress: unknown;
  readonly closed: boolean;
  /** The program no longer has it (closed or collected, it did not say): nothing can act on it. */
  readonly released: boolean;
  /** When a cancel was requested (µs, as `createdT`), if known. */
  readonly cancelT: number | undefined;
  /** When its parent op ended while it was still Started (µs), else undefined. */
  readonly orphanedT: number | undefined;
  /** Ended in Error while nobody could see it (`"observed": false`), and nobody looked since. */
  readonly errorUnobserved: boolean;
  /** The warnings that hold now (the store's checker keeps them; none for ended sessions). */
  readonly warnings: readonly WarningId[];
}

export type ProcessSource = 'debug' | 'attach' | 'trace';

export interface ProcessView {
  /** Unique within the store (e.g. `<connection id>`), stable for the process's life. */
  readonly key: string;
  readonly hello: HelloMessage;
  readonly source: ProcessSource;
  /** The VS Code debug session this process belongs to, when known. */
  readonly debugSessionId: string | undefined;
  /** Live channel open (false once the process exited or the trace was loaded). */
  readonly connected: boolean;
  /** Its debug session ended: nothing more will come; kept so the user can look after the fact. */
  readonly ended: boolean;
  /** Paused at a breakpoint: the view shows the snapshot read through the debugger. */
  readonly paused: boolean;
  /** Events the agent dropped because this side read too slowly, since the last resync. */
  readonly dropped: number;
  /** Messages refused as malformed (wrong field types, too deep, too long): dropped, not applied. */
  readonly malformed: number;
  readonly pendingCount: number;
  readonly opCount: number;
  /** Warnings that hold now, over all its ops (an op with two counts two). */
  readonly warningCount: number;
  /** The latest `t` the program sent: its clock has reached at least this. */
  readonly latestT: number;
}

/** Coalesced: fired at most a few times per second. `processes` changed as a whole (added,
 *  removed, or too many of their ops changed to list); `ops` lists changed op ids per process. */
export interface StoreChange {
  readonly processes: ReadonlySet<string>;
  readonly ops: ReadonlyMap<string, ReadonlySet<number>>;
}

export interface RetentionPolicy {
  /** Finished (terminal) ops kept per process; the oldest finished go first. */
  maxFinished: number;
  /** Finished ops older than this (ms since they ended, wall clock) are dropped; 0 = keep. */
  finishedTtlMs: number;
}

/** What the view shows. With `text` or `statuses` set, matching ops come as one flat list under
 *  the process (parent null) and have no children; otherwise the tree, where `hideFinished` hides
 *  finished ops unless one of their children is still shown. */
export interface OpFilter {
  /** Case-insensitive substring of the name, or `#id`. */
  text?: string;
  statuses?: ReadonlySet<OpStatusName>;
  /** Sources to show (`fetch` matches `node:fetch`; `runtime` the factories' ops). */
  sources?: ReadonlySet<string>;
  /** Only ops with one of these warnings holding (`any`: any warning): `is:warning`, `warning:<id>`. */
  warnings?: ReadonlySet<WarningId | 'any'>;
  hideFinished?: boolean;
  /** In the tree: only children with this exact name (a group of identical siblings, expanded). */
  name?: string;
  /** In the tree: leave out children with these names (they show as groups). */
  exceptNames?: ReadonlySet<string>;
  /** In the tree (no text or status filter): only the children that are `live` (pending, or
   *  above a pending op), oldest first, or only the `finished` rest, newest first. */
  group?: 'live' | 'finished';
}

/** Siblings that share a name, shown as one row (`writeChunk ×5,000`) that expands to them. */
export interface SiblingGroup {
  readonly name: string;
  readonly count: number;
  readonly byStatus: Readonly<Record<OpStatusName, number>>;
  /** Some member is live (pending, or above a pending op): the group shows among the live rows. */
  readonly live: boolean;
  /** Members with a warning. */
  readonly warned: number;
}

export interface OperationStoreApi {
  readonly onDidChange: Event<StoreChange>;
  addProcess(key: string, hello: HelloMessage, source: ProcessSource, debugSessionId?: string): void;
  /** Applies one agent message; lifecycle messages are idempotent (a snapshot may repeat them). */
  apply(key: string, message: AgentMessage): void;
  /** Replaces a process's ops with a snapshot (the paused path): messages as the agent's snapshot. */
  replaceWithSnapshot(key: string, messages: readonly AgentMessage[]): void;
  setConnected(key: string, connected: boolean): void;
  setPaused(key: string, paused: boolean): void;
  /** Its debug session ended: the process stays, disconnected, as it last was. */
  setEnded(key: string): void;
  /** The program answered that it has no such op: it let go of it. */
  markReleased(key: string, id: number): void;
  /** Counts a message of this process that was refused as malformed. */
  countMalformed(key: string): void;
  removeProcess(key: string): void;
  /** Empties a process to begin again from a hello (a trace read again, replayed to an earlier
   *  moment); its row keeps its place among the others. */
  resetProcess(key: string, hello: HelloMessage, source: ProcessSource): void;
  processes(): ProcessView[];
  process(key: string): ProcessView | undefined;
  op(key: string, id: number): OpView | undefined;
  /** Children of `parent` (null: the process's roots), in creation order, paged. */
  children(key: string, parent: number | null, offset: number, limit: number, filter?: OpFilter): OpView[];
  childCount(key: string, parent: number | null, filter?: OpFilter): number;
  /** Names shared by at least `min` children of `parent` (in the tree, finished ones left out when
   *  `hideFinished`), in order of their first member. */
  siblingGroups(key: string, parent: number | null, min: number, hideFinished?: boolean): SiblingGroup[];
  /** Every op of a process, in creation order (a summary's or an export's walk). */
  forEachOp(key: string, visit: (op: OpView) => void): void;
  /** Thresholds of the warnings (from the user's settings); rechecks every op. */
  setWarningDelays(delays: WarningDelays): void;
  /** Drops finished ops now (also happens on its own as ops end). */
  clearFinished(key?: string): void;
  setRetention(policy: RetentionPolicy): void;
  dispose(): void;
}
