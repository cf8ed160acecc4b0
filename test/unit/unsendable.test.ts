// A request that cannot be sent (issue 11, finding 4) is a clear, non-retryable error found before any breaker is
// asked, and never leaves a half-open probe taken: the next request to that model is still admitted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type Sim } from '../sim/server';
import { Attempt } from '../../src/core/routing/attempt';
import { Attempts } from '../../src/core/routing/attempts';
import { BreakerLease } from '../../src/core/routing/breakerLease';
import { Catalog } from '../../src/core/catalog/catalog';
import { parseConfig } from '../../src/core/config/settings';
import { createCore } from '../../src/core/createCore';
import { hasErrorCode } from '../../src/core/base/errors';
import { HealthTracker } from '../../src/core/routing/health';
import { Router } from '../../src/core/routing/router';
import type { AttemptEvent, ChatRequest, RoutingEvent } from '../../src/core/base/types';
import { startLocalGateway } from '../../src/gateway/server';
import type { PlannedCandidate } from '../../src/core/routing/candidates';

const KEY = 'sk-unsendable-secret';
let sim: Sim;
before(async () => (sim = await startSim({ key: KEY })));
after(() => sim.close());

const deep = (n: number): unknown => JSON.parse('['.repeat(n) + '"x"' + ']'.repeat(n));
const ask = (model: string, content: unknown = 'one two'): ChatRequest => ({ model, messages: [{ role: 'user', content: content as string }] });

/** A router with a clock the test moves, a breaker that opens after one failure, and a key the test can change. */
function setup(settings: Record<string, unknown> = {}) {
  let clock = 1_000_000;
  let key = KEY;
  const { config } = parseConfig({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url, retries: 0, 'timeouts.firstTokenMs': 2000, ...settings });
  const router = new Router({
    config,
    userSetBaseUrl: true,
    keys: async () => key,
    catalog: new Catalog(),
    refreshCatalog: false,
    now: () => clock,
    breaker: { failureThreshold: 1, cooldownMs: 1000 },
  });
  const events: RoutingEvent[] = [];
  router.onEvent((e) => events.push(e));
  return {
    router,
    events,
    advance: (ms: number) => (clock += ms),
    setKey: (k: string) => (key = k),
    async run(req: ChatRequest) {
      const attempts: AttemptEvent[] = [];
      try {
        for await (const y of router.route(req)) if (y.type === 'attempt') attempts.push(y);
        return { attempts, error: undefined };
      } catch (error) {
        return { attempts, error };
      }
    },
  };
}

