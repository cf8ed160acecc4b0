// Issue 12 through the router and the CLI: the model that served, the cost that was billed, gateway-side routing of
// smart-select, and the gateway's own fallback list — against the simulator's provider dialects.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type Sim } from '../sim/server';
import { Catalog } from '../../src/core/catalog/catalog';
import { parseConfig } from '../../src/core/config/settings';
import { Router } from '../../src/core/routing/router';
import type { ChatRequest, DecisionEvent, DoneEvent, RouteYield } from '../../src/core/base/types';
import { askCli } from './support/askCli';

const KEY = 'sk-served-model-secret';
const BILLED = 0.000123456789;
let sim: Sim;
let select: Sim;
let openrouter: Sim;
before(async () => {
  [sim, select, openrouter] = await Promise.all([
    startSim({ key: KEY }),
    startSim({ key: KEY, dialect: 'select' }),
    startSim({ key: KEY, dialect: 'openrouter' }),
  ]);
});
after(() => Promise.all([sim.close(), select.close(), openrouter.close()]));

function router(settings: Record<string, unknown>): Router {
  const { config, problems } = parseConfig({ 'timeouts.firstTokenMs': 3000, retries: 0, ...settings });
  assert.deepEqual(problems, []);
  return new Router({ config, userSetBaseUrl: true, keys: async () => KEY, catalog: new Catalog(), retryBaseMs: 1, refreshCatalog: false });
}

async function route(r: Router, model: string) {
  const req: ChatRequest = { model, messages: [{ role: 'user', content: 'hello big world' }] };
  const yields: RouteYield[] = [];
  for await (const y of r.route(req)) yields.push(y);
  return {
    decision: yields.find((y): y is DecisionEvent => y.type === 'decision'),
    done: yields.find((y): y is DoneEvent => y.type === 'done'),
    text: yields.map((y) => (y.type === 'chunk' ? y.text : '')).join(''),
  };
}

