// When an agent dropped events (this side read too slowly), the view is no longer exact: ask the
// agent for its whole state again (the `resync` command, an extension of protocol v1).
import type { IDisposable } from '../common/disposable';
import type { AgentConnection } from './agentConnection';

const RESYNC_MS = 2000;

/** After the agent dropped events, asks it for the whole state again: one request at a time, at
 *  most every RESYNC_MS, so a window that stays behind does not ask for snapshot after snapshot. */
export class Resync implements IDisposable {
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;
  private wanted = false;
  private last = 0;

  constructor(private readonly connection: AgentConnection, private readonly intervalMs = RESYNC_MS) {}

  request(): void {
    this.wanted = true;
    if (this.inFlight || this.timer) return;
    this.timer = setTimeout(() => this.run(), Math.max(0, this.last + this.intervalMs - Date.now()));
  }

  private run(): void {
    this.timer = undefined;
    if (!this.wanted || !this.connection.isOpen) return;
    this.wanted = false;
    this.inFlight = true;
    this.last = Date.now();
    this.connection.resync().catch(() => undefined).finally(() => {
      this.inFlight = false;
      if (this.wanted) this.request();
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.wanted = false;
  }
}

