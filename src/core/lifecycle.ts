// Small versions of VS Code's Disposable / DisposableStore / Emitter so src/core stays free of `vscode`
// while its objects can be pushed straight into `context.subscriptions`.

export interface IDisposable {
  dispose(): void;
}

export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return { dispose: () => { if (!done) { done = true; fn(); } } };
}

export class DisposableStore implements IDisposable {
  private readonly items = new Set<IDisposable>();
  private disposed = false;

  add<T extends IDisposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.add(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const item of this.items) {
      try { item.dispose(); } catch { /* one failing disposable must not stop the rest */ }
    }
    this.items.clear();
  }
}

export abstract class Disposable implements IDisposable {
  protected readonly store = new DisposableStore();
  protected _register<T extends IDisposable>(item: T): T {
    return this.store.add(item);
  }
  dispose(): void {
    this.store.dispose();
  }
}

export type Event<T> = (listener: (e: T) => void) => IDisposable;

export class Emitter<T> implements IDisposable {
  private listeners = new Set<(e: T) => void>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  };

  fire(e: T): void {
    for (const l of this.listeners) {
      try { l(e); } catch (err) { this.onListenerError(err); }
    }
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
