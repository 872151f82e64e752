// Node's own asynchronous work as ops (operation-sources.md §3), one module per source. Started
// only for the sources ASYNCINFO_NODE names: with none, nothing here subscribes or wraps anything.
import type { NodeSource } from '../../protocol/environment';
import type { Subscription } from './channels';
import { observeChildProcesses } from './childProcess';
import { observeFetch } from './fetch';
import { observeHttpClient } from './httpClient';
import { observeHttpServer } from './httpServer';
import { observeTimers } from './timers';

export function observeNodeSources(sources: readonly NodeSource[], timersMinMs: number): Subscription[] {
  const start: Record<NodeSource, () => Subscription[]> = {
    'http-server': observeHttpServer,
    'http-client': observeHttpClient,
    fetch: observeFetch,
    'child-process': observeChildProcesses,
    timers: () => observeTimers(timersMinMs),
  };
  const subscriptions: Subscription[] = [];
  for (const source of sources) {
    try {
      subscriptions.push(...start[source]());
    } catch {
      // an older Node without what this source needs: it shows nothing
    }
  }
  return subscriptions;
}
