// The model catalog: the built-in snapshot, lookups by exact, bare and variant ids, refresh from the gateway.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Catalog, modelsFromGateway, type CatalogSource } from '../../src/core/catalog/catalog';
import { BUILTIN_MODELS } from '../../src/core/catalog/snapshot';
import { DEFAULT_TIERS } from '../../src/core/config/settings';
import { startSim } from '../sim/server';

const openRouterList = {
  data: [
    {
      id: 'openai/gpt-4.1',
      name: 'OpenAI: GPT-4.1',
      context_length: 1_000_000,
      pricing: { prompt: '0.0000021', completion: '0.0000084', input_cache_read: '0.0000005' },
      architecture: { input_modalities: ['text', 'image'] },
      supported_parameters: ['tools', 'temperature'],
    },
    {
      id: 'acme/rocket-1',
      name: 'Rocket',
      context_length: 32_000,
      pricing: { prompt: '0.0000001', completion: '0.0000002', internal_reasoning: '0.000001' },
      supported_parameters: ['reasoning'],
    },
    { id: 'openrouter/auto', pricing: { prompt: '-1', completion: '-1' } },
    { nope: true },
  ],
};

describe('built-in snapshot', () => {
  test('contains every default tier model with prices and a context window', () => {
    const c = new Catalog();
    for (const id of Object.values(DEFAULT_TIERS)) {
      const m = c.get(id);
      assert.ok(m, `${id} missing`);
      assert.ok(m.pricing.input > 0 && m.pricing.output > m.pricing.input, id);
      assert.ok(m.contextWindow >= 100_000, id);
    }
  });
  test('covers the major providers, with cached-input prices and tags', () => {
    const providers = new Set(BUILTIN_MODELS.map((m) => m.provider));
    for (const p of ['openai', 'anthropic', 'google', 'meta-llama', 'mistralai', 'deepseek']) assert.ok(providers.has(p), p);
    const mini = new Catalog().get('openai/gpt-4.1-mini');
    assert.equal(mini?.pricing.input, 0.4e-6);
    assert.equal(mini?.pricing.cachedInput, 0.1e-6);
    assert.ok(mini?.tags.includes('fast') && mini.tags.includes('cheap'));
    assert.ok(new Catalog().get('openai/o3')?.tags.includes('reasoning'));
  });
});

describe('Catalog.get', () => {
  const c = new Catalog();
  test('tolerates bare ids, case and :variants', () => {
    assert.equal(c.get('gpt-4.1')?.id, 'openai/gpt-4.1');
    assert.equal(c.get('OpenAI/GPT-4.1')?.id, 'openai/gpt-4.1');
    assert.equal(c.get('claude-sonnet-4.5')?.id, 'anthropic/claude-sonnet-4.5');
    assert.equal(c.get('deepseek/deepseek-r1:free')?.id, 'deepseek/deepseek-r1');
  });
  test('does not match a bare name across providers, nor unknown ids', () => {
    assert.equal(c.get('someone/gpt-4.1'), undefined);
    assert.equal(c.get('no-such-model'), undefined);
  });
});

test('modelsFromGateway reads OpenRouter pricing, context and capabilities', () => {
  const ms = modelsFromGateway(openRouterList);
  assert.equal(ms.length, 3);
  const rocket = ms.find((m) => m.id === 'acme/rocket-1');
  assert.deepEqual(rocket, {
    id: 'acme/rocket-1',
    provider: 'acme',
    name: 'Rocket',
    pricing: { input: 1e-7, output: 2e-7, reasoning: 1e-6 },
    contextWindow: 32_000,
    tags: ['reasoning', 'cheap'],
    supportsTools: false,
    supportsReasoning: true,
    source: 'gateway',
  });
  const auto = ms.find((m) => m.id === 'openrouter/auto');
  assert.deepEqual(auto?.pricing, { input: 0, output: 0 }, 'negative (variable) prices are unknown, not negative');
});

