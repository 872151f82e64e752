// The five warnings (design/insights.md, Warnings): small rule objects, each a condition on one
// op, the moment it started, a short reason for the row and what to do about it. Pure: no clock,
// no store, so a trace's last moment and a live process are judged by the same code.
import type { OpView } from '../model';

export const WARNING_IDS = ['cancel-ignored', 'long-pending', 'orphaned', 'unobserved-error', 'never-closed'] as const;
export type WarningId = (typeof WARNING_IDS)[number];

/** What a rule reads of an op: the view's fields plus the two facts the store derives. */
export type WarnableOp = Pick<OpView, 'id' | 'status' | 'cancelRequested' | 'closed' | 'released' | 'source' | 'createdT' | 'endT'> & {
  /** When a cancel was requested (µs, the program's clock), if known. */
  readonly cancelT: number | undefined;
  /** Its parent op ended while it was still Started: when (µs), else undefined. */
  readonly orphanedT: number | undefined;
  /** Ended in Error and the program said nobody could see it (and has not looked since). */
  readonly errorUnobserved: boolean;
};

export interface WarningRule {
  readonly id: WarningId;
  /** Whether the delay counts from an event (false: the condition holds as soon as it starts). */
  readonly timed: boolean;
  /** When the condition started (µs, the program's clock), or undefined when it does not hold. */
  since(op: WarnableOp): number | undefined;
  /** A few words for the row, e.g. `cancel ignored 12 s`; `forMicros` is how long it has held. */
  reason(op: WarnableOp, forMicros: number): string;
  /** What the user can do about it (tooltip, Problems panel). */
  readonly advice: string;
}

/** Reached Completed, Canceled or Error (a cancel request alone is not an end). */
const isTerminal = (op: WarnableOp) => op.endT !== undefined;

/** Neither ended nor asked to cancel: what the contract calls Started. */
const isStarted = (op: WarnableOp) => !isTerminal(op) && !op.cancelRequested && !op.released;

/** Only ops a program closes: the runtime's factories and foreign IAsyncInfo objects it observes. */
const isClosable = (op: WarnableOp) => op.source === undefined || op.source === 'runtime' || op.source === 'observed';

export const RULES: readonly WarningRule[] = [
  {
    id: 'cancel-ignored',
    timed: true,
    since: (op) => (op.cancelRequested && !isTerminal(op) && !op.released ? op.cancelT ?? op.createdT : undefined),
    reason: (_op, forMicros) => `cancel ignored ${duration(forMicros)}`,
    advice: 'Its work does not stop when canceled: check the cancellation token (isCancellationRequested or signal) in the work, or pass the signal to what it awaits.',
  },
  {
    id: 'long-pending',
    timed: true,
    since: (op) => (isStarted(op) ? op.createdT : undefined),
    reason: (_op, forMicros) => `pending ${duration(forMicros)}`,
    advice: 'It has been running a long time: it may wait for something that never comes. Look at what its work awaits; give it a timeout or cancel it.',
  },
  {
    id: 'orphaned',
    timed: false,
    since: (op) => (op.orphanedT !== undefined && isStarted(op) ? op.orphanedT : undefined),
    reason: () => 'orphaned: its parent ended first',
    advice: 'Its creator ended without waiting for it: await it (or its completed handler) in the parent, or cancel it when the parent ends.',
  },
  {
    id: 'unobserved-error',
    timed: false,
    since: (op) => (op.errorUnobserved && op.status === 'Error' && !op.released ? op.endT ?? op.createdT : undefined),
    reason: () => 'error nobody saw',
    advice: 'It failed and nothing looks at it: no completed handler, no await, no toPromise. Await it or handle its error, or the failure goes unnoticed.',
  },
  {
    id: 'never-closed',
    timed: true,
    since: (op) => (isTerminal(op) && !op.closed && !op.released && isClosable(op) ? op.endT ?? op.createdT : undefined),
    reason: (_op, forMicros) => `not closed ${duration(forMicros)} after it ended`,
    advice: 'It ended but was never closed: call close() once its results are read, so the program lets go of it.',
  },
];

export const RULE_BY_ID: ReadonlyMap<WarningId, WarningRule> = new Map(RULES.map((r) => [r.id, r]));

/** The contract's defaults, in seconds; `true` is "at once" (the rules without a delay). */
export const DEFAULT_WARNING_SETTINGS: Readonly<Record<WarningId, number | boolean>> = {
  'cancel-ignored': 5,
  'long-pending': 60,
  orphaned: true,
  'unobserved-error': true,
  'never-closed': 300,
};

export type WarningSettings = Partial<Record<WarningId, number | boolean>>;

/** Delay per rule in µs, or undefined when the user turned it off (0 or false). */
export type WarningDelays = Readonly<Record<WarningId, number | undefined>>;

/** Settings as the user gave them (seconds; 0 or false turns a warning off; true: at once). */
export function warningDelays(settings: WarningSettings = {}): WarningDelays {
  const out = {} as Record<WarningId, number | undefined>;
  for (const id of WARNING_IDS) {
    const value = settings[id] ?? DEFAULT_WARNING_SETTINGS[id];
    if (value === true) out[id] = 0;
    else if (typeof value === 'number' && Number.isFinite(value) && value > 0) out[id] = Math.round(value * 1e6);
    else out[id] = undefined; // false, 0, negative or nonsense: off
  }
  return out;
}

export function isWarningId(value: string): value is WarningId {
  return (WARNING_IDS as readonly string[]).includes(value);
}

/** `12 s`, `3 min`, `2 h`: how long a condition held, coarse enough to stay still. */
export function duration(micros: number): string {
  const s = Math.max(0, Math.floor(micros / 1e6));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h`;
}
