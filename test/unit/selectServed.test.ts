// smart-select picks what the gateway serves (issue 24 item 4): with the simulator as a custom gateway whose
// /v1/models lists only sim/* models, each tier resolves to a listed model, the reasons say so, and each configured
// tier model the gateway lacks is one warning naming its setting. With only the built-in catalog, nothing changes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type Sim } from '../sim/server';
import { createCore, type Core } from '../../src/core/createCore';
import { DEFAULT_TIERS, parseConfig } from '../../src/core/config/settings';
import { servedTiers } from '../../src/core/select/served';
import { TIERS, type DoneEvent, type ModelInfo, type Tier } from '../../src/core/base/types';
import type { SelectInput } from '../../src/core/select/select';

const KEY = 'sk-served';
const ask = (content: string): SelectInput => ({ messages: [{ role: 'user', content }] });
const PROOF = 'Prove that the square root of 2 is irrational.';

async function coreFor(baseUrl: string, settings: Record<string, unknown> = {}): Promise<{ core: Core; warnings: string[] }> {
  const { config, problems } = parseConfig({ 'gateway.preset': 'custom', 'gateway.baseUrl': baseUrl, retries: 0, ...settings });
  assert.deepEqual(problems, []);
  const warnings: string[] = [];
  const core = await createCore({
    config,
    userSetBaseUrl: true,
    keys: async () => KEY,
    usageFile: join(mkdtempSync(join(tmpdir(), 'sb-served-')), 'usage.jsonl'),
    onWarning: (m) => warnings.push(m),
  });
  await core.listModels({ waitForGateway: true });
  return { core, warnings };
}

describe('smart-select against the models the gateway serves', () => {
  let sim: Sim;
  before(async () => {
    sim = await startSim({ key: KEY, standIns: false });
  });
  after(async () => {
    await sim.close();
  });

  test('each tier resolves to a model the gateway lists, and the reasons say which was replaced', async () => {
    const { core } = await coreFor(sim.url);
    try {
      const listed = new Set((core.catalog.servedByGateway() ?? []).map((m) => m.id));
      assert.ok(listed.size > 0 && [...listed].every((id) => id.startsWith('sim/')), [...listed].join(', '));
      const proof = core.select(ask(PROOF));
      assert.equal(proof.tier, 'reasoning');
      assert.ok(listed.has(proof.model), proof.model);
      assert.ok(proof.reasons.includes(`${DEFAULT_TIERS.reasoning} is not served by this gateway: ${proof.model}`), proof.reasons.join('; '));
      for (const prompt of ['hi', 'Write a Python function that reverses a string.', 'Design the architecture of a multi-tenant billing service.'])
        assert.ok(listed.has(core.select(ask(prompt)).model), prompt);
    } finally {
      core.dispose();
    }
  });

  test('a smart-select request is sent to the served model, not the configured one', async () => {
    const { core } = await coreFor(sim.url);
    try {
      let done: DoneEvent | undefined;
      for await (const y of core.router.route({ model: 'smart-select', messages: [{ role: 'user', content: 'hi' }] })) if (y.type === 'done') done = y;
      assert.ok(done, 'the request finished');
      assert.match(done.answeredBy, /^sim\//);
      assert.equal(done.answeredBy, core.select(ask('hi')).model);
      assert.equal(done.selection?.tier, 'fast');
    } finally {
      core.dispose();
    }
  });

  test('a configured tier model the gateway lacks is one warning naming the setting; a served one is kept', async () => {
    const { core, warnings } = await coreFor(sim.url, { 'smartSelect.tiers': { fast: 'sim/echo' } });
    try {
      for (let i = 0; i < 3; i++) for (const prompt of ['hi', PROOF]) core.select(ask(prompt));
      assert.equal(core.select(ask('hi')).model, 'sim/echo');
      assert.ok(!core.select(ask('hi')).reasons.some((r) => r.includes('not served')));
      const named = (tier: Tier) => warnings.filter((w) => w.includes(`switchboard.smartSelect.tiers.${tier} `));
      for (const tier of TIERS.filter((t) => t !== 'fast')) {
        assert.equal(named(tier).length, 1, `${tier}: ${warnings.join(' | ')}`);
        assert.ok(named(tier)[0].includes(DEFAULT_TIERS[tier]), named(tier)[0]);
      }
      assert.equal(named('fast').length, 0);
      assert.equal(warnings.length, 3);
    } finally {
      core.dispose();
    }
  });

  test('with only the built-in catalog (the gateway list unknown), the configured tiers stand', async () => {
    const { core, warnings } = await coreFor('http://127.0.0.1:9/v1');
    try {
      assert.equal(core.catalog.servedByGateway(), undefined);
      const proof = core.select(ask(PROOF));
      assert.equal(proof.model, DEFAULT_TIERS.reasoning);
      assert.ok(!proof.reasons.some((r) => r.includes('not served')));
      assert.deepEqual(warnings, []);
    } finally {
      core.dispose();
    }
  });
});

describe('the closest served model', () => {
  const info = (id: string, inPerM: number, outPerM: number, contextWindow: number, source: ModelInfo['source'] = 'gateway'): ModelInfo => ({
    id,
    provider: id.split('/')[0],
    pricing: { input: inPerM * 1e-6, output: outPerM * 1e-6 },
    contextWindow,
    tags: [],
    source,
  });
  const configured = info('acme/think', 2, 8, 200_000, 'builtin');
  const listed = [info('gw/tiny', 0.1, 0.2, 8_000), info('gw/middle', 1.5, 6, 128_000), info('gw/huge', 15, 60, 200_000), info('openrouter/auto', 0, 0, 0)];
  const catalog = (served: readonly ModelInfo[] | undefined) => ({
    get: (id: string) => [configured, ...listed].find((m) => m.id === id),
    // The gateway's own auto-routing model is listed too; it is never a tier's substitute.
    servedByGateway: () => served,
  });
  const config = (settings: Record<string, unknown> = {}) =>
    parseConfig({ 'smartSelect.tiers': { fast: 'gw/tiny', balanced: 'gw/unknown', strong: 'gw/huge', reasoning: 'acme/think' }, ...settings }).config;

  test('is the nearest by price and context window; an unknown model takes the served model at its tier rank by price', () => {
    const r = servedTiers(config(), catalog(listed));
    assert.deepEqual(r.tiers, { fast: 'gw/tiny', balanced: 'gw/middle', strong: 'gw/huge', reasoning: 'gw/middle' });
    assert.deepEqual(Object.keys(r.substitutions).sort(), ['balanced', 'reasoning']);
    assert.deepEqual(r.substitutions.reasoning, { configured: 'acme/think', served: 'gw/middle' });
  });

  test('leaves the tiers alone when the list is unknown, and a model a direct provider route takes', () => {
    assert.deepEqual(servedTiers(config(), catalog(undefined)).substitutions, {});
    const direct = config({ providers: { acme: { baseUrl: 'https://acme.example/v1' } } });
    assert.equal(servedTiers(direct, catalog(listed)).tiers.reasoning, 'acme/think');
  });
});
