// Gateway presets, where each model is sent (resolveTarget) and candidate planning.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, PRESETS } from '../../src/core/config/settings';
import { GATEWAY_PRESETS, assertSafeEndpoint, effectiveGateway, resolveTarget, splitModelId } from '../../src/core/config/endpoints';
import { planCandidates, fallbackNames } from '../../src/core/routing/candidates';
import { resolveAlias } from '../../src/core/config/names';
import { Catalog } from '../../src/core/catalog/catalog';
import { ConfigError } from '../../src/core/base/errors';
import type { KeyLookup } from '../../src/core/base/types';

const cfg = (flat: Record<string, unknown>) => {
  const { config, problems } = parseConfig(flat);
  assert.deepEqual(problems, []);
  return config;
};

describe('gateway presets', () => {
  test('every preset is data with a safe base URL', () => {
    for (const p of PRESETS)
      assert.doesNotThrow(() => assertSafeEndpoint({ id: 'gateway', baseUrl: GATEWAY_PRESETS[p].baseUrl, headers: {}, secretName: 'x' }), p);
  });

  test('a preset fills the base URL only when the user left it at the default', () => {
    assert.equal(effectiveGateway(cfg({ 'gateway.preset': 'openrouter' })).baseUrl, 'https://openrouter.ai/api/v1');
    assert.equal(effectiveGateway(cfg({ 'gateway.preset': 'ollama' })).baseUrl, 'http://localhost:11434/v1');
    assert.equal(
      effectiveGateway(cfg({ 'gateway.preset': 'litellm', 'gateway.baseUrl': 'https://llm.corp.example/v1' })).baseUrl,
      'https://llm.corp.example/v1',
    );
    // The caller can say the user set the default URL explicitly.
    assert.equal(effectiveGateway(cfg({ 'gateway.preset': 'openrouter' }), true).baseUrl, 'https://api.select.ax/v1');
    assert.equal(effectiveGateway(cfg({})).baseUrl, 'https://api.select.ax/v1');
    assert.equal(effectiveGateway(cfg({ 'gateway.preset': 'custom', 'gateway.baseUrl': 'http://127.0.0.1:1/v1' })).baseUrl, 'http://127.0.0.1:1/v1');
  });

  test('OpenRouter sends its attribution headers; the gateway key is switchboard.apiKey', () => {
    const gw = effectiveGateway(cfg({ 'gateway.preset': 'openrouter' }));
    assert.ok(gw.headers['HTTP-Referer']);
    assert.equal(gw.headers['X-Title'], 'Switchboard');
    assert.equal(gw.secretName, 'switchboard.apiKey');
  });
});

describe('resolveTarget', () => {
  const config = cfg({ providers: { anthropic: { baseUrl: 'https://api.anthropic.com/v1', headers: { 'anthropic-version': '2023-06-01' } } } });
  const gateway = effectiveGateway(config);

  test('a configured provider WITH a key is called directly, without the provider prefix', () => {
    const t = resolveTarget('anthropic/claude-sonnet-4.5', { config, gateway, providersWithKey: new Set(['anthropic']) });
    assert.equal(t.endpoint.id, 'anthropic');
    assert.equal(t.endpoint.secretName, 'switchboard.providerKey.anthropic');
    assert.equal(t.endpoint.headers['anthropic-version'], '2023-06-01');
    assert.equal(t.upstreamModel, 'claude-sonnet-4.5');
  });

  test('without its key, or not configured, the gateway gets the full id', () => {
    const t = resolveTarget('anthropic/claude-sonnet-4.5', { config, gateway, providersWithKey: new Set() });
    assert.equal(t.endpoint.id, 'gateway');
    assert.equal(t.upstreamModel, 'anthropic/claude-sonnet-4.5');
    assert.equal(resolveTarget('openai/gpt-4.1', { config, gateway, providersWithKey: new Set(['anthropic']) }).endpoint.id, 'gateway');
  });

  test('a bare id goes direct when the catalog knows its provider', () => {
    const t = resolveTarget('claude-sonnet-4.5', { config, gateway, providersWithKey: new Set(['anthropic']), providerOf: () => 'anthropic' });
    assert.equal(t.endpoint.id, 'anthropic');
    assert.equal(t.upstreamModel, 'claude-sonnet-4.5');
  });

  test('presets that want bare ids get them; Portkey gets its provider header', () => {
    const openai = cfg({ 'gateway.preset': 'openai' });
    assert.equal(resolveTarget('openai/gpt-4.1', { config: openai, gateway: effectiveGateway(openai), providersWithKey: new Set() }).upstreamModel, 'gpt-4.1');
    const portkey = cfg({ 'gateway.preset': 'portkey' });
    const t = resolveTarget('anthropic/claude-sonnet-4.5', { config: portkey, gateway: effectiveGateway(portkey), providersWithKey: new Set() });
    assert.equal(t.upstreamModel, 'claude-sonnet-4.5');
    assert.deepEqual(t.headers, { 'x-portkey-provider': 'anthropic' });
  });

  test('splitModelId', () => {
    assert.deepEqual(splitModelId('openai/gpt-4.1'), { provider: 'openai', name: 'gpt-4.1' });
    assert.deepEqual(splitModelId('meta-llama/llama-3.1-8b-instruct'), { provider: 'meta-llama', name: 'llama-3.1-8b-instruct' });
    assert.deepEqual(splitModelId('gpt-4.1'), { name: 'gpt-4.1' });
  });

  test('an unsafe endpoint names the setting', () => {
    assert.throws(
      () => assertSafeEndpoint({ id: 'gateway', baseUrl: 'http://evil.example/v1', headers: {}, secretName: 'x' }),
      (e: unknown) => e instanceof ConfigError && e.setting === 'switchboard.gateway.baseUrl',
    );
  });
});

