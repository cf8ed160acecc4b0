// A breaker admission as an object: whoever starts an attempt holds its lease and gives it back exactly once, with
// the verdict the attempt earned. A second `release` is a no-op, so a path that forgets nothing can double-release
// safely, and a half-open probe can never be left taken.
import type { HealthTracker } from './health';

/** `success` closes the breaker, `failure` counts towards opening it, `none` only frees a half-open probe slot. */
export type Verdict = 'success' | 'failure' | 'none';

export class BreakerLease {
  private held = true;

  private constructor(
    private readonly health: HealthTracker,
    readonly key: string,
    /** This lease is the half-open probe (or a forced try of an open breaker). */
    readonly probe: boolean,
  ) {}

  /** A lease, or undefined when the breaker is open (or its probe is already out). */
  static acquire(health: HealthTracker, key: string): BreakerLease | undefined {
    const admission = health.acquire(key);
    return admission === 'denied' ? undefined : new BreakerLease(health, key, admission === 'probe');
  }

  /** Every candidate's breaker is open: this one is tried anyway, as its probe. */
  static force(health: HealthTracker, key: string): BreakerLease {
    health.force(key);
    return new BreakerLease(health, key, true);
  }

  get released(): boolean {
    return !this.held;
  }

  release(verdict: Verdict): void {
    if (!this.held) return;
    this.held = false;
    if (verdict === 'success') this.health.success(this.key);
    else if (verdict === 'failure') this.health.failure(this.key);
    else if (this.probe) this.health.release(this.key);
  }
}