describe('Catalog.refresh', () => {
  test('merges the gateway list over the snapshot and keeps built-in tags', async () => {
    let now = 0;
    const c = new Catalog({ now: () => now, ttlMs: 1000, fetchModels: async () => openRouterList });
    assert.equal(c.isStale(), true);
    await c.refresh({ baseUrl: 'https://x', headers: {} });
    const g = c.get('gpt-4.1');
    assert.equal(g?.pricing.input, 0.0000021);
    assert.equal(g?.pricing.cachedInput, 0.0000005);
    assert.equal(g?.contextWindow, 1_000_000);
    assert.ok(g?.tags.includes('tools'));
    assert.equal(g?.source, 'gateway');
    assert.equal(c.get('rocket-1')?.id, 'acme/rocket-1');
    assert.equal(c.isStale(), false);
    now = 1000;
    assert.equal(c.isStale(), true);
  });

  test('a failed refresh keeps what is known, remembers why, and backs off', async () => {
    let now = 0;
    let calls = 0;
    const c = new Catalog({
      now: () => now,
      retryAfterFailureMs: 500,
      fetchModels: async () => {
        calls++;
        throw new Error('gateway down');
      },
    });
    await c.refresh({ baseUrl: 'https://x', headers: {} });
    assert.equal(c.lastError, 'gateway down');
    assert.ok(c.get('openai/gpt-4.1'));
    c.refreshInBackground({ baseUrl: 'https://x', headers: {} });
    assert.equal(calls, 1, 'not stale yet after the failure');
    now = 500;
    c.refreshInBackground({ baseUrl: 'https://x', headers: {} });
    assert.equal(calls, 2);
  });

  test('refreshInBackground never blocks: lookups answer while the fetch is pending', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const c = new Catalog({ fetchModels: async () => (await gate, openRouterList) });
    let changed = 0;
    c.onDidChange(() => changed++);
    c.refreshInBackground({ baseUrl: 'https://x', headers: {} });
    assert.equal(c.get('acme/rocket-1'), undefined);
    assert.equal(c.get('gpt-4.1')?.pricing.input, 2e-6);
    release();
    await c.refresh({ baseUrl: 'https://x', headers: {} }); // joins the in-flight refresh
    assert.equal(changed, 1);
    assert.ok(c.get('acme/rocket-1'));
  });

  test("a switch of gateway: the old gateway's list no longer counts, and its late answer is not used", async () => {
    const gates = new Map<string, (json: unknown) => void>();
    const aborted: string[] = [];
    const c = new Catalog({
      fetchModels: (source, signal) =>
        new Promise((resolve, reject) => {
          gates.set(source.baseUrl, resolve);
          signal.addEventListener('abort', () => (aborted.push(source.baseUrl), reject(new Error('aborted'))));
        }),
    });
    const oldDone = c.refresh({ baseUrl: 'https://old', headers: {} });
    gates.get('https://old')?.(openRouterList);
    await oldDone;
    assert.equal(c.gatewayListFrom(), 'https://old');
    assert.ok(c.get('acme/rocket-1'), "the old gateway's model is known");

    c.forgetGateway();
    assert.equal(c.get('acme/rocket-1'), undefined, 'forgotten with its gateway');
    assert.equal(c.servedByGateway(), undefined);
    assert.equal(c.gatewayListFrom(), undefined);
    assert.equal(c.isStale(), true, 'a refresh is due');

    const late = c.refresh({ baseUrl: 'https://old', headers: {} });
    const fresh = c.refresh({ baseUrl: 'https://new', headers: {} });
    assert.deepEqual(aborted, ['https://old'], "a fetch of the new gateway replaces the old one's");
    gates.get('https://old')?.(openRouterList); // too late: ignored
    gates.get('https://new')?.({ data: [{ id: 'newco/model-a' }] });
    await Promise.all([late, fresh]);
    assert.equal(c.gatewayListFrom(), 'https://new');
    assert.ok(c.get('newco/model-a'));
    assert.equal(c.get('acme/rocket-1'), undefined, "the old gateway's late answer was not used");
    assert.equal(c.lastError, undefined, "the old fetch's abort is not the new gateway's error");
  });

  test('the default fetch reads GET /v1/models from an OpenAI-compatible server with the key', async () => {
    const sim = await startSim({ key: 'sk-cat' });
    try {
      const c = new Catalog();
      const src: CatalogSource = { baseUrl: sim.url, headers: {}, key: 'sk-cat' };
      await c.refresh(src);
      assert.equal(c.lastError, undefined);
      assert.ok(
        c.list().some((m) => m.source === 'gateway'),
        'gateway models merged',
      );
      const bad = new Catalog();
      await bad.refresh({ ...src, key: 'wrong' });
      assert.match(bad.lastError ?? '', /401/);
      assert.ok(!(bad.lastError ?? '').includes('wrong'));
    } finally {
      await sim.close();
    }
  });
});
