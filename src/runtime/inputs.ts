// Checks of what a program hands observe() and fromPromise(): bad input is a TypeError that names
// what was expected, raised before anything is made (no op, no id, no handler taken).
import type { OpKind } from '../protocol/messages';

export const OP_KINDS: readonly OpKind[] = ['action', 'operation', 'actionWithProgress', 'operationWithProgress'];

/** The members observe() needs, as Windows Runtime projections expose them. */
const INFO_PROPERTIES = ['id', 'status', 'errorCode', 'completed'] as const;
const INFO_METHODS = ['cancel', 'close', 'getResults'] as const;

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

function isObjectLike(value: unknown): value is Record<string, unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function');
}

/** The members an IAsyncInfo-shaped object lacks (empty when it has them all). */
export function missingInfoMembers(value: unknown): string[] {
  if (!isObjectLike(value)) return [...INFO_PROPERTIES, ...INFO_METHODS.map((m) => `${m}()`)];
  const missing: string[] = INFO_PROPERTIES.filter((p) => !(p in value));
  for (const m of INFO_METHODS) if (typeof value[m] !== 'function') missing.push(`${m}()`);
  return missing;
}

/** The check on every observe(): no allocation (the list of what is missing is made on failure only). */
function hasInfoMembers(value: Record<string, unknown>): boolean {
  return 'id' in value && 'status' in value && 'errorCode' in value && 'completed' in value
    && typeof value.cancel === 'function' && typeof value.close === 'function' && typeof value.getResults === 'function';
}

export function isAsyncInfoShaped(value: unknown): boolean {
  if (!isObjectLike(value)) return false;
  try {
    return hasInfoMembers(value);
  } catch {
    return false; // a proxy or host object that throws on inspection
  }
}

export function checkAsyncInfo(info: unknown): asserts info is Record<string, unknown> {
  if (isObjectLike(info) && hasInfoMembers(info)) return;
  const missing = missingInfoMembers(info);
  const got = isObjectLike(info) ? `an object without ${missing.join(', ')}` : describe(info);
  throw new TypeError(
    `AsyncInfo.observe expects an IAsyncInfo object (id, status, errorCode, completed, cancel(), close(), getResults()), got ${got}`,
  );
}

export function checkThenable(value: unknown): asserts value is PromiseLike<unknown> & Record<string, unknown> {
  if (isObjectLike(value) && typeof value.then === 'function') return;
  throw new TypeError(`AsyncInfo.fromPromise expects a promise (an object with a then() method), got ${describe(value)}`);
}

/** The options object itself: absent, or a plain object. */
export function checkOptions(what: string, options: unknown): Record<string, unknown> | undefined {
  if (options === undefined) return undefined;
  if (isObjectLike(options) && !Array.isArray(options) && typeof options !== 'function') return options;
  throw new TypeError(`${what} options must be an object, got ${describe(options)}`);
}

/** The name option: a string when given; '' counts as absent. */
export function nameOption(what: string, options: Record<string, unknown> | undefined): string | undefined {
  const name = options?.name;
  if (name === undefined) return undefined;
  if (typeof name !== 'string') throw new TypeError(`${what} options.name must be a string, got ${describe(name)}`);
  return name || undefined;
}

export function kindOption(options: Record<string, unknown> | undefined): OpKind | undefined {
  const kind = options?.kind;
  if (kind === undefined || OP_KINDS.includes(kind as OpKind)) return kind as OpKind | undefined;
  throw new TypeError(`AsyncInfo.observe options.kind must be one of ${OP_KINDS.map((k) => `'${k}'`).join(', ')}, got ${
    typeof kind === 'string' ? `'${kind}'` : describe(kind)}`);
}

export function controllerOption(options: Record<string, unknown> | undefined): AbortController | undefined {
  const controller = options?.controller;
  if (controller === undefined) return undefined;
  if (isObjectLike(controller) && typeof controller.abort === 'function') return controller as unknown as AbortController;
  throw new TypeError(`AsyncInfo.fromPromise options.controller must be an AbortController, got ${describe(controller)}`);
}

export function cancelOption(options: Record<string, unknown> | undefined): (() => void) | undefined {
  const cancel = options?.cancel;
  if (cancel === undefined || typeof cancel === 'function') return cancel as (() => void) | undefined;
  throw new TypeError(`AsyncInfo.fromPromise options.cancel must be a function, got ${describe(cancel)}`);
}
