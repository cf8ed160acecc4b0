// Issue 24 item 5: the status bar warns about open breakers on the current model's chain only (not about a model
// some other client of the local gateway broke), and names them by model.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type Sim } from '../sim/server';
import { parseConfig } from '../../src/core/config/settings';
import { createCore, type Core } from '../../src/core/createCore';
import { consumeRoute } from '../../src/core/routing/consumeRoute';
import { chainModels } from '../../src/core/routing/chain';

const KEY = 'sk-sim-breaker-chain';
const FAILING = 'sim/fail?status=503';
let sim: Sim;
let dir: string;
let core: Core;

before(async () => {
  sim = await startSim({ key: KEY });
  dir = mkdtempSync(join(tmpdir(), 'sb-breaker-chain-'));
  core = await createCore({
    config: parseConfig({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url, retries: 0, fallbacks: {} }).config,
    userSetBaseUrl: true,
    keys: async (n) => (n === 'switchboard.apiKey' ? KEY : undefined),
    usageFile: join(dir, 'usage.jsonl'),
    routerTuning: { breaker: { failureThreshold: 1, cooldownMs: 60_000 } },
  });
});
after(async () => {
  core.dispose();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('open breakers on the current model’s chain', () => {
  test('a chain is the model, its alias target and fallbacks; smart-select’s is every tier’s', () => {
    const { config } = parseConfig({
      aliases: { fast: 'sim/echo' },
      fallbacks: { 'sim/echo': ['sim/lorem'], '*': ['sim/slow'] },
      'smartSelect.mode': 'local',
      'smartSelect.tiers': { fast: 'sim/echo', balanced: 'sim/a', strong: 'sim/b', reasoning: 'sim/c' },
    });
    assert.deepEqual([...chainModels('fast', config)], ['sim/echo', 'sim/lorem']);
    assert.deepEqual([...chainModels('sim/x', config)], ['sim/x', 'sim/slow']);
    assert.deepEqual([...chainModels('smart-select', config)].sort(), ['sim/a', 'sim/b', 'sim/c', 'sim/echo', 'sim/lorem', 'sim/slow']);
  });

  test('a model another client broke is not on the user’s chain; named by model, not by breaker key', async () => {
    const r = await consumeRoute(core.router, { model: FAILING, messages: [{ role: 'user', content: 'break it' }] }, {});
    assert.equal(r.outcome, 'failed');
    assert.deepEqual(core.openBreakers(), [{ endpoint: 'gateway', model: FAILING }]);
    assert.deepEqual(core.openBreakers('sim/echo'), [], 'the user’s sim/echo does not go there');
    assert.deepEqual(core.openBreakers(FAILING), [{ endpoint: 'gateway', model: FAILING }]);
    core.updateConfig(parseConfig({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url, fallbacks: { 'sim/echo': [FAILING] } }).config, true);
    assert.deepEqual(core.openBreakers('sim/echo'), [{ endpoint: 'gateway', model: FAILING }], 'a fallback of the user’s model counts');
  });
});

describe('smart-select’s chain is the tiers as served', () => {
  test('a breaker open on the model that stands in for a tier the gateway does not list is on the chain', async () => {
    const only = await startSim({ key: KEY, standIns: false });
    const served = await createCore({
      config: parseConfig({
        'gateway.preset': 'custom',
        'gateway.baseUrl': only.url,
        retries: 0,
        fallbacks: {},
        'smartSelect.mode': 'local',
        'smartSelect.tiers': { fast: 'nope/a', balanced: 'nope/b', strong: 'nope/c', reasoning: 'nope/d' },
      }).config,
      userSetBaseUrl: true,
      keys: async (n) => (n === 'switchboard.apiKey' ? KEY : undefined),
      usageFile: join(dir, 'usage-served.jsonl'),
      routerTuning: { breaker: { failureThreshold: 1, cooldownMs: 60_000 } },
      onWarning: () => undefined,
    });
    try {
      await served.listModels({ waitForGateway: true });
      const ask = { messages: [{ role: 'user' as const, content: 'thanks!' }] };
      const standIn = served.select(ask).model;
      assert.ok(!standIn.startsWith('nope/'), `the fast tier is served by a listed model (${standIn})`);
      const r = await consumeRoute(served.router, { model: standIn, messages: ask.messages }, {});
      assert.equal(r.outcome, 'failed', `the simulator's closest model to a cheap tier is its failing one (${standIn})`);
      assert.deepEqual(
        served.openBreakers('smart-select').map((b) => b.model),
        [standIn],
        'the status bar warns about the model smart-select really sends to',
      );
    } finally {
      served.dispose();
      await only.close();
    }
  });
});
