// The one consumer of a route: exactly one outcome per request, whatever the router does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consumeRoute } from '../../src/core/routing/consumeRoute';
import { keyProblem } from '../../src/core/config/keyValidity';
import { CancelledError, NoKeyError, StreamBrokenError, UnavailableError } from '../../src/core/base/errors';
import type { ChatRequest, DoneEvent, RouteOptions, RouteYield } from '../../src/core/base/types';

const usage = { promptTokens: 1, completionTokens: 2, cachedTokens: 0, reasoningTokens: 0, estimated: false };
const done: DoneEvent = {
  type: 'done',
  requestId: 'r',
  at: 0,
  requested: 'a',
  answeredBy: 'b',
  served: 'b',
  costSource: 'priced',
  endpoint: 'gateway',
  attempts: 2,
  fallback: true,
  usage,
  costUsd: 0.0345,
  msToFirstToken: 1,
  msTotal: 2,
};
const chunk = (text: string): RouteYield => ({
  type: 'chunk',
  text,
  model: 'b',
  chunk: { id: 'c', object: 'chat.completion.chunk', created: 0, model: 'b', choices: [] },
});
const req: ChatRequest = { model: 'a', messages: [{ role: 'user', content: 'hi' }] };
const router = (script: (opts?: RouteOptions) => AsyncGenerator<RouteYield>) => ({ route: (_r: ChatRequest, opts?: RouteOptions) => script(opts) });

test('done: text, served model, cost, decision and attempts; chunks reach onChunk in order', async () => {
  const seen: string[] = [];
  const r = await consumeRoute(
    router(async function* () {
      yield { type: 'decision', requestId: 'r', requested: 'a', candidates: [], notes: [] };
      yield { type: 'attempt', requestId: 'r', index: 0, model: 'a', endpoint: 'gateway', role: 'primary', outcome: 'error', msTotal: 1 };
      yield chunk('he');
      yield chunk('llo');
      yield done;
    }),
    req,
    { onChunk: (c) => void seen.push(c.text) },
  );
  assert.equal(r.outcome, 'done');
  assert.ok(r.outcome === 'done' && r.servedModel === 'b' && r.costUsd === 0.0345);
  assert.equal(r.text, 'hello');
  assert.deepEqual(seen, ['he', 'llo']);
  assert.equal(r.attempts.length, 1);
  assert.ok(r.decision);
});

test('stopped: the caller aborted (the router throws CancelledError), and an already aborted signal never routes', async () => {
  const ac = new AbortController();
  const r = await consumeRoute(
    router(async function* (opts) {
      yield chunk('part');
      ac.abort();
      if (opts?.signal?.aborted) throw new CancelledError();
    }),
    req,
    { signal: ac.signal },
  );
  assert.deepEqual([r.outcome, r.text], ['stopped', 'part']);
  let routed = false;
  const r2 = await consumeRoute({ route: () => ((routed = true), (async function* () {})()) }, req, { signal: ac.signal });
  assert.equal(r2.outcome, 'stopped');
  assert.equal(routed, false, 'no request was started');
});

test("broken: the partial text is the router's when it knows more; failed: any other error, and a route that ends without done", async () => {
  const ctx = { endpoint: 'gateway', model: 'b' };
  const broken = await consumeRoute(
    router(async function* () {
      yield chunk('par');
      throw new StreamBrokenError(ctx, 'partial', new UnavailableError(ctx, 'reset'), 'c');
    }),
    req,
  );
  assert.ok(broken.outcome === 'broken' && broken.servedModel === 'b' && broken.error.continueWith === 'c');
  assert.equal(broken.text, 'partial');
  const failed = await consumeRoute({ route: () => ({ [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new NoKeyError('gateway')) }) }) }, req);
  assert.ok(failed.outcome === 'failed' && failed.error instanceof NoKeyError);
  const unfinished = await consumeRoute(
    router(async function* () {
      yield chunk('half');
    }),
    req,
  );
  assert.ok(unfinished.outcome === 'failed' && /ended before it was complete/.test(String(unfinished.error)));
});

test('Set API Key refuses a key an HTTP header cannot carry, without quoting it', () => {
  assert.equal(keyProblem('sk-plain-ascii-123'), undefined);
  assert.match(keyProblem('sk-“quoted”') ?? '', /only Latin-1/);
  assert.match(keyProblem('sk-a\r\nX-Evil: 1') ?? '', /line break/);
  assert.doesNotMatch(keyProblem('sk-“quoted”') ?? '', /quoted/);
});
