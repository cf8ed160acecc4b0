// Retry decisions: which failures are retried, exponential backoff with jitter, Retry-After.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { attachShouldRetry, backoffMs, decideRetry, parseRetryAfter, shouldRetryHeaderOf } from '../../src/core/net/retry';
import { BadRequestError, CancelledError, ContextLengthError, RateLimitedError, TimeoutError, UnavailableError } from '../../src/core/base/errors';

const ctx = { endpoint: 'gateway', model: 'm' };
const unavailable = () => new UnavailableError({ ...ctx, status: 503 }, 'down');
const fixed = () => 0; // no jitter

describe('decideRetry', () => {
  test('retries a retryable error with exponential backoff', () => {
    assert.deepEqual(decideRetry({ error: unavailable(), retriesSoFar: 0, maxRetries: 3, random: fixed }), { retry: true, delayMs: 500 });
    assert.deepEqual(decideRetry({ error: unavailable(), retriesSoFar: 2, maxRetries: 3, random: fixed }), { retry: true, delayMs: 2000 });
  });

  test('stops when retries are used up', () => {
    assert.deepEqual(decideRetry({ error: unavailable(), retriesSoFar: 2, maxRetries: 2 }), { retry: false, reason: 'exhausted' });
    assert.deepEqual(decideRetry({ error: unavailable(), retriesSoFar: 0, maxRetries: 0 }), { retry: false, reason: 'exhausted' });
  });

  test('never retries non-retryable errors, cancellation or foreign errors', () => {
    for (const error of [
      new BadRequestError({ ...ctx, status: 400 }, 'bad'),
      new ContextLengthError({ ...ctx, status: 400 }, 'long'),
      new CancelledError(),
      new Error('x'),
    ])
      assert.deepEqual(decideRetry({ error, retriesSoFar: 0, maxRetries: 5 }), { retry: false, reason: 'not-retryable' });
  });

  test('x-should-retry overrides the error verdict both ways', () => {
    assert.deepEqual(decideRetry({ error: unavailable(), retriesSoFar: 0, maxRetries: 2, shouldRetryHeader: 'false' }), {
      retry: false,
      reason: 'server-said-no',
    });
    const bad = new BadRequestError({ ...ctx, status: 400 }, 'bad');
    assert.deepEqual(decideRetry({ error: bad, retriesSoFar: 0, maxRetries: 2, shouldRetryHeader: 'true', random: fixed, baseMs: 10 }), {
      retry: true,
      delayMs: 10,
    });
  });

  test('honours Retry-After up to the cap, moves on beyond it', () => {
    const short = new RateLimitedError({ ...ctx, status: 429 }, 'slow down', 1200);
    assert.deepEqual(decideRetry({ error: short, retriesSoFar: 0, maxRetries: 2 }), { retry: true, delayMs: 1200 });
    const long = new RateLimitedError({ ...ctx, status: 429 }, 'slow down', 60_000);
    assert.deepEqual(decideRetry({ error: long, retriesSoFar: 0, maxRetries: 2 }), { retry: false, reason: 'retry-after-too-long' });
    assert.deepEqual(decideRetry({ error: long, retriesSoFar: 0, maxRetries: 2, retryAfterCapMs: 120_000 }), { retry: true, delayMs: 60_000 });
  });

  test('a first-token timeout moves to the next candidate instead of waiting again', () => {
    const t = new TimeoutError(ctx, 'first-token', 100);
    assert.deepEqual(decideRetry({ error: t, retriesSoFar: 0, maxRetries: 2, hasNextCandidate: true }), { retry: false, reason: 'slow-model' });
    assert.equal(decideRetry({ error: t, retriesSoFar: 0, maxRetries: 2, hasNextCandidate: false }).retry, true);
    assert.equal(decideRetry({ error: new TimeoutError(ctx, 'connect', 100), retriesSoFar: 0, maxRetries: 2, hasNextCandidate: true }).retry, true);
  });
});

describe('backoffMs', () => {
  test('doubles, caps at maxDelayMs and jitters down by at most 25 %', () => {
    assert.equal(backoffMs(0, { random: fixed }), 500);
    assert.equal(backoffMs(3, { random: fixed }), 4000);
    assert.equal(backoffMs(10, { random: fixed }), 8000);
    assert.equal(backoffMs(0, { random: () => 0.999999 }), 375);
    assert.equal(backoffMs(1, { baseMs: 1, random: fixed }), 2);
  });
});

test('property: a retry delay is never above the cap nor below 75 % of the backoff step', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 2000 }), fc.double({ min: 0, max: 0.9999999, noNaN: true }), (n, base, r) => {
      const d = decideRetry({ error: unavailable(), retriesSoFar: n, maxRetries: 31, baseMs: base, random: () => r });
      assert.equal(d.retry, true);
      const step = Math.min(base * 2 ** n, 8000);
      assert.ok(d.retry && d.delayMs <= step && d.delayMs >= Math.floor(step * 0.75));
    }),
  );
});

describe('parseRetryAfter', () => {
  test('prefers retry-after-ms, then seconds, then an HTTP date', () => {
    assert.equal(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }), 250);
    assert.equal(parseRetryAfter({ 'retry-after': '2' }), 2000);
    assert.equal(parseRetryAfter({ 'retry-after': '0.5' }), 500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }, now), 3000);
    assert.equal(parseRetryAfter({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }, now), 0);
  });
  test('ignores absent or garbage values', () => {
    assert.equal(parseRetryAfter({}), undefined);
    assert.equal(parseRetryAfter({ 'retry-after': 'soon' }), undefined);
    assert.equal(parseRetryAfter({ 'retry-after-ms': 'x' }), undefined);
    assert.equal(parseRetryAfter({ 'retry-after': '-3' }), undefined);
  });
});

test('x-should-retry travels with its error', () => {
  const e = unavailable();
  assert.equal(shouldRetryHeaderOf(e), undefined);
  attachShouldRetry(e, 'false');
  assert.equal(shouldRetryHeaderOf(e), 'false');
  assert.equal(shouldRetryHeaderOf(unavailable()), undefined);
});
