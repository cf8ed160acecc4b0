// Routing log lines, one per event, and that they are redacted.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatEvent } from '../../src/core/routing/eventLog';
import { redact } from '../../src/core/base/redact';

describe('routing log lines', () => {
  test('an attempt line names the model, endpoint, outcome, status and timings', () => {
    const line = formatEvent({
      type: 'attempt',
      requestId: 'r1',
      index: 0,
      model: 'sim/fail?status=503',
      endpoint: 'gateway',
      role: 'primary',
      outcome: 'error',
      status: 503,
      msTotal: 12.4,
      message: 'unavailable',
    });
    assert.equal(line, '[r1] attempt 1 sim/fail?status=503@gateway error 503 total 12 ms — unavailable');
  });

  test('a done line says when a fallback answered, with tokens and cost', () => {
    const line = formatEvent({
      type: 'done',
      requestId: 'r2',
      at: 0,
      requested: 'sim/fail?status=503',
      answeredBy: 'sim/echo',
      served: 'sim/echo',
      costSource: 'estimated',
      endpoint: 'gateway',
      attempts: 2,
      fallback: true,
      usage: { promptTokens: 3, completionTokens: 4, cachedTokens: 0, reasoningTokens: 0, estimated: true },
      costUsd: 0.000012,
      msToFirstToken: 5,
      msTotal: 9,
    });
    assert.match(line, /done sim\/echo \(fallback from sim\/fail\?status=503\) after 2 attempt\(s\): 3\+4 tok \(est\.\), \$0\.000012/);
  });

  test("a decision line shows smart-select's tier, model and reasons, and the candidate chain", () => {
    const line = formatEvent({
      type: 'decision',
      requestId: 'r3',
      requested: 'smart-select',
      notes: ['breaker open: x'],
      selection: { tier: 'reasoning', model: 'openai/o3', confidence: 0.9, reasons: ['asks for a proof'] },
      candidates: [
        { model: 'openai/o3', endpoint: 'gateway', role: 'primary' },
        { model: 'openai/gpt-4.1', endpoint: 'gateway', role: 'fallback' },
      ],
    });
    assert.match(line, /smart-select → reasoning\/openai\/o3 \(asks for a proof; confidence 0\.90\)/);
    assert.match(line, /openai\/o3@gateway → openai\/gpt-4\.1@gateway \(fallback\) \[breaker open: x\]/);
  });
});

describe('redact', () => {
  test('removes known keys anywhere, and key- or bearer-shaped text', () => {
    const out = redact('key=my-own-secret-value auth: Bearer abcdefghijklmnop sk-proj-1234567890abc', ['my-own-secret-value']);
    assert.ok(!out.includes('my-own-secret-value'));
    assert.ok(!out.includes('abcdefghijklmnop'));
    assert.ok(!out.includes('sk-proj-1234567890abc'));
    assert.equal((out.match(/‹redacted›/g) ?? []).length, 3);
  });

  test('leaves ordinary text alone', () => {
    assert.equal(redact('sim/echo answered in 12 ms', ['unrelated-key-xyz']), 'sim/echo answered in 12 ms');
  });
});
