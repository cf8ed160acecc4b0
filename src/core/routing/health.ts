// Circuit breaker per endpoint+model. Closed → (N consecutive failures) → open → (cooldown) → half-open: one probe
// goes through; its success closes the breaker, its failure re-opens it for another cooldown.
import type { BreakerEvent } from '../base/types';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold?: number;
  cooldownMs?: number;
  now?: () => number;
  onChange?: (e: BreakerEvent) => void;
}

export interface BreakerState {
  key: string;
  endpoint: string;
  model: string;
  state: BreakerEvent['state'];
  consecutiveFailures: number;
  /** When an open breaker lets a probe through (epoch ms, from the injected clock). */
  until?: number;
}

/** What `acquire` granted: a normal pass, the half-open probe, or nothing (breaker open). */
export type Admission = 'pass' | 'probe' | 'denied';

interface Entry {
  state: BreakerEvent['state'];
  failures: number;
  until: number;
  probeInFlight: boolean;
}

export const BREAKER_DEFAULTS = { failureThreshold: 3, cooldownMs: 30_000 } as const;

export const breakerKey = (endpoint: string, model: string): string => `${endpoint}|${model}`;

export class HealthTracker {
  private readonly entries = new Map<string, Entry>();
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private readonly onChange: (e: BreakerEvent) => void;

  constructor(opts: BreakerOptions = {}) {
    this.threshold = Math.max(1, opts.failureThreshold ?? BREAKER_DEFAULTS.failureThreshold);
    this.cooldownMs = opts.cooldownMs ?? BREAKER_DEFAULTS.cooldownMs;
    this.now = opts.now ?? Date.now;
    this.onChange = opts.onChange ?? (() => {});
  }

  /** Whether the key would be admitted right now, without taking the half-open probe slot. */
  isOpen(key: string): boolean {
    const e = this.entries.get(key);
    if (!e || e.state === 'closed') return false;
    if (e.state === 'open') return this.now() < e.until;
    return e.probeInFlight;
  }

  /** When an open breaker's cooldown ends (0 if it is not open). */
  openUntil(key: string): number {
    const e = this.entries.get(key);
    return e && e.state !== 'closed' ? e.until : 0;
  }

  /** Asks to send a request. A granted probe must end in `success`, `failure` or `release`. */
  acquire(key: string): Admission {
    const e = this.entries.get(key);
    if (!e || e.state === 'closed') return 'pass';
    if (e.state === 'open') {
      if (this.now() < e.until) return 'denied';
      this.set(key, e, 'half-open');
    }
    if (e.probeInFlight) return 'denied';
    e.probeInFlight = true;
    return 'probe';
  }

  /** Lets a request through even though the breaker is open (every candidate was open); it counts as the probe. */
  force(key: string): void {
    const e = this.entries.get(key);
    if (!e || e.state === 'closed') return;
    if (e.state === 'open') this.set(key, e, 'half-open');
    e.probeInFlight = true;
  }

  success(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.failures = 0;
    e.probeInFlight = false;
    if (e.state !== 'closed') this.set(key, e, 'closed');
  }

  failure(key: string): void {
    let e = this.entries.get(key);
    if (!e) {
      e = { state: 'closed', failures: 0, until: 0, probeInFlight: false };
      this.entries.set(key, e);
    }
    e.failures++;
    const wasProbe = e.state === 'half-open';
    e.probeInFlight = false;
    if (wasProbe || (e.state === 'closed' && e.failures >= this.threshold)) {
      e.until = this.now() + this.cooldownMs;
      this.set(key, e, 'open');
    }
  }

  /** The attempt ended without a verdict (cancelled, lost a hedge): free the probe slot, keep the state. */
  release(key: string): void {
    const e = this.entries.get(key);
    if (e) e.probeInFlight = false;
  }

  list(): BreakerState[] {
    const out: BreakerState[] = [];
    const now = this.now();
    for (const [key, e] of this.entries) {
      const sep = key.indexOf('|');
      const state = e.state === 'open' && now >= e.until ? 'half-open' : e.state;
      out.push({
        key,
        endpoint: key.slice(0, sep),
        model: key.slice(sep + 1),
        state,
        consecutiveFailures: e.failures,
        ...(e.state === 'open' ? { until: e.until } : {}),
      });
    }
    return out;
  }

  private set(key: string, e: Entry, state: BreakerEvent['state']): void {
    e.state = state;
    this.onChange(state === 'open' ? { type: 'breaker', key, state, until: e.until } : { type: 'breaker', key, state });
  }
}
