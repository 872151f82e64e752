// Disposables without vscode, shaped like vscode.Disposable so core code can hand them to the UI.

export interface IDisposable {
  dispose(): void;
}

export function toDisposable(dispose: () => void): IDisposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      dispose();
    },
  };
}

/** A bag of disposables; anything added after it was disposed is disposed at once. */
export class DisposableList implements IDisposable {
  private items: IDisposable[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<T extends IDisposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const items = this.items;
    this.items = [];
    for (const item of items.reverse()) {
      try {
        item.dispose();
      } catch {
        // one failing disposable must not keep the others alive
      }
    }
  }
}
