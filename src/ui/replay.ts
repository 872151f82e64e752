// Replay of opened traces: a time cursor puts the tree's process at a moment of its recording.
// The tree keeps reading the one store: the trace's process there is rebuilt as it was at that
// moment (from the core's checkpointed TraceReplay), so the tree needs no replay code of its own.
import * as vscode from 'vscode';
import type { OperationStoreApi } from '../core/model';
import type { TraceProcess } from '../core/traceFile';
import { TraceReplay } from '../core/traceReplay';
import type { TimelineCursor } from '../core/timelineMessages';
import { ContextKeys } from '../contributions';
import { ContextKey } from './contextKey';

/** Moving forward by at most this many events applies them instead of rebuilding the process. */
const FORWARD_STEPS = 4096;

interface ReplayEntry {
  readonly replay: TraceReplay;
  readonly process: TraceProcess;
  /** The event the store shows the state after; count-1 (the whole trace) until the cursor moves. */
  index: number;
  /** A cursor is placed (the tree shows a moment, not the whole trace). */
  active: boolean;
}

export class ReplayController implements vscode.Disposable {
  private readonly entries = new Map<string, ReplayEntry>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** A trace's cursor moved (or its replay began or ended): the key of its process. */
  readonly onDidChange = this.changed.event;
  private readonly replaying = new ContextKey<boolean>(ContextKeys.Replaying);
  private readonly hasTrace = new ContextKey<boolean>(ContextKeys.HasTrace);
  /** The trace the step commands act on: the one last moved or shown. */
  current: string | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: OperationStoreApi) {
    this.replaying.set(false);
    this.hasTrace.set(false);
    // A trace removed from the view (or reloaded) takes its replay with it.
    this.subscription = store.onDidChange((change) => {
      for (const key of change.processes) {
        const process = store.process(key);
        if (this.entries.has(key) && process?.source !== 'trace') this.forget(key);
      }
    });
  }

  /** A trace was loaded into the store: it can be replayed. */
  add(key: string, process: TraceProcess): void {
    const replay = new TraceReplay(process);
    this.entries.set(key, { replay, process, index: replay.count - 1, active: false });
    this.current = key;
    this.hasTrace.set(true);
    this.changed.fire(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The trace's messages (the timeline draws the trace whole from these). */
  traceOf(key: string): TraceProcess | undefined {
    return this.entries.get(key)?.process;
  }

  seek(key: string, t: number): void {
    const entry = this.entries.get(key);
    if (entry) this.moveTo(key, entry, entry.replay.indexAt(t));
  }

  step(key: string | undefined, delta: 1 | -1): void {
    const target = key ?? this.current;
    const entry = target ? this.entries.get(target) : undefined;
    if (!entry || !target) return;
    const { replay } = entry;
    // Steps go from moment to moment: events at the same time are one moment.
    let index = entry.index;
    const from = replay.timeOf(index);
    if (delta > 0) {
      if (index >= replay.count - 1) return this.moveTo(target, entry, index);
      index++;
      while (index < replay.count - 1 && replay.timeOf(index + 1) === replay.timeOf(index)) index++;
    } else {
      if (index < 0) return;
      while (index >= 0 && replay.timeOf(index) === from) index--;
    }
    this.moveTo(target, entry, index);
  }

  /** Back to the whole trace (no cursor). */
  end(key: string | undefined): void {
    const target = key ?? this.current;
    const entry = target ? this.entries.get(target) : undefined;
    if (!entry || !target) return;
    this.moveTo(target, entry, entry.replay.count - 1);
    entry.active = false;
    this.updateContext();
    this.changed.fire(target);
  }

  cursorOf(key: string): TimelineCursor | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const { replay, index, active } = entry;
    return { t: active ? replay.timeOf(index) : null, index, count: replay.count, label: active ? this.momentLabel(entry) : 'the whole trace' };
  }

  /** What the view's title says while a cursor is placed. */
  describe(): string | undefined {
    const key = this.current;
    const entry = key ? this.entries.get(key) : undefined;
    return entry?.active ? `replay: ${this.momentLabel(entry)}` : undefined;
  }

  private momentLabel(entry: ReplayEntry): string {
    const { replay, index } = entry;
    const offsetMs = (replay.timeOf(index) - replay.startT) / 1000;
    const at = index < 0 ? 'before the first event' : `+${offsetMs.toFixed(3)} ms`;
    return `${at}, event ${index + 1} of ${replay.count}`;
  }

  private moveTo(key: string, entry: ReplayEntry, index: number): void {
    const { replay } = entry;
    const target = Math.max(-1, Math.min(index, replay.count - 1));
    if (target > entry.index && target - entry.index <= FORWARD_STEPS && this.store.process(key)) {
      for (const m of replay.eventsBetween(entry.index, target)) this.store.apply(key, m);
    } else if (target !== entry.index) {
      // Backwards (or far): the process is rebuilt as it was then.
      this.store.resetProcess(key, entry.process.hello, 'trace');
      for (const m of replay.stateAt(target)) this.store.apply(key, m);
    }
    entry.index = target;
    entry.active = true;
    this.current = key;
    this.updateContext();
    this.changed.fire(key);
  }

  private forget(key: string): void {
    this.entries.delete(key);
    if (this.current === key) this.current = this.entries.keys().next().value;
    this.hasTrace.set(this.entries.size > 0);
    this.updateContext();
    this.changed.fire(key);
  }

  private updateContext(): void {
    const entry = this.current ? this.entries.get(this.current) : undefined;
    this.replaying.set(Boolean(entry?.active));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
    this.entries.clear();
  }
}
