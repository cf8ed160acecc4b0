// Small versions of VS Code's DisposableStore / Emitter (and a disposable built lazily) so src/core stays free of
// `vscode` while its objects can be pushed straight into `context.subscriptions`.
import { CancelledError } from './errors';

export interface IDisposable {
  dispose(): void;
}

export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose: () => {
      if (!done) {
        done = true;
        fn();
      }
    },
  };
}

export class DisposableStore implements IDisposable {
  private readonly items = new Set<IDisposable>();
  private disposed = false;

  /** Keeps `item` to dispose with the store; once the store is disposed, disposes it at once (as VS Code's does). */
  add<T extends IDisposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.add(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const item of this.items) {
      try {
        item.dispose();
      } catch {
        /* one failing disposable must not stop the rest */
      }
    }
    this.items.clear();
  }
}

/**
 * A disposable built on first use, asynchronously (e.g. the core with its ledger file). Concurrent callers share one
 * build; a failed build is not kept, so the next call tries again. Disposing it disposes the value — also a value
 * whose build finishes only after `dispose()`: it is disposed the moment it arrives, and its callers get a
 * CancelledError, so nothing it opened stays open.
 */
export class LazyDisposable<T extends IDisposable> implements IDisposable {
  private pending: Promise<T> | undefined;
  private built: T | undefined;
  private disposed = false;

  /** `onBuilt` runs once the value is kept (and `value` returns it); what it throws goes to onUnexpectedError. */
  constructor(
    private readonly build: () => Promise<T>,
    private readonly onBuilt?: (value: T) => void,
  ) {}

  get(): Promise<T> {
    if (this.disposed) return Promise.reject(new CancelledError());
    this.pending ??= this.build().then(
      (value) => {
        if (this.disposed) {
          value.dispose();
          throw new CancelledError();
        }
        this.built = value;
        // A throwing notification must not leave `pending` rejected while the value is kept: every later get() would fail.
        try {
          this.onBuilt?.(value);
        } catch (err) {
          onUnexpectedError(err);
        }
        return value;
      },
      (err: unknown) => {
        this.pending = undefined;
        throw err;
      },
    );
    return this.pending;
  }

  /** The value once built (and not disposed); undefined before. */
  get value(): T | undefined {
    return this.built;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.built?.dispose();
    this.built = undefined;
  }
}

export type Event<T> = (listener: (e: T) => void) => IDisposable;

// Shared through a global symbol: the core is bundled twice (dist/extension.js and dist/core.js), and a handler set
// in one bundle must see errors of emitters made in the other.
const HANDLER = Symbol.for('switchboard.onUnexpectedError');
type Handler = (err: unknown) => void;
const holder = globalThis as { [HANDLER]?: Handler };

/** Where errors nobody else can report go, e.g. a throwing event listener (as VS Code's `onUnexpectedError`). */
export function setUnexpectedErrorHandler(handler: Handler): IDisposable {
  holder[HANDLER] = handler;
  return toDisposable(() => {
    if (holder[HANDLER] === handler) delete holder[HANDLER];
  });
}

export function onUnexpectedError(err: unknown): void {
  const handler = holder[HANDLER];
  try {
    if (handler) handler(err);
    else console.error('switchboard: unexpected error in an event listener:', err);
  } catch {
    // the reporter itself failed: nothing is left to tell
  }
}

export class Emitter<T> implements IDisposable {
  private listeners = new Set<(e: T) => void>();

  /** A listener that throws never stops the others; its error goes to `onListenerError` (default: onUnexpectedError). */
  constructor(private readonly onListenerError: (err: unknown) => void = onUnexpectedError) {}

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  };

  fire(e: T): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
