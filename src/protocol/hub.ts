// The process-wide meeting point of runtime copies and agents. Several bundles (or versions) of
// the runtime may be loaded into one process, and the agent is a separate bundle preloaded before
// any of them, so they meet on a global, keyed by a registered symbol, versioned by its name.
// Lifecycle events travel on Node's diagnostics_channel, which is process-wide by name too.
import type { LifecycleMessage } from './messages';

/** `diagnostics_channel` name on which every lifecycle transition is published. */
export const LIFECYCLE_CHANNEL = 'asyncinfo:lifecycle';

/** `globalThis[Symbol.for(HUB_KEY)]` holds the {@link AsyncInfoHub}. */
export const HUB_KEY = 'asyncinfo.hub.v1';

export type CommandResult = { ok: true } | { ok: false; code: string; message: string };

/** What one runtime copy exposes to the hub. Keep it stable: other versions call it. */
export interface OpSource {
  /** Appends the snapshot messages of every op this copy tracks, oldest first. */
  snapshot(into: LifecycleMessage[]): void;
  /** Cancels the tracked op with this id; undefined when this copy does not know it. */
  cancel(id: number): CommandResult | undefined;
  /** Closes the tracked op with this id; undefined when this copy does not know it. */
  close(id: number): CommandResult | undefined;
}

export interface AsyncInfoHub {
  readonly version: 1;
  /** A fresh non-zero uint32 op id, unique among the live ops of the process. */
  nextId(): number;
  /** Adds a runtime copy; the hub asks every source on snapshot and command. */
  addSource(source: OpSource): void;
  /**
   * Every tracked op of every copy, as the protocol's snapshot says: `created`, latest
   * `progress`, `cancelRequested`, terminal message; ops whose creation was unobserved carry
   * the `t` of the moment they were first seen.
   */
  snapshot(): LifecycleMessage[];
  /** The snapshot as NDJSON text: what the debugger reads through `evaluate` while paused. */
  snapshotText(): string;
  cancel(id: number): CommandResult;
  close(id: number): CommandResult;
}
