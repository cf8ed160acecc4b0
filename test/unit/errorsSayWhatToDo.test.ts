// Issue 25 item 2: "Every candidate failed" says what happened once per model (retries counted) and what to do
// (add a fallback); a key problem never speaks of "another" key when none was sent.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AllCandidatesFailedError, attemptLines, errorFromStatus, type AttemptSummary } from '../../src/core/base/errors';
import { createChunkParser } from '../../src/core/net/sse';

const fail503 = (model: string): AttemptSummary => ({
  model,
  endpoint: 'gateway',
  outcome: 'error',
  status: 503,
  message: `${model} at gateway is unavailable (HTTP 503): Simulated failure.`,
});

describe('every candidate failed: one line per model', () => {
  test('three retries of one model are one line "sim/fail: 503 ×3", the model named once', () => {
    const lines = attemptLines([fail503('sim/fail'), fail503('sim/fail'), fail503('sim/fail')]);
    assert.deepEqual(lines, ['sim/fail: 503 ×3 — unavailable (HTTP 503): Simulated failure.']);
  });

  test('different models keep their order; different failures of one model are counted apart; a direct provider is named', () => {
    const lines = attemptLines([
      fail503('a'),
      { model: 'a', endpoint: 'gateway', outcome: 'error', code: 'malformed', message: 'a at gateway sent a malformed stream (x).' },
      fail503('a'),
      { model: 'b', endpoint: 'deepseek', outcome: 'error', code: 'timeout', message: 'b at deepseek: no first token within 10 ms.' },
    ]);
    assert.deepEqual(lines, ['a: 503 ×2, malformed — unavailable (HTTP 503): Simulated failure.', 'b (deepseek): timeout — no first token within 10 ms.']);
  });

  test('a model without fallbacks gets the hint to add one; a chain that was tried does not', () => {
    const alone = new AllCandidatesFailedError([fail503('sim/fail'), fail503('sim/fail')]);
    assert.equal(alone.withoutFallback, 'sim/fail');
    assert.match(alone.message, /No fallback is set for sim\/fail: add one to "switchboard\.fallbacks" \(in VS Code: "Switchboard: Add Fallback…"\)/);
    assert.equal(alone.message.split('\n').filter((l) => l.includes('503')).length, 1, alone.message);
    const chain = new AllCandidatesFailedError([fail503('a'), fail503('b')]);
    assert.equal(chain.withoutFallback, undefined);
    assert.doesNotMatch(chain.message, /No fallback/);
  });

  test('an endpoint that cannot be reached gets no fallback hint (a fallback on it would fail alike)', () => {
    const refused = new AllCandidatesFailedError([
      { model: 'm', endpoint: 'gateway', outcome: 'error', code: 'connection', message: '127.0.0.1:9 refused the connection (ECONNREFUSED).' },
    ]);
    assert.equal(refused.withoutFallback, undefined);
    assert.doesNotMatch(refused.message, /No fallback/);
  });

  test('a key refused everywhere is a key problem, not a fallback problem', () => {
    const refused = new AllCandidatesFailedError([
      { model: 'm', endpoint: 'gateway', outcome: 'error', status: 401, message: 'gateway rejected the API key (HTTP 401).' },
    ]);
    assert.equal(refused.keyRefused, true);
    assert.equal(refused.withoutFallback, undefined);
  });
});

describe('a refused key says what to do', () => {
  test('a keyless request answered 401 asks for a key and never says "another"', () => {
    const err = errorFromStatus({ endpoint: 'gateway', model: 'm', status: 401, keySent: false }, 'Missing API key');
    assert.match(err.message, /none is set/);
    assert.match(err.message, /Set API Key/);
    assert.match(err.message, /Choose Gateway/);
    assert.doesNotMatch(err.message, /another key|store another/);
  });

  test('a key that was sent and refused (401, 403) offers to replace it or choose the gateway it belongs to', () => {
    for (const status of [401, 403]) {
      const err = errorFromStatus({ endpoint: 'gateway', model: 'm', status, keySent: true }, undefined);
      assert.match(err.message, new RegExp(`rejected the API key \\(HTTP ${status}\\)`));
      assert.match(err.message, /Set API Key" to replace it/);
      assert.match(err.message, /Choose Gateway/);
    }
  });
});

describe('a raw upstream body in an error', () => {
  test('an unparsable event is quoted shortened and as text, not as escaped JSON', () => {
    let detail = '';
    const parser = createChunkParser({ chunk: () => undefined, done: () => undefined, malformed: (d) => (detail = d), upstreamError: () => undefined });
    parser.feed(`data: {"id":"chatcmpl-1","object":"chat.completion.chunk",${'"x":1,'.repeat(100)}\n\n`);
    assert.match(detail, /^unparsable event data: \{"id":"chatcmpl-1","object"/);
    assert.doesNotMatch(detail, /\\"/, 'no escaped quotes');
    assert.ok(detail.length < 100, `shortened (${detail.length} characters)`);
  });

  test('control characters in an unparsable event (a terminal escape) never reach the message', () => {
    let detail = '';
    const parser = createChunkParser({ chunk: () => undefined, done: () => undefined, malformed: (d) => (detail = d), upstreamError: () => undefined });
    parser.feed('data: not json \u001b]0;pwned\u0007\u001b[2J\u0000\u009b31m tail\n\n');
    assert.equal(detail, 'unparsable event data: not json ]0;pwned[2J31m tail');
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(detail, /[\u0000-\u001f\u007f-\u009f]/);
  });
});
