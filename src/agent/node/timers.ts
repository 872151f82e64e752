// `timers`: one op per `setTimeout`/`setInterval` of at least ASYNCINFO_TIMERS_MIN_MS. Node
// publishes nothing for timers, so this source wraps the four functions (on the global and the
// `timers` module alike), and only when it is asked for. A timeout completes when it fires; a
// clear by the program is a cancel by the program; Cancel from the debugger clears it.
import * as timers from 'timers';
import type { Subscription } from './channels';
import { NodeOp, roomForNodeOp } from './nodeOp';

type Timer = NodeJS.Timeout;
type SetTimer = (callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => Timer;
type ClearTimer = (timer: unknown) => void;

/** Timers with a live op, until they fire or are cleared (a Map: see httpServer.ts). */
const ops = new Map<Timer, NodeOp>();

export function observeTimers(minMs: number): Subscription[] {
  const targets: Record<string, unknown>[] = [globalThis as unknown as Record<string, unknown>, timers as unknown as Record<string, unknown>];
  const original = {
    setTimeout: timers.setTimeout as unknown as SetTimer,
    setInterval: timers.setInterval as unknown as SetTimer,
    clearTimeout: timers.clearTimeout as ClearTimer,
    clearInterval: timers.clearInterval as ClearTimer,
  };
  const replaced = {
    setTimeout: like(original.setTimeout, wrapSet('setTimeout', original.setTimeout, original.clearTimeout, minMs, true)),
    setInterval: like(original.setInterval, wrapSet('setInterval', original.setInterval, original.clearInterval, minMs, false)),
    clearTimeout: like(original.clearTimeout, wrapClear(original.clearTimeout)),
    clearInterval: like(original.clearInterval, wrapClear(original.clearInterval)),
  };
  const restore: Array<() => void> = [];
  for (const target of targets) {
    for (const name of Object.keys(replaced) as Array<keyof typeof replaced>) {
      if (target[name] !== original[name]) continue; // someone else's already: leave it
      target[name] = replaced[name];
      restore.push(() => {
        if (target[name] === replaced[name]) target[name] = original[name];
      });
    }
  }
  return [{ dispose: () => restore.forEach((undo) => undo()) }];
}

function wrapSet(kind: string, set: SetTimer, clear: ClearTimer, minMs: number, once: boolean): SetTimer {
  return function (this: unknown, callback, delay, ...args) {
    const ms = Number(delay) || 0;
    if (typeof callback !== 'function' || !(ms >= minMs) || !roomForNodeOp()) return set.call(this, callback, delay, ...args);
    let node: NodeOp | undefined;
    const fired = function (this: unknown, ...callArgs: unknown[]): void {
      if (once && node !== undefined) ended(timer, node, () => node!.completed());
      return callback.apply(this, callArgs);
    };
    const timer = set.call(this, fired, delay, ...args);
    try {
      node = new NodeOp({
        source: 'node:timers',
        name: `${kind} ${ms}ms`,
        attributes: { delay: ms, repeats: !once },
        cancel: () => {
          clear(timer);
          ops.delete(timer);
          return true; // stopped: the op ends canceled now
        },
      });
      ops.set(timer, node);
    } catch {
      // the timer runs unobserved
    }
    return timer;
  } as SetTimer;
}

function wrapClear(clear: ClearTimer): ClearTimer {
  return function (this: unknown, timer) {
    clear.call(this, timer);
    try {
      const key = typeof timer === 'object' && timer !== null ? timer as Timer : byNumber(timer);
      const node = key && ops.get(key);
      if (key && node) ended(key, node, () => node.canceledByProgram());
    } catch {
      // nothing to follow
    }
  };
}

function ended(timer: Timer, node: NodeOp, end: () => void): void {
  ops.delete(timer);
  end();
}

/** The live timer a number names (`clearTimeout(+timer)`); only a program that used one asks. */
function byNumber(id: unknown): Timer | undefined {
  if (typeof id !== 'number' && typeof id !== 'string') return undefined;
  for (const timer of ops.keys()) if (String(+timer) === String(id)) return timer;
  return undefined;
}

/** The wrapper with the original's own properties (`util.promisify.custom`, name, length). */
function like<T extends Function>(original: Function, wrapper: T): T {
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'prototype') continue;
    const descriptor = Object.getOwnPropertyDescriptor(original, key);
    if (descriptor) Object.defineProperty(wrapper, key, descriptor);
  }
  return wrapper;
}
