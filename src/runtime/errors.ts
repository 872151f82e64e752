// Status values and the HRESULTs of the Windows Runtime, as its JavaScript projections report them.

export enum AsyncStatus {
  Started = 0,
  Completed = 1,
  Canceled = 2,
  Error = 3,
}

export const E_ILLEGAL_METHOD_CALL = 0x8000000e | 0;
export const E_ILLEGAL_STATE_CHANGE = 0x8000000d | 0;
export const E_ILLEGAL_DELEGATE_ASSIGNMENT = 0x80000018 | 0;
export const E_FAIL = 0x80004005 | 0;
/** What the debugger's Cancel gets for an op that has no way to cancel its work. */
export const E_NOTIMPL = 0x80004001 | 0;

const codeNames = new Map<number, string>([
  [E_ILLEGAL_METHOD_CALL, 'E_ILLEGAL_METHOD_CALL'],
  [E_ILLEGAL_STATE_CHANGE, 'E_ILLEGAL_STATE_CHANGE'],
  [E_ILLEGAL_DELEGATE_ASSIGNMENT, 'E_ILLEGAL_DELEGATE_ASSIGNMENT'],
  [E_FAIL, 'E_FAIL'],
  [E_NOTIMPL, 'E_NOTIMPL'],
]);

/** An illegal call on an operation: `code` names the HRESULT, `number` is its signed int32 value. */
export class AsyncInfoError extends Error {
  readonly code: string;
  readonly number: number;
  constructor(hresult: number, message: string) {
    super(message);
    this.name = 'AsyncInfoError';
    this.number = hresult;
    this.code = codeNames.get(hresult) ?? `0x${(hresult >>> 0).toString(16).toUpperCase()}`;
  }
}

/** The HRESULT an op reports for the error its work failed with (see the contract's Errors). */
export function errorCodeOf(error: unknown): number {
  if (error !== null && (typeof error === 'object' || typeof error === 'function')) {
    const e = error as { number?: unknown; hresult?: unknown };
    try {
      if (isFailureCode(e.number)) return e.number;
      if (isFailureCode(e.hresult)) return e.hresult;
    } catch {
      // a getter (or proxy) that throws: the error has no readable code
    }
  }
  return E_FAIL;
}

function isFailureCode(candidate: unknown): candidate is number {
  return Number.isInteger(candidate) && (candidate as number) < 0 && (candidate as number) >= -0x80000000;
}

export function messageOf(error: unknown): string {
  try {
    if (error instanceof Error) return error.message || error.name;
    if (error !== null && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
      return (error as { message: string }).message;
    }
    return String(error);
  } catch {
    return 'unprintable error';
  }
}

/** What awaiting a canceled op rejects with: named like the platform's own AbortError. */
export function abortError(id: number): Error {
  const error = new Error(`operation ${id} was canceled`);
  error.name = 'AbortError';
  (error as Error & { code: string }).code = 'ABORT_ERR';
  return error;
}
