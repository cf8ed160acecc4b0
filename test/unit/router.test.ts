// The router over the simulator: the happy path, failover before the first token, faults after it, fallback chains.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSim, type Sim } from '../sim/server';
import { Router, type RouterOptions } from '../../src/core/routing/router';
import { Catalog } from '../../src/core/catalog/catalog';
import { parseConfig } from '../../src/core/config/settings';
import { AllCandidatesFailedError, BudgetError, CancelledError, NoKeyError, StreamBrokenError } from '../../src/core/base/errors';
import type { AttemptEvent, BudgetStatus, ChatRequest, DoneEvent, ModelInfo, RouteYield, RoutingEvent } from '../../src/core/base/types';

const KEY = 'sk-router-secret';
let sim: Sim;
before(async () => (sim = await startSim({ key: KEY })));
after(() => sim.close());
beforeEach(() => sim.reset());

const model = (id: string, contextWindow: number, perM = 1): ModelInfo => ({
  id,
  provider: id.slice(0, id.indexOf('/')),
  pricing: { input: perM * 1e-6, output: 2 * perM * 1e-6 },
  contextWindow,
  tags: [],
  source: 'builtin',
});

function makeRouter(settings: Record<string, unknown>, extra: Partial<RouterOptions> = {}) {
  const { config, problems } = parseConfig({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url, 'timeouts.firstTokenMs': 2000, retries: 0, ...settings });
  assert.deepEqual(problems, []);
  const router = new Router({
    config,
    keys: async (name) => (name === 'switchboard.apiKey' || name === 'switchboard.providerKey.sim' ? KEY : undefined),
    catalog: new Catalog({ extraModels: [model('sim/echo', 50), model('sim/slow?firstTokenMs=1000', 1000), model('other/big', 1000)] }),
    retryBaseMs: 1,
    refreshCatalog: false,
    ...extra,
  });
  const events: RoutingEvent[] = [];
  router.onEvent((e) => events.push(e));
  return { router, events, config };
}

const ask = (m: string, content = 'one two three'): ChatRequest => ({ model: m, messages: [{ role: 'user', content }] });

async function run(router: Router, req: ChatRequest, opts: Parameters<Router['route']>[1] = {}) {
  const yields: RouteYield[] = [];
  let error: unknown;
  try {
    for await (const y of router.route(req, opts)) yields.push(y);
  } catch (e) {
    error = e;
  }
  const attempts = yields.filter((y): y is AttemptEvent => y.type === 'attempt');
  const text = yields.map((y) => (y.type === 'chunk' ? y.text : '')).join('');
  const done = yields.find((y): y is DoneEvent => y.type === 'done');
  const chunkModels = new Set(yields.flatMap((y) => (y.type === 'chunk' ? [y.model] : [])));
  return { yields, attempts, text, done, error, chunkModels, summary: attempts.map((a) => `${a.model}:${a.outcome}${a.status ? ':' + a.status : ''}`) };
}

