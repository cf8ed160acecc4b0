// VS Code's CancellationToken → the AbortSignal the core understands. The only place the two meet.
import type { CancellationTokenLike } from './lmTypes';

export interface TokenSignal {
  readonly signal: AbortSignal;
  /** Stops listening to the token (call when the request ends). */
  dispose(): void;
}

export function signalFromToken(token: CancellationTokenLike): TokenSignal {
  const ac = new AbortController();
  if (token.isCancellationRequested) ac.abort();
  const sub = token.onCancellationRequested(() => ac.abort());
  return { signal: ac.signal, dispose: () => void sub.dispose() };
}
