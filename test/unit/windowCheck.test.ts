// Issue 17 part 3: a request larger than a candidate's window is never sent to it.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, type Sim } from '../sim/server';
import { Router } from '../../src/core/routing/router';
import { Catalog } from '../../src/core/catalog/catalog';
import { parseConfig } from '../../src/core/config/settings';
import { hasErrorCode } from '../../src/core/base/errors';
import { fitSelection, tokensIfNearAWindow } from '../../src/core/routing/windowCheck';
import type { ChatRequest, DecisionEvent, ModelInfo, RouteYield } from '../../src/core/base/types';
import { httpErrorFrom } from '../../src/gateway/openaiErrors';

const KEY = 'sk-window-check';
let sim: Sim;
before(async () => (sim = await startSim({ key: KEY })));
after(() => sim.close());
beforeEach(() => sim.reset());

const model = (id: string, contextWindow: number): ModelInfo => ({
  id,
  provider: id.split('/')[0],
  pricing: { input: 1e-6, output: 2e-6 },
  contextWindow,
  tags: [],
  source: 'builtin',
});
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');
/** One token per word: the simulator's own count, so the test does not depend on the tokenizer. */
const countWords = (req: ChatRequest) => req.messages.reduce((n, m) => n + String(m.content).split(/\s+/).filter(Boolean).length, 0);

function router(settings: Record<string, unknown>, models: ModelInfo[]) {
  const { config } = parseConfig({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url, retries: 0, ...settings });
  return new Router({ config, keys: async () => KEY, catalog: new Catalog({ extraModels: models }), refreshCatalog: false, countPromptTokens: countWords });
}

async function collect(r: Router, req: ChatRequest) {
  const yields: RouteYield[] = [];
  let error: unknown;
  try {
    for await (const y of r.route(req)) yields.push(y);
  } catch (e) {
    error = e;
  }
  return { yields, error, decision: yields.find((y): y is DecisionEvent => y.type === 'decision') };
}

describe('context-window check before sending', () => {
  test('a candidate whose window cannot hold the prompt is skipped without any upstream call to it', async () => {
    // sim/echo (window 100) is asked first; sim/echo?big (window 10 000) is its fallback.
    const r = router({ model: 'sim/echo', fallbacks: { 'sim/echo': ['sim/lorem?tokens=3'] } }, [model('sim/echo', 100), model('sim/lorem?tokens=3', 10_000)]);
    const { yields, error, decision } = await collect(r, { model: 'sim/echo', messages: [{ role: 'user', content: words(300) }] });
    assert.equal(error, undefined);
    assert.deepEqual(
      decision?.candidates.map((c) => c.model),
      ['sim/lorem?tokens=3'],
    );
    assert.ok(decision?.notes.includes('skipped sim/echo: 300 tokens > its 100 window'), JSON.stringify(decision?.notes));
    const done = yields.find((y) => y.type === 'done');
    assert.ok(done?.type === 'done' && done.answeredBy === 'sim/lorem?tokens=3' && done.fallback, 'the fallback answered, marked as a fallback');
    assert.equal(sim.stats().requests, 1, 'only the candidate that fits was called');
  });

  test('when nothing fits, nothing is sent and the message names the size and a model that can hold it', async () => {
    const r = router({ model: 'sim/echo', fallbacks: {} }, [model('sim/echo', 100), model('huge/model', 5_000_000)]);
    const { error } = await collect(r, { model: 'sim/echo', messages: [{ role: 'user', content: words(500) }] });
    assert.ok(hasErrorCode(error, 'prompt-too-large'), String(error));
    assert.match(error.message, /about 500 tokens, more than the context window of every candidate: sim\/echo \(100\)/);
    assert.match(error.message, /huge\/model has a 5M window/);
    assert.equal(sim.stats().requests, 0, 'the upstream was never asked');
    const http = httpErrorFrom(error);
    assert.equal(http.status, 400, 'the local gateway answers 400 context_length_exceeded');
    assert.match(JSON.stringify(http.body), /context_length_exceeded/);
  });

  test('an ordinary prompt is not counted at all (no tokenizer on the request path)', () => {
    let counted = 0;
    const count = (req: ChatRequest) => (counted++, countWords(req));
    assert.equal(tokensIfNearAWindow({ model: 'x', messages: [{ role: 'user', content: 'short question' }] }, [128_000], count), undefined);
    assert.equal(counted, 0);
    assert.equal(tokensIfNearAWindow({ model: 'x', messages: [{ role: 'user', content: words(50) }] }, [100], count), 50);
  });

  test('smart-select moves up to a tier whose model can hold the prompt, and says why', () => {
    const { config } = parseConfig({ 'smartSelect.tiers': { fast: 'a/small', balanced: 'a/medium', strong: 'a/large', reasoning: 'a/reason' } });
    const catalog = new Catalog({ extraModels: [model('a/small', 100), model('a/medium', 200), model('a/large', 5_000), model('a/reason', 100)] });
    const req: ChatRequest = { model: 'smart-select', messages: [{ role: 'user', content: words(1_000) }] };
    const moved = fitSelection({ tier: 'fast', model: 'a/small', confidence: 0.9, reasons: ['short'] }, req, config, catalog, countWords);
    assert.equal(moved.tier, 'strong');
    assert.equal(moved.model, 'a/large');
    assert.equal(moved.reasons.at(-1), "moved up to strong: 1k tokens > a/small's 100 window");
    const small: ChatRequest = { model: 'smart-select', messages: [{ role: 'user', content: 'hi' }] };
    assert.equal(fitSelection({ tier: 'fast', model: 'a/small', confidence: 0.9, reasons: [] }, small, config, catalog, countWords).tier, 'fast');
  });
});
