// The one retry policy, as a pure function (modelled on openai-node's `shouldRetry` / `calculateDefaultRetryTimeoutMillis`).
// The router asks it after every failed attempt whether to try the same candidate again, and after how long.
import { hasErrorCode, isSwitchboardError } from '../base/errors';

export const RETRY_DEFAULTS = {
  /** First backoff step; doubles per retry. */
  baseMs: 500,
  /** Backoff ceiling. */
  maxDelayMs: 8_000,
  /** A Retry-After longer than this is not waited for: the router moves to the next candidate instead. */
  retryAfterCapMs: 10_000,
} as const;

export interface RetryInput {
  error: unknown;
  /** Retries already made for this candidate (0 after the first failure). */
  retriesSoFar: number;
  maxRetries: number;
  /** Value of the upstream's `x-should-retry` header, if it sent one. */
  shouldRetryHeader?: string;
  /** Whether another candidate is left to try; a timed-out model is then not waited for again. */
  hasNextCandidate?: boolean;
  baseMs?: number;
  maxDelayMs?: number;
  retryAfterCapMs?: number;
  /** Returns [0, 1); injectable so tests are deterministic. */
  random?: () => number;
}

export type RetryDecision =
  { retry: true; delayMs: number } | { retry: false; reason: 'not-retryable' | 'exhausted' | 'server-said-no' | 'retry-after-too-long' | 'slow-model' };

export function decideRetry(input: RetryInput): RetryDecision {
  const { error } = input;
  if (input.retriesSoFar >= input.maxRetries) return { retry: false, reason: 'exhausted' };
  const header = input.shouldRetryHeader?.trim().toLowerCase();
  if (header === 'false') return { retry: false, reason: 'server-said-no' };
  if (header !== 'true') {
    if (!isSwitchboardError(error) || !error.retryable) return { retry: false, reason: 'not-retryable' };
    // Waiting firstTokenMs again on a model that just failed to answer in time only delays the fallback.
    if (hasErrorCode(error, 'timeout') && error.phase !== 'connect' && input.hasNextCandidate) return { retry: false, reason: 'slow-model' };
  }
  const cap = input.retryAfterCapMs ?? RETRY_DEFAULTS.retryAfterCapMs;
  const retryAfter = hasErrorCode(error, 'rate-limited') ? error.retryAfterMs : undefined;
  if (retryAfter !== undefined && retryAfter >= 0) {
    if (retryAfter > cap) return { retry: false, reason: 'retry-after-too-long' };
    return { retry: true, delayMs: retryAfter };
  }
  return { retry: true, delayMs: backoffMs(input.retriesSoFar, input) };
}

/** base·2ⁿ capped, minus up to 25 % jitter so that many clients do not retry in lockstep. */
export function backoffMs(retriesSoFar: number, opts: Pick<RetryInput, 'baseMs' | 'maxDelayMs' | 'random'> = {}): number {
  const base = opts.baseMs ?? RETRY_DEFAULTS.baseMs;
  const max = opts.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const raw = Math.min(base * 2 ** retriesSoFar, max);
  const jitter = 1 - (opts.random ?? Math.random)() * 0.25;
  return Math.round(raw * jitter);
}

type HeaderValue = string | string[] | undefined;
const first = (v: HeaderValue): string | undefined => (Array.isArray(v) ? v[0] : v);

/** Retry-After in ms from `retry-after-ms`, then `retry-after` (seconds or an HTTP date); undefined if absent or unusable. */
export function parseRetryAfter(headers: Record<string, HeaderValue>, now: number = Date.now()): number | undefined {
  const ms = first(headers['retry-after-ms']);
  if (ms !== undefined && ms.trim() !== '') {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return Math.round(n);
  }
  const ra = first(headers['retry-after']);
  if (ra === undefined || ra.trim() === '') return undefined;
  const seconds = Number(ra);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : undefined;
  const date = Date.parse(ra);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

// The `x-should-retry` header travels with the error it came with, without widening the error tree's contract.
const shouldRetryHeaders = new WeakMap<object, string>();
export function attachShouldRetry(error: object, header: string | undefined): void {
  if (header !== undefined) shouldRetryHeaders.set(error, header);
}
export function shouldRetryHeaderOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? shouldRetryHeaders.get(error) : undefined;
}
