// Keeps each op's warning bits current as messages arrive and as time passes. Conditions that
// hold at once (an unobserved error, an orphan) or end (the op ended, closed, was looked at) are
// settled when the message arrives; the timed ones (cancel ignored, long pending, never closed)
// get a deadline in the process's heap when their condition starts, and a clock pops only what is
// due, at most a few times a second: a recheck never walks every op.
import { WARNING_MASK, WARNING_SHIFT, warningBitCount, type OpRecord } from '../opRecord';
import type { ProcessState } from '../processState';
import { dueAt } from './evaluate';
import { RULES, type WarningDelays, warningDelays } from './rules';

/** Rechecks at most this often (the contract: a few times a second). */
export const RECHECK_GAP_MS = 250;

export class WarningChecker {
  private delays: WarningDelays;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private disposed = false;

  constructor(
    private readonly processes: () => Iterable<ProcessState>,
    /** Wall clock, epoch ms. */
    private readonly wallMs: () => number,
    delays: WarningDelays = warningDelays(),
  ) {
    this.delays = delays;
  }

  setDelays(delays: WarningDelays): void {
    this.delays = delays;
    for (const state of this.processes()) this.rescan(state);
  }

  /** A message changed `record`; `started` when it began a condition a warning may time. */
  touched(state: ProcessState, record: OpRecord, started: boolean): void {
    if (!judged(state)) return;
    const now = started ? undefined : -Infinity; // no clock read per message: deadlines decide timed ones
    let bits = 0;
    for (let i = 0; i < RULES.length; i++) {
      const due = dueAt(RULES[i], record, this.delays);
      if (due === undefined) continue;
      const bit = 1 << (i + WARNING_SHIFT);
      if (this.delays[RULES[i].id] === 0 || record.bits & bit) bits |= bit; // at once, or held already
      else if (now === undefined) this.schedule(state, due, record);
    }
    this.setBits(state, record, bits);
  }

  /** Judges every op of a process afresh (settings changed, it reconnected, it is a trace). */
  rescan(state: ProcessState): void {
    state.deadlines.clear();
    if (!judged(state)) {
      this.clear(state);
      return;
    }
    for (const record of state.ops.values()) {
      this.setBits(state, record, 0);
      this.touched(state, record, true);
    }
  }

  /** Removes every warning of a process (its session ended; it disconnected). */
  clear(state: ProcessState): void {
    state.deadlines.clear();
    if (state.warningCount === 0) return;
    for (const record of state.ops.values()) this.setBits(state, record, 0);
  }

  /** Pops what is due in every judged process and arms the clock for the next deadline. */
  recheck(): void {
    const wall = this.wallMs();
    let next = Infinity;
    for (const state of this.processes()) {
      const now = programNow(state, wall);
      if (now === undefined) continue;
      for (let record = state.deadlines.popDue(now); record; record = state.deadlines.popDue(now)) {
        if (state.ops.get(record.id) === record) this.judgeAt(state, record, now);
      }
      const due = state.deadlines.peek();
      if (due !== undefined && state.source !== 'trace') next = Math.min(next, wallOf(state, due));
    }
    this.arm(next);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private judgeAt(state: ProcessState, record: OpRecord, now: number): void {
    let bits = 0;
    for (let i = 0; i < RULES.length; i++) {
      const due = dueAt(RULES[i], record, this.delays);
      if (due === undefined) continue;
      if (due <= now) bits |= 1 << (i + WARNING_SHIFT);
      else this.schedule(state, due, record); // another rule of it comes later
    }
    this.setBits(state, record, bits);
  }

  private schedule(state: ProcessState, due: number, record: OpRecord): void {
    state.deadlines.push(due, record);
    // A trace's clock stops at its last message: what is due by then is judged on the next recheck.
    this.arm(state.source === 'trace' ? this.wallMs() : wallOf(state, due));
  }

  private setBits(state: ProcessState, record: OpRecord, bits: number): void {
    const before = record.bits & WARNING_MASK;
    if (before === bits) return;
    state.warningCount += warningBitCount(bits) - warningBitCount(before);
    record.bits = (record.bits & ~WARNING_MASK) | bits;
    state.changed(record);
  }

  /** One timer for the store, never sooner than RECHECK_GAP_MS after it was armed. */
  private arm(dueWallMs: number): void {
    if (this.disposed || dueWallMs === Infinity) return;
    const at = Math.max(dueWallMs, this.wallMs() + RECHECK_GAP_MS);
    if (this.timer && this.timerDue <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDue = Infinity;
      this.recheck();
    }, Math.max(0, at - this.wallMs()));
    this.timer.unref();
  }
}

/** Live processes are judged on the wall clock, traces at their last moment; an ended session,
 *  a process that left, or one paused at a breakpoint shows no (new) warnings. */
function judged(state: ProcessState): boolean {
  return state.source === 'trace' || (state.connected && !state.ended);
}

/** The process's clock now (µs since its timeOrigin), or undefined when time stands still for it. */
function programNow(state: ProcessState, wallMs: number): number | undefined {
  if (state.source === 'trace') return state.latestT;
  if (!judged(state) || state.paused) return undefined;
  const origin = state.hello.timeOrigin;
  return origin > 0 ? Math.max(state.latestT, (wallMs - origin) * 1000) : state.latestT;
}

function wallOf(state: ProcessState, dueMicros: number): number {
  const origin = state.hello.timeOrigin;
  return origin > 0 ? origin + dueMicros / 1000 : -Infinity; // no clock to map to: recheck soon
}