describe('a request that cannot be sent', () => {
  test('a key with a character outside Latin-1 is an invalid-request error, the key is not quoted, and the half-open probe is not kept', async () => {
    // A fallback, so the primary is not forced through as "the candidate whose cooldown ends first".
    const s = setup({ fallbacks: { '*': ['sim/echo'] } });
    const model = 'sim/fail?status=503';
    assert.deepEqual(
      (await s.run(ask(model))).attempts.map((a) => a.outcome),
      ['error', 'ok'],
    ); // opens the breaker
    s.advance(1500); // cooldown over: the next request gets the half-open probe
    s.setKey('sk-“curly”-key');
    const bad = await s.run(ask(model));
    assert.ok(hasErrorCode(bad.error, 'invalid-request'), String(bad.error));
    assert.match((bad.error as Error).message, /API key for gateway .*only Latin-1.*Set API Key/);
    assert.doesNotMatch((bad.error as Error).message, /curly/);
    assert.ok(!s.events.some((e) => e.type === 'error' && e.code === 'internal'));
    s.setKey(KEY);
    const next = await s.run(ask(model));
    assert.deepEqual(
      next.attempts.map((a) => `${a.model}:${a.outcome}`),
      [`${model}:error`, 'sim/echo:ok'],
      'the probe went out: the breaker was not left half-open with its probe taken',
    );
    s.router.dispose();
  });

  test('a CR/LF in a model id that becomes a header (Portkey provider header) names the header and the model', async () => {
    const s = setup({ 'gateway.preset': 'portkey' });
    sim.reset();
    const r = await s.run(ask('evil\r\nx-injected: 1/model'));
    assert.ok(hasErrorCode(r.error, 'invalid-request'), String(r.error));
    assert.match((r.error as Error).message, /header "x-portkey-provider" for "evil\\r\\nx-injected: 1\/model"/);
    assert.equal(sim.stats().requests, 0);
    s.router.dispose();
  });

  test('a 100 000-deep message is refused before planning, with a message naming the messages; the model stays usable', async () => {
    const s = setup();
    const r = await s.run(ask('sim/echo', deep(100_000)));
    assert.ok(hasErrorCode(r.error, 'invalid-request'), String(r.error));
    assert.match((r.error as Error).message, /nested too deeply/);
    assert.equal(r.attempts.length, 0);
    const ok = await s.run(ask('sim/echo'));
    assert.deepEqual(
      ok.attempts.map((a) => a.outcome),
      ['ok'],
    );
    s.router.dispose();
  });

  test('an attempt whose stream cannot even be opened fails like any other and gives its probe back', async () => {
    let clock = 0;
    const health = new HealthTracker({ failureThreshold: 1, cooldownMs: 10, now: () => clock });
    health.failure('k');
    clock = 20;
    const lease = BreakerLease.acquire(health, 'k');
    assert.ok(lease?.probe);
    const attempts = new Attempts('r1', () => {}, new Set());
    const pc = {
      model: 'm',
      endpoint: { id: 'gateway', baseUrl: 'http://127.0.0.1:1', headers: {}, secretName: 'switchboard.apiKey' },
      role: 'primary',
      breakerKey: 'k',
    } as unknown as PlannedCandidate;
    const a = attempts.start({
      candidate: pc,
      role: 'primary',
      retry: 0,
      lease: lease!,
      open: () => {
        throw new TypeError('boom');
      },
      estimate: () => ({ promptTokens: 0, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0, estimated: true }),
    });
    assert.ok(a instanceof Attempt);
    assert.equal((await a.firstToken).error instanceof TypeError, true);
    const ev = attempts.end(a, { outcome: 'failed', error: a.error });
    assert.equal(ev.outcome, 'error');
    assert.equal(health.acquire('k'), 'probe', 'the probe slot is free again');
    assert.throws(() => a.finish({ outcome: 'cancelled' }), /finished twice/);
  });

  test('through the local gateway: a 100 000-deep body and a CR/LF model id are HTTP 400 invalid_request_error, never 500', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-unsendable-'));
    const { config } = parseConfig({ 'gateway.preset': 'portkey', 'gateway.baseUrl': sim.url, retries: 0 });
    const core = await createCore({ config, userSetBaseUrl: true, keys: async () => KEY, usageFile: join(dir, 'usage.jsonl') });
    const gw = await startLocalGateway({ core, port: 0 });
    try {
      const post = async (body: string) => {
        const res = await fetch(`${gw.url}/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${gw.token}`, 'content-type': 'application/json' },
          body,
        });
        return { status: res.status, body: (await res.json()) as { error: { type: string; message: string } } };
      };
      const n = 100_000;
      const deepBody = `{"model":"sim/echo","messages":[{"role":"user","content":${'['.repeat(n)}"x"${']'.repeat(n)}}]}`;
      const a = await post(deepBody);
      assert.equal(a.status, 400, JSON.stringify(a.body));
      assert.equal(a.body.error.type, 'invalid_request_error');
      const b = await post(JSON.stringify({ model: 'evil\r\nx/m', messages: [{ role: 'user', content: 'hi' }] }));
      assert.equal(b.status, 400, JSON.stringify(b.body));
      assert.match(b.body.error.message, /x-portkey-provider/);
    } finally {
      await gw.close();
      core.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