async function waitFor(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('the happy path', () => {
  test('decision first, chunks, one ok attempt, done last; events mirror the yields; exact usage and cost', async () => {
    const { router, events } = makeRouter({});
    const r = await run(router, ask('sim/echo'));
    assert.equal(r.error, undefined);
    assert.equal(r.yields[0].type, 'decision');
    assert.equal(r.yields.at(-1)?.type, 'done');
    assert.equal(r.text, 'one two three');
    assert.deepEqual(r.summary, ['sim/echo:ok']);
    assert.deepEqual(r.done?.usage, { promptTokens: 3, completionTokens: 3, cachedTokens: 0, reasoningTokens: 0, estimated: false });
    assert.equal(r.done?.costUsd, 3 * 1e-6 + 3 * 2e-6);
    assert.equal(r.done?.fallback, false);
    assert.ok((r.done?.msToFirstToken ?? -1) >= 0 && r.done!.msToFirstToken <= r.done!.msTotal);
    assert.deepEqual(
      events.map((e) => e.type),
      r.yields.filter((y) => y.type !== 'chunk').map((y) => y.type),
    );
    assert.ok(!JSON.stringify(events).includes(KEY));
  });
});

describe('faults before the first token fail over transparently', () => {
  test('503 is retried `retries` times, then the fallback answers', async () => {
    const { router } = makeRouter({ retries: 2, fallbacks: { '*': ['sim/echo'] } });
    const r = await run(router, ask('sim/fail?status=503'));
    assert.equal(r.error, undefined);
    assert.deepEqual(r.summary, ['sim/fail?status=503:error:503', 'sim/fail?status=503:error:503', 'sim/fail?status=503:error:503', 'sim/echo:ok']);
    assert.deepEqual([...r.chunkModels], ['sim/echo']);
    assert.equal(r.done?.fallback, true);
    assert.equal(r.done?.attempts, 4);
    assert.equal(sim.stats().requests, 4);
  });

  test('429 with a short Retry-After waits that long, then retries', async () => {
    const { router } = makeRouter({ retries: 1, fallbacks: { '*': ['sim/echo'] } });
    const t0 = performance.now();
    const r = await run(router, ask('sim/fail?status=429&retryAfter=1'));
    assert.deepEqual(r.summary, ['sim/fail?status=429&retryAfter=1:error:429', 'sim/fail?status=429&retryAfter=1:error:429', 'sim/echo:ok']);
    assert.ok(performance.now() - t0 >= 950, 'waited for Retry-After');
  });

  test('429 with a Retry-After beyond the cap moves to the next candidate at once', async () => {
    const { router } = makeRouter({ retries: 2, fallbacks: { '*': ['sim/echo'] } });
    const t0 = performance.now();
    const r = await run(router, ask('sim/fail?status=429&retryAfter=60'));
    assert.deepEqual(r.summary, ['sim/fail?status=429&retryAfter=60:error:429', 'sim/echo:ok']);
    assert.ok(performance.now() - t0 < 1000);
  });

  test('a reset before the first byte fails over', async () => {
    const { router } = makeRouter({ fallbacks: { '*': ['sim/echo'] } });
    const r = await run(router, ask('sim/reset?after=0'));
    assert.equal(r.error, undefined);
    assert.equal(r.attempts[0].errorCode, 'connection');
    assert.deepEqual([...r.chunkModels], ['sim/echo']);
  });

  test('a hang times out on the first token and fails over without waiting again; the socket is closed', async () => {
    const { router } = makeRouter({ retries: 2, 'timeouts.firstTokenMs': 100, fallbacks: { '*': ['sim/echo'] } });
    const r = await run(router, ask('sim/hang'));
    assert.equal(r.error, undefined);
    assert.deepEqual(r.summary, ['sim/hang:timeout', 'sim/echo:ok']);
    await waitFor(() => sim.stats().aborted === 1 && sim.stats().inFlight === 0, 'the simulator to see the disconnect');
  });

  test('malformed SSE before the first token is retried, then fails over', async () => {
    const { router } = makeRouter({ retries: 1, fallbacks: { '*': ['sim/echo'] } });
    const r = await run(router, ask('sim/malformed?after=0'));
    assert.deepEqual(r.summary, ['sim/malformed?after=0:error', 'sim/malformed?after=0:error', 'sim/echo:ok']);
    assert.equal(r.attempts[0].errorCode, 'malformed');
  });

  test('a non-retryable error is not retried but still falls back', async () => {
    const { router } = makeRouter({ retries: 3, fallbacks: { '*': ['sim/echo'] } });
    const r = await run(router, ask('sim/fail?status=400'));
    assert.deepEqual(r.summary, ['sim/fail?status=400:error:400', 'sim/echo:ok']);
    assert.equal(sim.stats().requests, 2);
  });

  test('a rejected key is not retried, and other candidates on the same endpoint are not tried with it', async () => {
    const { router } = makeRouter({ retries: 3, fallbacks: { '*': ['sim/echo', 'other/big'] } }, { keys: async () => 'sk-wrong' });
    const r = await run(router, ask('sim/echo'));
    assert.ok(r.error instanceof AllCandidatesFailedError);
    assert.deepEqual(r.summary, ['sim/echo:error:401']);
    assert.match(r.error.message, /rejected the API key/);
    assert.ok(!r.error.message.includes('sk-wrong'));
  });
});

describe('faults after the first token', () => {
  test('a reset mid-stream keeps the partial text and names the fallback that can continue; never a second answer', async () => {
    const { router, events } = makeRouter({ retries: 2, fallbacks: { '*': ['sim/echo'] } });
    const r = await run(router, ask('sim/reset?after=3&tokens=10'));
    assert.ok(r.error instanceof StreamBrokenError, String(r.error));
    assert.equal(r.error.partialText, r.text);
    assert.equal(r.text.split(' ').length, 3);
    assert.equal(r.error.continueWith, 'sim/echo');
    assert.match(r.error.message, /continue with sim\/echo/);
    assert.deepEqual([...r.chunkModels], ['sim/reset?after=3&tokens=10']);
    assert.deepEqual(r.summary, ['sim/reset?after=3&tokens=10:broken-after-tokens']);
    assert.equal(r.attempts[0].usage?.estimated, true);
    assert.equal(sim.stats().requests, 1, 'no retry, no fallback after tokens were shown');
    const err = events.find((e) => e.type === 'error');
    assert.equal(err?.type === 'error' && err.partialText, r.text);
  });

  test('malformed SSE after tokens is a broken stream too', async () => {
    const { router } = makeRouter({ fallbacks: { '*': ['sim/echo'] } });
    const r = await run(router, ask('sim/malformed?after=2'));
    assert.ok(r.error instanceof StreamBrokenError);
    assert.equal(r.error.cause.code, 'malformed');
  });
});

describe('fallback chains', () => {
  test('a model\'s own chain is followed in order and wins over "*"', async () => {
    const { router } = makeRouter({
      fallbacks: { 'sim/fail?status=500': ['sim/fail?status=502', 'sim/reset?after=0', 'other/big', 'sim/echo'], '*': ['sim/echo'] },
    });
    const r = await run(router, ask('sim/fail?status=500'));
    assert.deepEqual(r.summary, ['sim/fail?status=500:error:500', 'sim/fail?status=502:error:502', 'sim/reset?after=0:error', 'other/big:ok']);
    assert.deepEqual(
      r.attempts.map((a) => a.role),
      ['primary', 'fallback', 'fallback', 'fallback'],
    );
    const decision = r.yields[0];
    assert.ok(decision.type === 'decision');
    assert.deepEqual(
      decision.candidates.map((c) => c.model),
      ['sim/fail?status=500', 'sim/fail?status=502', 'sim/reset?after=0', 'other/big', 'sim/echo'],
    );
  });

  test('the "*" chain applies to a model without its own; aliases resolve on both sides', async () => {
    const { router } = makeRouter({ aliases: { broken: 'sim/fail?status=503', good: 'other/big' }, fallbacks: { '*': ['good'] } });
    const r = await run(router, ask('broken'));
    assert.deepEqual(r.summary, ['sim/fail?status=503:error:503', 'other/big:ok']);
    assert.equal(r.done?.requested, 'broken');
    assert.equal(r.done?.answeredBy, 'other/big');
  });

  test('a context-length error skips candidates whose window is not larger', async () => {
    const { router } = makeRouter(
      { fallbacks: { '*': ['sim/echo', 'other/big'] } },
      { catalog: new Catalog({ extraModels: [model('sim/context?max=2', 100), model('sim/echo', 50), model('other/big', 1000)] }) },
    );
    const r = await run(router, ask('sim/context?max=2'));
    assert.deepEqual(r.summary, ['sim/context?max=2:error:400', 'other/big:ok']);
    assert.equal(r.attempts[0].errorCode, 'context-length');
    assert.equal(r.attempts[1].role, 'context-fallback');
  });

  test('when every candidate fails, the error lists every attempt', async () => {
    const { router } = makeRouter({ fallbacks: { '*': ['sim/fail?status=502'] } });
    const r = await run(router, ask('sim/fail?status=503'));
    assert.ok(r.error instanceof AllCandidatesFailedError);
    assert.deepEqual(
      r.error.attempts.map((a) => [a.model, a.status]),
      [
        ['sim/fail?status=503', 503],
        ['sim/fail?status=502', 502],
      ],
    );
    assert.match(r.error.message, /sim\/fail\?status=503: 503 — [^\n]*\n {2}sim\/fail\?status=502: 502 — /);
  });
});

describe('circuit breaker', () => {
  async function deadUrl(): Promise<string> {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    return `http://127.0.0.1:${port}/v1`;
  }

  test('open → skipped → half-open probe (fails: re-opens; succeeds: closes)', async () => {
    let clock = 1_000_000;
    const dead = await deadUrl();
    const settings = { fallbacks: { '*': ['other/big'] }, providers: { sim: { baseUrl: dead } } };
    const { router, events } = makeRouter(settings, { now: () => clock, breaker: { failureThreshold: 2, cooldownMs: 1000 } });
    const breakerEvents = () => events.filter((e) => e.type === 'breaker').map((e) => (e.type === 'breaker' ? e.state : ''));

    for (let i = 0; i < 2; i++) assert.deepEqual((await run(router, ask('sim/echo'))).summary, ['sim/echo:error', 'other/big:ok']);
    assert.deepEqual(breakerEvents(), ['open']);
    assert.equal(router.breakers().find((b) => b.key === 'sim|sim/echo')?.state, 'open');

    sim.reset();
    const skipped = await run(router, ask('sim/echo'));
    assert.deepEqual(skipped.summary, ['sim/echo:skipped-breaker-open', 'other/big:ok']);
    assert.equal(skipped.attempts[0].msTotal, 0);
    const decision = skipped.yields[0];
    assert.ok(decision.type === 'decision' && decision.notes.some((n) => /breaker open/.test(n)));

    clock += 1000; // cooldown over: one probe, which fails → open again
    assert.deepEqual((await run(router, ask('sim/echo'))).summary, ['sim/echo:error', 'other/big:ok']);
    assert.deepEqual(breakerEvents(), ['open', 'half-open', 'open']);
    assert.deepEqual((await run(router, ask('sim/echo'))).summary, ['sim/echo:skipped-breaker-open', 'other/big:ok']);

    clock += 1000;
    router.updateConfig(
      parseConfig({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url, retries: 0, ...settings, providers: { sim: { baseUrl: sim.url } } }).config,
    );
    const probe = await run(router, ask('sim/echo'));
    assert.deepEqual(probe.summary, ['sim/echo:ok']);
    assert.equal(probe.attempts[0].endpoint, 'sim', 'direct provider endpoint');
    assert.deepEqual(breakerEvents(), ['open', 'half-open', 'open', 'half-open', 'closed']);
    assert.equal(router.breakers().find((b) => b.key === 'sim|sim/echo')?.state, 'closed');
  });

  test('when every candidate is open, the one whose cooldown ends first is tried', async () => {
    let clock = 0;
    const { router } = makeRouter({ fallbacks: { '*': ['sim/fail?status=502'] } }, { now: () => clock, breaker: { failureThreshold: 1, cooldownMs: 1000 } });
    await run(router, ask('sim/fail?status=503')); // opens both: 503 until 1000, 502 until 1000
    clock = 500;
    await run(router, ask('sim/fail?status=502')); // 502 was open → forced probe → fails → open until 1500
    sim.reset();
    const r = await run(router, ask('sim/fail?status=503'));
    assert.deepEqual(r.summary, ['sim/fail?status=503:error:503', 'sim/fail?status=502:skipped-breaker-open']);
    const decision = r.yields[0];
    assert.ok(decision.type === 'decision' && decision.notes.some((n) => /cooldown ends first/.test(n)));
    assert.equal(sim.stats().requests, 1);
  });
});

describe('hedging', () => {
  test('a slow primary is hedged; the first token wins, the loser is aborted and both are recorded', async () => {
    const { router } = makeRouter({ hedgeAfterMs: 50, fallbacks: { '*': ['sim/echo'] } });
    const r = await run(router, ask('sim/slow?firstTokenMs=1000'));
    assert.equal(r.error, undefined);
    assert.deepEqual(r.summary, ['sim/slow?firstTokenMs=1000:hedge-lost', 'sim/echo:ok']);
    const [lost, won] = r.attempts;
    assert.equal(won.role, 'hedge');
    assert.equal(lost.usage?.estimated, true);
    assert.ok((lost.costUsd ?? 0) > 0, 'the loser has a cost');
    assert.deepEqual([...r.chunkModels], ['sim/echo']);
    await waitFor(() => sim.stats().aborted === 1 && sim.stats().inFlight === 0, 'the loser to be disconnected');
  });

  test('the primary keeps the answer when it produces the first token first', async () => {
    const { router } = makeRouter({ hedgeAfterMs: 30, fallbacks: { '*': ['sim/slow?firstTokenMs=1000'] } });
    const r = await run(router, ask('sim/slow?firstTokenMs=150'));
    assert.deepEqual(r.summary, ['sim/slow?firstTokenMs=1000:hedge-lost', 'sim/slow?firstTokenMs=150:ok']);
    assert.equal(r.attempts[1].role, 'primary');
    await waitFor(() => sim.stats().aborted === 1 && sim.stats().inFlight === 0, 'the hedge to be disconnected');
  });
});

describe('cancellation', () => {
  test('aborting mid-stream throws CancelledError and closes the upstream socket', async () => {
    const { router, events } = makeRouter({});
    const ctrl = new AbortController();
    let chunks = 0;
    await assert.rejects(async () => {
      for await (const y of router.route(ask('sim/lorem?tokens=1000&chunkMs=5'), { signal: ctrl.signal }))
        if (y.type === 'chunk' && ++chunks === 3) ctrl.abort();
    }, CancelledError);
    await waitFor(() => sim.stats().aborted === 1 && sim.stats().inFlight === 0, 'the simulator to see the disconnect');
    const attempts = events.filter((e): e is AttemptEvent => e.type === 'attempt');
    assert.deepEqual(
      attempts.map((a) => a.outcome),
      ['cancelled'],
    );
    assert.equal(attempts[0].usage?.estimated, true, 'what was streamed is still accounted for');
  });

  test('dispose() aborts requests in flight', async () => {
    const { router } = makeRouter({});
    let first = true;
    await assert.rejects(async () => {
      for await (const y of router.route(ask('sim/lorem?tokens=1000&chunkMs=5')))
        if (y.type === 'chunk' && y.text && first) {
          first = false;
          router.dispose();
        }
    }, CancelledError);
    await waitFor(() => sim.stats().aborted === 1 && sim.stats().inFlight === 0, 'the simulator to see the disconnect');
    await assert.rejects(async () => {
      for await (const _ of router.route(ask('sim/echo'))) void _;
    }, CancelledError);
  });

  test('leaving the loop early aborts the upstream request and records the attempt', async () => {
    const { router, events } = makeRouter({});
    for await (const y of router.route(ask('sim/lorem?tokens=1000&chunkMs=5'))) if (y.type === 'chunk' && y.text) break;
    await waitFor(() => sim.stats().aborted === 1 && sim.stats().inFlight === 0, 'the simulator to see the disconnect');
    assert.deepEqual(
      events.filter((e) => e.type === 'attempt').map((e) => (e.type === 'attempt' ? e.outcome : '')),
      ['cancelled'],
    );
  });

  test('cancelling while waiting for the first token closes the socket at once', async () => {
    const { router } = makeRouter({ fallbacks: { '*': ['sim/echo'] } });
    const ctrl = new AbortController();
    const p = run(router, ask('sim/hang'), { signal: ctrl.signal });
    await waitFor(() => sim.stats().inFlight === 1, 'the request to arrive');
    ctrl.abort();
    const r = await p;
    assert.ok(r.error instanceof CancelledError);
    await waitFor(() => sim.stats().aborted === 1 && sim.stats().inFlight === 0, 'the simulator to see the disconnect');
    assert.equal(sim.stats().requests, 1, 'no fallback after a cancel');
  });

  test('cancelling during a retry backoff stops at once', async () => {
    const { router } = makeRouter({ retries: 3 }, { retryBaseMs: 5000 });
    const ctrl = new AbortController();
    const t0 = performance.now();
    const p = run(router, ask('sim/fail?status=503'), { signal: ctrl.signal });
    await waitFor(() => sim.stats().requests === 1, 'the first attempt');
    ctrl.abort();
    const r = await p;
    assert.ok(r.error instanceof CancelledError);
    assert.ok(performance.now() - t0 < 2000);
  });
});

describe('budget, keys, usage', () => {
  test('a blocked budget throws BudgetError naming the setting, without calling anyone', async () => {
    const budget = (): BudgetStatus => ({ monthSpentUsd: 12, todaySpentUsd: 1, limitUsd: 10, fraction: 1.2, action: 'block' });
    const { router } = makeRouter({}, { budget });
    const r = await run(router, ask('sim/echo'));
    assert.ok(r.error instanceof BudgetError);
    assert.match(r.error.message, /switchboard\.budget\.monthlyUsd/);
    assert.equal(sim.stats().requests, 0);
  });

  test('no key for a remote gateway → NoKeyError that says how to set one', async () => {
    const { config } = parseConfig({});
    const router = new Router({ config, keys: async () => undefined, catalog: new Catalog(), refreshCatalog: false });
    const r = await run(router, ask('openai/gpt-4.1'));
    assert.ok(r.error instanceof NoKeyError);
    assert.match(r.error.message, /Set API Key/);
    assert.match(r.error.message, /the gateway https:\/\/api\.select\.ax\/v1/, 'names where the key would go');
  });

  test('smart-select uses the injected selector and reports it in decision and done', async () => {
    const { router } = makeRouter({}, { select: () => ({ tier: 'fast', model: 'sim/echo', confidence: 0.8, reasons: ['short'] }) });
    const r = await run(router, ask('smart-select'));
    assert.equal(r.done?.answeredBy, 'sim/echo');
    assert.equal(r.done?.selection?.tier, 'fast');
    const d = r.yields[0];
    assert.ok(d.type === 'decision' && d.selection?.reasons[0] === 'short');
  });

  test('without upstream usage the tokens are estimated (injectable estimator)', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const c = (content: string, finish: string | null) =>
        `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
      res.end(c('hello', null) + c(' world', 'stop') + 'data: [DONE]\n\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      const { config } = parseConfig({ 'gateway.preset': 'custom', 'gateway.baseUrl': url });
      const router = new Router({ config, keys: async () => KEY, catalog: new Catalog(), refreshCatalog: false, estimateTokens: (t) => t.length });
      const r = await run(router, ask('openai/gpt-4.1', 'abc'));
      assert.equal(r.text, 'hello world');
      assert.deepEqual(r.done?.usage, { promptTokens: 3 /* 'abc' */, completionTokens: 11, cachedTokens: 0, reasoningTokens: 0, estimated: true });
      assert.ok((r.done?.costUsd ?? 0) > 0, 'priced from the built-in catalog');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test('nonStreaming still yields chunks', async () => {
    const { router } = makeRouter({});
    const r = await run(router, ask('sim/echo'), { nonStreaming: true });
    assert.equal(r.text, 'one two three');
    assert.equal(r.done?.usage.completionTokens, 3);
  });
});