describe('candidate planning', () => {
  const keys =
    (have: Record<string, string>): KeyLookup =>
    async (name) =>
      have[name];
  const catalog = new Catalog();

  test('aliases resolve (chains too) and cycles stop', () => {
    assert.equal(resolveAlias('fast', { fast: 'quick', quick: 'openai/gpt-4.1-mini' }), 'openai/gpt-4.1-mini');
    assert.ok(['a', 'b'].includes(resolveAlias('a', { a: 'b', b: 'a' })));
  });

  test('fallback chain: as typed, then resolved id, then "*"', () => {
    const fb = { fast: ['x'], 'openai/gpt-4.1': ['y'], '*': ['z'] };
    assert.deepEqual(fallbackNames(['fast', 'openai/gpt-4.1-mini'], fb), ['x']);
    assert.deepEqual(fallbackNames(['gpt', 'openai/gpt-4.1'], fb), ['y']);
    assert.deepEqual(fallbackNames(['other'], fb), ['z']);
    assert.deepEqual(fallbackNames(['other'], {}), []);
  });

  test('smart-select uses the injected selector, else the balanced tier', async () => {
    const config = cfg({
      'smartSelect.mode': 'local',
      fallbacks: { '*': ['fast'], 'openai/o3': ['anthropic/claude-sonnet-4.5', 'openai/o3'] },
      aliases: { fast: 'openai/gpt-4.1-mini' },
    });
    const gateway = effectiveGateway(config);
    const req = { model: 'smart-select', messages: [{ role: 'user' as const, content: 'prove it' }] };
    const withSelect = await planCandidates({
      req,
      config,
      gateway,
      catalog,
      keys: keys({ 'switchboard.apiKey': 'k' }),
      select: () => ({ tier: 'reasoning', model: 'openai/o3', confidence: 0.9, reasons: ['proof'] }),
    });
    assert.deepEqual(
      withSelect.candidates.map((c) => [c.model, c.role]),
      [
        ['openai/o3', 'primary'],
        ['anthropic/claude-sonnet-4.5', 'fallback'],
      ],
    );
    assert.equal(withSelect.selection?.tier, 'reasoning');
    const without = await planCandidates({ req, config, gateway, catalog, keys: keys({ 'switchboard.apiKey': 'k' }) });
    assert.deepEqual(
      without.candidates.map((c) => c.model),
      ['openai/gpt-4.1', 'openai/gpt-4.1-mini'],
    );
    assert.equal(without.candidates[0].info?.id, 'openai/gpt-4.1');
  });

  test('keys: direct providers use their own secret, a missing gateway key is flagged', async () => {
    const config = cfg({ providers: { anthropic: { baseUrl: 'https://api.anthropic.com/v1' } }, fallbacks: { '*': ['openai/gpt-4.1'] } });
    const p = await planCandidates({
      req: { model: 'anthropic/claude-sonnet-4.5', messages: [] },
      config,
      gateway: effectiveGateway(config),
      catalog,
      keys: keys({ 'switchboard.providerKey.anthropic': 'pk' }),
    });
    assert.equal(p.candidates[0].endpoint.id, 'anthropic');
    assert.equal(p.candidates[0].key, 'pk');
    assert.equal(p.candidates[0].missingKey, false);
    assert.equal(p.candidates[1].endpoint.id, 'gateway');
    assert.equal(p.candidates[1].missingKey, true);
  });

  test('a loopback gateway needs no key (Ollama, LiteLLM on this machine)', async () => {
    const config = cfg({ 'gateway.preset': 'ollama' });
    const p = await planCandidates({ req: { model: 'llama3.1', messages: [] }, config, gateway: effectiveGateway(config), catalog, keys: keys({}) });
    assert.equal(p.candidates[0].missingKey, false);
  });
});
