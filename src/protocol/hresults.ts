// Names of the HRESULTs an op's `errorCode` most often carries, so people read `E_INVALIDARG
// (0x80070057)` instead of -2147024809. Codes not listed print as hex alone.

const NAMES = new Map<number, string>([
  [0x80004001, 'E_NOTIMPL'],
  [0x80004003, 'E_POINTER'],
  [0x80004004, 'E_ABORT'],
  [0x80004005, 'E_FAIL'],
  [0x8000000a, 'E_PENDING'],
  [0x8000000b, 'E_BOUNDS'],
  [0x8000000c, 'E_CHANGED_STATE'],
  [0x8000000d, 'E_ILLEGAL_STATE_CHANGE'],
  [0x8000000e, 'E_ILLEGAL_METHOD_CALL'],
  [0x80000018, 'E_ILLEGAL_DELEGATE_ASSIGNMENT'],
  [0x8000ffff, 'E_UNEXPECTED'],
  [0x80070005, 'E_ACCESSDENIED'],
  [0x8007000e, 'E_OUTOFMEMORY'],
  [0x80070057, 'E_INVALIDARG'],
  [0x800704c7, 'ERROR_CANCELLED'],
  [0x80010108, 'RPC_E_DISCONNECTED'],
  [0x80072ee2, 'WININET_E_TIMEOUT'],
]);

/** `E_INVALIDARG (0x80070057)`, or `0x8XXXXXXX` for a code without a name. */
export function describeHresult(code: number): string {
  const unsigned = code >>> 0;
  const hex = `0x${unsigned.toString(16).toUpperCase().padStart(8, '0')}`;
  const name = NAMES.get(unsigned);
  return name ? `${name} (${hex})` : hex;
}
