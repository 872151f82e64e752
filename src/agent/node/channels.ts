// Subscribing to Node's diagnostics channels by name, on every Node the agent runs on (16+: the
// channel objects are held, as Node 16 could collect an unreferenced one with its subscribers).
import * as dc from 'diagnostics_channel';

export type ChannelListener = (message: unknown) => void;

export interface Subscription {
  dispose(): void;
}

/** Subscribes `listener` to `name`; a listener that throws never reaches the publisher. */
export function subscribe(name: string, listener: (message: Record<string, unknown>) => void): Subscription {
  const channel = dc.channel(name);
  const safe: ChannelListener = (message) => {
    try {
      if (typeof message === 'object' && message !== null) listener(message as Record<string, unknown>);
    } catch {
      // the program comes first: its request goes on unobserved
    }
  };
  channel.subscribe(safe);
  return { dispose: () => channel.unsubscribe(safe) };
}

/** The path part of a URL path, without its query or fragment. */
export function pathOnly(path: unknown): string {
  if (typeof path !== 'string') return '/';
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}
