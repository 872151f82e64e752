// Judging ops at one moment, without timers: what a trace's summary prints (its last moment) and
// what the store's clock-driven checker applies to one op when a deadline comes due.
import type { OperationStoreApi, OpView } from '../model';
import { RULES, type WarnableOp, type WarningDelays, type WarningId, type WarningRule, warningDelays } from './rules';

export interface Warning {
  readonly id: WarningId;
  /** Short, for the op's row: `cancel ignored 12 s`. */
  readonly reason: string;
  /** What to do about it. */
  readonly advice: string;
}

export interface OpWarning extends Warning {
  readonly op: OpView;
}

/** The warnings that hold for `op` at `now` (µs, the program's clock). */
export function warningsAt(op: WarnableOp, now: number, delays: WarningDelays = warningDelays()): Warning[] {
  const out: Warning[] = [];
  for (const rule of RULES) {
    const forMicros = heldFor(rule, op, now, delays);
    if (forMicros !== undefined) out.push({ id: rule.id, reason: rule.reason(op, forMicros), advice: rule.advice });
  }
  return out;
}

/** How long the rule's warning has held at `now`, or undefined when it does not hold (yet). */
export function heldFor(rule: WarningRule, op: WarnableOp, now: number, delays: WarningDelays): number | undefined {
  const delay = delays[rule.id];
  if (delay === undefined) return undefined;
  const since = rule.since(op);
  if (since === undefined || now - since < delay) return undefined;
  return Math.max(0, now - since);
}

/** When the rule's warning will start holding (µs), if it can: for the checker's deadlines. */
export function dueAt(rule: WarningRule, op: WarnableOp, delays: WarningDelays): number | undefined {
  const delay = delays[rule.id];
  if (delay === undefined) return undefined;
  const since = rule.since(op);
  return since === undefined ? undefined : since + delay;
}

export interface CollectOptions {
  /** µs on the process's clock; default its latest message (a trace's last moment). */
  now?: number;
  delays?: WarningDelays;
}

/** Every warning of a process's ops at one moment, in creation order. */
export function collectWarnings(store: OperationStoreApi, key: string, options: CollectOptions = {}): OpWarning[] {
  const process = store.process(key);
  if (!process) return [];
  const now = options.now ?? process.latestT;
  const delays = options.delays ?? warningDelays();
  const out: OpWarning[] = [];
  store.forEachOp(key, (op) => {
    for (const w of warningsAt(op, now, delays)) out.push({ ...w, op });
  });
  return out;
}