describe('the model that served and the cost that was billed', () => {
  test('an OpenRouter-shaped answer: served model from its chunks, billed cost from usage.cost, marked billed', async () => {
    const r = router({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url });
    const { done, text } = await route(r, `dialect/openrouter?served=anthropic/claude-sonnet-4&cost=${BILLED}`);
    assert.equal(text, 'hello big world');
    assert.equal(done?.served, 'anthropic/claude-sonnet-4');
    assert.equal(done?.answeredBy, `dialect/openrouter?served=anthropic/claude-sonnet-4&cost=${BILLED}`);
    assert.equal(done?.costSource, 'billed');
    assert.ok(Math.abs((done?.costUsd ?? 0) - BILLED) < 1e-9, `billed cost ${done?.costUsd}`);
  });

  test('without a bill, the cost is priced on the served model (a known one), not the requested id', async () => {
    const r = router({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url });
    const { done } = await route(r, 'dialect/openai?served=openai/gpt-4.1');
    const gpt41 = new Catalog().get('openai/gpt-4.1');
    assert.ok(gpt41, 'the built-in catalog knows openai/gpt-4.1');
    assert.equal(done?.served, 'openai/gpt-4.1');
    assert.equal(done?.costSource, 'priced');
    const expected = done!.usage.promptTokens * gpt41.pricing.input + done!.usage.completionTokens * gpt41.pricing.output;
    assert.ok(expected > 0 && Math.abs(done!.costUsd - expected) < 1e-12, `${done?.costUsd} vs ${expected}`);
  });

  test('`switchboard ask --json` reports the served model, the requested one beside it, and the billed cost to 1e-9', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-served-cli-'));
    try {
      const configFile = join(dir, 'config.json');
      await writeFile(configFile, JSON.stringify({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url, fallbacks: {} }));
      const model = `dialect/openrouter?served=openai/gpt-4o&cost=${BILLED}`;
      const out = await askCli({
        prompt: 'hello big world',
        model,
        configFile,
        usageFile: join(dir, 'usage.jsonl'),
        env: { ...process.env, SWITCHBOARD_API_KEY: KEY, OPENAI_API_KEY: '' },
        timeoutMs: 120_000,
      });
      assert.equal(out.code, 0, out.stderr);
      const json = JSON.parse(out.stdout) as { model: string; requested: string; costUsd: number; costSource: string; text: string };
      assert.equal(json.model, 'openai/gpt-4o');
      assert.equal(json.requested, model);
      assert.equal(json.costSource, 'billed');
      assert.ok(Math.abs(json.costUsd - BILLED) < 1e-9, `costUsd ${json.costUsd}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('gateway-side routing of smart-select', () => {
  test('Select preset (gateway mode by default): smart-select goes upstream untouched; the answer names what served', async () => {
    const r = router({ 'gateway.preset': 'select', 'gateway.baseUrl': select.url });
    const { decision, done } = await route(r, 'smart-select');
    assert.deepEqual(
      decision?.candidates.map((c) => c.model),
      ['smart-select'],
      'no local choice',
    );
    assert.equal(decision?.selection, undefined);
    assert.ok(
      decision?.notes.some((n) => n.includes('the gateway decides (Select Auto')),
      JSON.stringify(decision?.notes),
    );
    assert.equal(done?.answeredBy, 'smart-select');
    assert.notEqual(done?.served, 'smart-select', `the gateway named a concrete model (${done?.served})`);
  });

  test('local mode: Switchboard picks, explains, and sends a concrete model', async () => {
    const r = router({ 'gateway.preset': 'select', 'gateway.baseUrl': select.url, 'smartSelect.mode': 'local' });
    const { decision, done } = await route(r, 'smart-select');
    assert.ok(decision?.selection?.reasons.length, 'a local decision with reasons');
    assert.equal(done?.answeredBy, decision?.selection?.model);
  });

  test('gateway mode with a preset that has no auto model says so, naming the preset', async () => {
    const r = router({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url, 'smartSelect.mode': 'gateway' });
    await assert.rejects(() => route(r, 'smart-select'), /smartSelect\.mode is "gateway", but the Custom preset's gateway has no auto-routing model/);
  });
});

describe('gateway-side fallbacks (OpenRouter `models`)', () => {
  test('the chain travels with the request: the gateway fails over in one round trip and says which model served', async () => {
    openrouter.reset();
    const r = router({ 'gateway.preset': 'openrouter', 'gateway.baseUrl': openrouter.url, fallbacks: { 'sim/fail?status=503': ['sim/echo'] } });
    const { decision, done, text } = await route(r, 'sim/fail?status=503');
    assert.equal(text, 'hello big world');
    assert.equal(openrouter.stats().requests, 1, 'one request: the gateway walked the list itself');
    assert.equal(done?.served, 'sim/echo');
    assert.ok(
      decision?.notes.some((n) => n.includes('The gateway may fail over itself, in order: sim/fail?status=503, sim/echo')),
      JSON.stringify(decision?.notes),
    );
  });

  test('without a list (a preset that takes none), the local chain makes the second round trip', async () => {
    openrouter.reset();
    const r = router({ 'gateway.preset': 'custom', 'gateway.baseUrl': openrouter.url, fallbacks: { 'sim/fail?status=503': ['sim/echo'] } });
    const { done } = await route(r, 'sim/fail?status=503');
    assert.equal(openrouter.stats().requests, 2);
    assert.equal(done?.answeredBy, 'sim/echo');
  });
});

describe('the ledger and the usage view see the served model and the billed cost', () => {
  test('a billed answer is recorded with served model and cost source, and summarised under the served model', async () => {
    const { createCore } = await import('../../src/core/createCore');
    const dir = await mkdtemp(join(tmpdir(), 'sb-served-ledger-'));
    try {
      const { config } = parseConfig({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url, fallbacks: {} });
      const core = await createCore({ config, userSetBaseUrl: true, keys: async () => KEY, usageFile: join(dir, 'usage.jsonl') });
      try {
        const req: ChatRequest = {
          model: `dialect/openrouter?served=anthropic/claude-sonnet-4&cost=${BILLED}`,
          messages: [{ role: 'user', content: 'hello big world' }],
        };
        for await (const y of core.router.route(req)) void y;
        await core.flush();
        const [record] = await core.ledger.readAll();
        assert.equal(record.served, 'anthropic/claude-sonnet-4');
        assert.equal(record.costSource, 'billed');
        const row = core.ledger.summary({ now: Date.now() }).perModel.find((m) => m.model === 'anthropic/claude-sonnet-4');
        assert.ok(row, 'the usage summary groups by the served model');
        assert.ok(Math.abs(row.billedUsd - BILLED) < 1e-12 && row.estimatedUsd === 0, JSON.stringify(row));
      } finally {
        core.dispose();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
