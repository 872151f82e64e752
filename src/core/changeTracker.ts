// Coalesces store changes into at most one event per interval: a busy process can change
// thousands of ops a second, and the tree view should refresh a few times a second at most.
import type { IDisposable } from '../common/disposable';
import type { StoreChange } from './model';

/** Past this many changed ops in one interval, the whole process is reported instead. */
export const MAX_LISTED_OPS = 500;

export class ChangeTracker implements IDisposable {
  private processes = new Set<string>();
  private ops = new Map<string, Set<number>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly fire: (change: StoreChange) => void,
  ) {}

  op(key: string, id: number): void {
    if (!this.processes.has(key)) {
      let ids = this.ops.get(key);
      if (!ids) this.ops.set(key, (ids = new Set()));
      ids.add(id);
      if (ids.size > MAX_LISTED_OPS) this.process(key);
    }
    this.schedule();
  }

  process(key: string): void {
    this.processes.add(key);
    this.ops.delete(key);
    this.schedule();
  }

  /** Fires what is pending now, if anything. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.processes.size === 0 && this.ops.size === 0) return;
    const change: StoreChange = { processes: this.processes, ops: this.ops };
    this.processes = new Set();
    this.ops = new Map();
    this.fire(change);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.processes = new Set();
    this.ops = new Map();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }
}
