// The process-wide hub (see src/protocol/hub.ts): op ids, the sources of every runtime copy,
// shared settings and the async context that carries the current op across awaits.
import { AsyncLocalStorage } from 'async_hooks';
import { HUB_KEY, type AsyncInfoHub, type CommandResult, type OpSource } from '../protocol/hub';
import type { LifecycleMessage } from '../protocol/messages';
import { NOT_FOUND } from '../protocol/messages';
import { encodeLines } from '../protocol/codec';
import { settingsFromEnv, type RuntimeSettings } from './settings';

/** The hub as this version builds it; other versions only rely on {@link AsyncInfoHub}. */
export interface RuntimeHub extends AsyncInfoHub {
  readonly settings: RuntimeSettings;
  /** Id of the op whose work runs synchronously right now (0: none). */
  current: number;
  /** Carries the current op id across awaits; made on first use (it slows every promise). */
  context(): AsyncLocalStorage<number>;
  /** Foreign IAsyncInfo objects -> their shims, shared by every copy: observing twice gives one shim. */
  readonly shims: WeakMap<object, object>;
}

const MAX_ID = 0xffffffff;

function createHub(): RuntimeHub {
  const sources: OpSource[] = [];
  let lastId = 0;
  let als: AsyncLocalStorage<number> | undefined;
  const hub: RuntimeHub = {
    version: 1,
    settings: settingsFromEnv(process.env),
    current: 0,
    nextId: () => (lastId = lastId === MAX_ID ? 1 : lastId + 1),
    addSource(source) {
      if (!sources.includes(source)) sources.push(source);
    },
    snapshot() {
      const messages: LifecycleMessage[] = [];
      for (const source of sources) source.snapshot(messages);
      return messages;
    },
    snapshotText: () => encodeLines(hub.snapshot()),
    cancel: (id) => command(sources, id, (s) => s.cancel(id)),
    close: (id) => command(sources, id, (s) => s.close(id)),
    context: () => (als ??= new AsyncLocalStorage<number>()),
    shims: new WeakMap(),
  };
  return hub;
}

function command(sources: OpSource[], id: number, run: (s: OpSource) => CommandResult | undefined): CommandResult {
  for (const source of sources) {
    const result = run(source);
    if (result) return result;
  }
  return { ok: false, code: NOT_FOUND, message: `no live operation with id ${id}` };
}

/**
 * The hub of this process, made by whichever copy (runtime or agent) loads first. A hub made by
 * another version lacks this version's extras; they are added here without replacing it.
 */
export function getHub(): RuntimeHub {
  const key = Symbol.for(HUB_KEY);
  const g = globalThis as unknown as Record<symbol, Partial<RuntimeHub> | undefined>;
  const existing = g[key];
  if (existing && existing.version === 1) {
    const settings = existing.settings ?? settingsFromEnv(process.env);
    // Settings an older copy did not know: this version's defaults, in the same shared object.
    const own = settingsFromEnv(process.env) as unknown as Record<string, unknown>;
    for (const key of Object.keys(own)) if (!(key in settings)) (settings as unknown as Record<string, unknown>)[key] = own[key];
    let als: AsyncLocalStorage<number> | undefined;
    return Object.assign(existing, {
      settings,
      current: existing.current ?? 0,
      context: existing.context ?? (() => (als ??= new AsyncLocalStorage<number>())),
      shims: existing.shims ?? new WeakMap(),
    }) as RuntimeHub;
  }
  const hub = createHub();
  Object.defineProperty(globalThis, key, { value: hub, configurable: true, enumerable: false, writable: false });
  return hub;
}
