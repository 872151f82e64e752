// An event emitter shaped like vscode.EventEmitter, for layers that must not import vscode.
import type { IDisposable } from './disposable';

export type Event<T> = (listener: (e: T) => void, thisArg?: unknown) => IDisposable;

export class EventEmitter<T> implements IDisposable {
  private listeners = new Set<(e: T) => void>();

  readonly event: Event<T> = (listener, thisArg) => {
    const bound = thisArg === undefined ? listener : listener.bind(thisArg);
    this.listeners.add(bound);
    return { dispose: () => void this.listeners.delete(bound) };
  };

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  fire(e: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(e);
      } catch (error) {
        // a failing listener must not starve the others; surface it like an unhandled callback error
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
