// Hedging as a race: while one attempt runs alone, its first token races a timer; once two run, they race each other.

export const HEDGE = Symbol('hedge');

export interface Racer<T> {
  /** Resolves (never rejects) when this racer has its first token or has failed. */
  readonly firstToken: Promise<T>;
  /** performance.now() when it started. */
  readonly started: number;
}

/**
 * The first of `running` to settle; HEDGE when a lone racer has not settled `hedgeAfterMs` after it started
 * (undefined: no hedge left, just wait).
 */
export function firstToSettle<T>(running: ReadonlySet<Racer<T>>, hedgeAfterMs: number | undefined): Promise<T | typeof HEDGE> {
  if (running.size !== 1) return Promise.race(Array.from(running, (r) => r.firstToken));
  const only = running.values().next().value as Racer<T>;
  if (hedgeAfterMs === undefined) return only.firstToken;
  const ms = only.started + hedgeAfterMs - performance.now();
  if (ms <= 0) return Promise.resolve(HEDGE);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(HEDGE), ms);
    void only.firstToken.then((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}
