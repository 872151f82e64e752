// One op as the store keeps it: a small object whose flags share one integer and whose rare
// fields (error details, full stack) live in a side object, so 100,000 live ops stay within the
// memory goal. It is also the OpView the UI reads: getters cost nothing per op.
import type { OpKind } from '../protocol/messages';
import type { OpStatusName, OpView } from './model';
import type { ChildList } from './childList';
import { RULES, type WarningId } from './warnings/rules';

/** Terminal status in the two low bits. */
export const TERMINAL_MASK = 0b11;
export const COMPLETED = 1;
export const CANCELED = 2;
export const ERRORED = 3;
export const CANCEL_REQUESTED = 1 << 2;
export const CANCEL_BY_CLIENT = 1 << 3;
export const CLOSED = 1 << 4;
export const HAS_PROGRESS = 1 << 5;
/** Known only from a later message (its `created` was dropped); `created` fills it in. */
export const PLACEHOLDER = 1 << 6;
/** Listed under its parent op (else at the process's root). */
export const NESTED = 1 << 7;
/** At the root while its reported parent is unknown; moves under it when the parent appears. */
export const WAITING = 1 << 8;
/** Counted in the process's finished ops and queued for retention. */
export const COUNTED_FINISHED = 1 << 9;
/** The program no longer tracks it (a snapshot left it out, or a command found no such op):
 *  closed, or let go of and collected; which one, nobody can tell. */
export const RELEASED = 1 << 10;
/** Ended in Error and the program said nobody could see it (cleared by `errorObserved`). */
export const UNOBSERVED = 1 << 11;
/** Its parent op ended while it was still Started (when: `extra.orphanedT`). */
export const ORPHANED = 1 << 12;
/** The warnings that hold now, one bit per rule in RULES order (set by the store's checker). */
export const WARNING_SHIFT = 13;
export const WARNING_MASK = 0b11111 << WARNING_SHIFT;

/** How many warnings a record's bits hold. */
export function warningBitCount(bits: number): number {
  let n = 0;
  for (let b = (bits & WARNING_MASK) >>> WARNING_SHIFT; b; b &= b - 1) n++;
  return n;
}

/** The id lists for each combination of warning bits, made once (rows read them often). */
const WARNING_LISTS: readonly (readonly WarningId[])[] = Array.from({ length: 32 }, (_, bits) =>
  RULES.filter((_r, i) => bits & (1 << i)).map((r) => r.id));

const STATUS_NAMES: readonly OpStatusName[] = ['Started', 'Completed', 'Canceled', 'Error'];

export interface OpExtra {
  errorCode: number;
  message: string | undefined;
  stack: string | undefined;
  source: string | undefined;
  cannotCancel: boolean;
  attributes: Readonly<Record<string, string | number | boolean>> | undefined;
  cancelT: number | undefined;
  orphanedT: number | undefined;
}

export class OpRecord implements OpView {
  bits = 0;
  endT: number | undefined = undefined;
  /** Store-clock milliseconds (relative to the store's start) when the op finished. */
  finishedAt = 0;
  progress: unknown = undefined;
  extra: OpExtra | undefined = undefined;
  children: ChildList | undefined = undefined;

  constructor(
    readonly id: number,
    /** Creation order within the process: the order the store first heard of the op. */
    readonly seq: number,
    public kind: OpKind,
    public name: string,
    public parent: number | null,
    public site: string | null,
    public createdT: number,
  ) {}

  get status(): OpStatusName {
    const terminal = this.bits & TERMINAL_MASK;
    if (terminal === 0 && this.bits & CANCEL_REQUESTED) return 'Canceled'; // requested, work still running
    return STATUS_NAMES[terminal];
  }

  get terminal(): boolean {
    return (this.bits & TERMINAL_MASK) !== 0;
  }

  /** Terminal, closed or released: what retention and `hideFinished` act on. */
  get finished(): boolean {
    return (this.bits & (TERMINAL_MASK | CLOSED | RELEASED)) !== 0;
  }

  get released(): boolean {
    return (this.bits & RELEASED) !== 0;
  }

  get cancelRequested(): boolean {
    return (this.bits & CANCEL_REQUESTED) !== 0;
  }

  get cancelSource(): 'program' | 'client' | undefined {
    if (!(this.bits & CANCEL_REQUESTED)) return undefined;
    return this.bits & CANCEL_BY_CLIENT ? 'client' : 'program';
  }

  get closed(): boolean {
    return (this.bits & CLOSED) !== 0;
  }

  get hasProgress(): boolean {
    return (this.bits & HAS_PROGRESS) !== 0;
  }

  get errorCode(): number {
    return this.extra?.errorCode ?? 0;
  }

  get message(): string | undefined {
    return this.extra?.message;
  }

  get stack(): string | undefined {
    return this.extra?.stack;
  }

  get source(): string | undefined {
    return this.extra?.source;
  }

  get canCancel(): boolean {
    return !this.extra?.cannotCancel;
  }

  get attributes(): Readonly<Record<string, string | number | boolean>> | undefined {
    return this.extra?.attributes;
  }

  get cancelT(): number | undefined {
    return this.extra?.cancelT;
  }

  get orphanedT(): number | undefined {
    return this.bits & ORPHANED ? this.extra?.orphanedT : undefined;
  }

  get errorUnobserved(): boolean {
    return (this.bits & UNOBSERVED) !== 0;
  }

  get warnings(): readonly WarningId[] {
    return WARNING_LISTS[(this.bits & WARNING_MASK) >> WARNING_SHIFT];
  }

  /** The rare fields, allocated on first use. */
  details(): OpExtra {
    return (this.extra ??= {
      errorCode: 0, message: undefined, stack: undefined, source: undefined, cannotCancel: false, attributes: undefined,
      cancelT: undefined, orphanedT: undefined,
    });
  }
}
