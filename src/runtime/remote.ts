// What an op of this runtime mirrors when its work is someone else's: a foreign IAsyncInfo
// (AsyncInfo.observe) or a promise (AsyncInfo.fromPromise). The op keeps the whole contract; the
// remote hands it the outcome and carries cancel() and close() to the real thing.

/** Where an op comes from, as `created.source` says (operation-sources.md §4). */
export type OpOrigin = 'observed' | 'promise';

export type Attributes = Record<string, string | number | boolean>;

export interface Remote {
  readonly source: OpOrigin;
  /** False when nothing can stop the work: the debugger's Cancel is answered with E_NOTIMPL. */
  readonly canCancel: boolean;
  /** Read only when a listener is told about the op (they cost an object and a foreign read). */
  readonly attributes: Attributes | undefined;
  /** The op's work: the promise it settles from. `report` is the op's, for WithProgress kinds. */
  begin(report: ((value: unknown) => void) | undefined): PromiseLike<unknown>;
  /** Cancels the real work; may throw (the op then stays as it was). */
  cancel(): void;
  /** Closes the real thing; may throw (the op then stays open). */
  close(): void;
}

/**
 * What a remote's promise resolves with when the real work ended canceled without this op having
 * asked (someone else canceled the foreign op, or aborted the promise's controller).
 */
export const FOREIGN_CANCELED: unknown = Object.freeze({ canceled: true });

/** The work function of every remote op: the op is its own token, and knows its remote. */
export function remoteWork(op: { readonly _remote: Remote | undefined }, report?: (value: unknown) => void): PromiseLike<unknown> {
  return op._remote!.begin(report);
}

const MAX_KEYS = 16;
const MAX_STRING = 256;

/** Attributes within the protocol's bounds: 16 keys, strings cut to 256 characters. */
export function boundedAttributes(input: Record<string, unknown>): Attributes | undefined {
  let out: Attributes | undefined;
  let n = 0;
  for (const key of Object.keys(input)) {
    const v = input[key];
    let value: string | number | boolean;
    if (typeof v === 'string') value = v.length > MAX_STRING ? v.slice(0, MAX_STRING) : v;
    else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') value = v;
    else continue;
    (out ??= {})[key] = value;
    if (++n === MAX_KEYS) break;
  }
  return out;
}

/** Reads a member of a foreign object that may throw (a closed WinRT op does). */
export function tryRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
