// HealthTracker: the per-model circuit breaker (opens after N failures, one probe after the cooldown, closes on success).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthTracker, breakerKey } from '../../src/core/routing/health';
import type { BreakerEvent } from '../../src/core/base/types';

function setup(threshold = 3, cooldownMs = 1000) {
  let now = 10_000;
  const events: BreakerEvent[] = [];
  const h = new HealthTracker({ failureThreshold: threshold, cooldownMs, now: () => now, onChange: (e) => events.push(e) });
  return { h, events, advance: (ms: number) => (now += ms), now: () => now };
}

describe('HealthTracker', () => {
  test('opens after N consecutive failures, not before', () => {
    const { h, events } = setup(3);
    const k = breakerKey('gateway', 'a');
    h.failure(k);
    h.failure(k);
    assert.equal(h.acquire(k), 'pass');
    h.failure(k);
    assert.equal(h.acquire(k), 'denied');
    assert.equal(h.isOpen(k), true);
    assert.deepEqual(events, [{ type: 'breaker', key: k, state: 'open', until: 11_000 }]);
  });

  test('a success resets the count of consecutive failures', () => {
    const { h } = setup(2);
    h.failure('k');
    h.success('k');
    h.failure('k');
    assert.equal(h.acquire('k'), 'pass');
  });

  test('after the cooldown one probe goes through; its success closes the breaker', () => {
    const { h, events, advance } = setup(1, 1000);
    h.failure('k');
    advance(999);
    assert.equal(h.acquire('k'), 'denied');
    advance(1);
    assert.equal(h.isOpen('k'), false);
    assert.equal(h.acquire('k'), 'probe');
    assert.equal(h.acquire('k'), 'denied', 'only one probe at a time');
    h.success('k');
    assert.equal(h.acquire('k'), 'pass');
    assert.deepEqual(
      events.map((e) => e.state),
      ['open', 'half-open', 'closed'],
    );
  });

  test('a failed probe re-opens for another cooldown', () => {
    const { h, advance, now } = setup(1, 1000);
    h.failure('k');
    advance(1000);
    assert.equal(h.acquire('k'), 'probe');
    h.failure('k');
    assert.equal(h.acquire('k'), 'denied');
    assert.equal(h.openUntil('k'), now() + 1000);
  });

  test('a released probe frees the slot without changing state', () => {
    const { h, advance } = setup(1, 1000);
    h.failure('k');
    advance(1000);
    assert.equal(h.acquire('k'), 'probe');
    h.release('k');
    assert.equal(h.acquire('k'), 'probe');
  });

  test('force lets a request through an open breaker as its probe', () => {
    const { h } = setup(1, 1000);
    h.failure('k');
    h.force('k');
    assert.equal(h.list()[0].state, 'half-open');
    h.success('k');
    assert.equal(h.list()[0].state, 'closed');
  });

  test('list reports endpoint, model, state and until', () => {
    const { h } = setup(1, 500);
    h.failure(breakerKey('openai', 'openai/gpt-4.1'));
    assert.deepEqual(h.list(), [
      { key: 'openai|openai/gpt-4.1', endpoint: 'openai', model: 'openai/gpt-4.1', state: 'open', consecutiveFailures: 1, until: 10_500 },
    ]);
  });
});
