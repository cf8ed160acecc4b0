// A shared team gateway: the router with the `portkey` preset through a real @portkey-ai/gateway on loopback, in
// front of the simulator. Portkey cannot stream on Node 20 (its issues #1389, #1550), so requests are non-streamed.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type Sim } from '../sim/server';
import { startPortkey, type PortkeyProcess } from '../support/portkey';
import { parseConfig } from '../../src/core/config/settings';
import { createCore, type Core } from '../../src/core/createCore';
import { effectiveGateway, resolveTarget } from '../../src/core/config/endpoints';
import type { AttemptEvent, DoneEvent, RouteYield } from '../../src/core/base/types';

const SIM_KEY = 'sk-sim-behind-portkey';
let sim: Sim;
let portkey: PortkeyProcess;
let core: Core;
let dir: string;

const settings = () => ({
  'gateway.preset': 'portkey',
  'gateway.baseUrl': portkey.url,
  'gateway.headers': { 'x-portkey-custom-host': sim.url },
  retries: 0,
  fallbacks: { 'openai/sim/fail?status=503': ['openai/sim/echo'] },
});

before(async () => {
  sim = await startSim({ key: SIM_KEY });
  portkey = await startPortkey();
  dir = mkdtempSync(join(tmpdir(), 'sb-portkey-'));
  const { config, problems } = parseConfig(settings());
  assert.deepEqual(problems, []);
  core = await createCore({
    config,
    userSetBaseUrl: true,
    keys: async (n) => (n === 'switchboard.apiKey' ? SIM_KEY : undefined),
    usageFile: join(dir, 'usage.jsonl'),
  });
});
after(async () => {
  core?.dispose();
  await portkey?.stop();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => sim.reset());

async function route(model: string, content: string) {
  const ys: RouteYield[] = [];
  for await (const y of core.router.route({ model, messages: [{ role: 'user', content }] }, { nonStreaming: true })) ys.push(y);
  return {
    text: ys.map((y) => (y.type === 'chunk' ? y.text : '')).join(''),
    done: ys.find((y): y is DoneEvent => y.type === 'done'),
    attempts: ys.filter((y): y is AttemptEvent => y.type === 'attempt'),
  };
}

describe('router with the portkey preset through a real Portkey gateway', () => {
  test('the preset sends the provider header, the bare model id and the configured custom host', () => {
    const { config } = parseConfig(settings());
    const gw = effectiveGateway(config, true);
    assert.equal(gw.baseUrl, portkey.url);
    assert.equal(gw.headers['x-portkey-custom-host'], sim.url);
    const t = resolveTarget('openai/sim/echo', { config, gateway: gw, providersWithKey: new Set() });
    assert.deepEqual([t.upstreamModel, t.headers], ['sim/echo', { 'x-portkey-provider': 'openai' }]);
  });

  test('an answer comes back through Portkey from the simulator, with its usage recorded', async () => {
    const r = await route('openai/sim/echo', 'through portkey we go');
    assert.equal(r.text, 'through portkey we go');
    assert.equal(r.done?.answeredBy, 'openai/sim/echo');
    assert.equal(r.done?.usage.estimated, false);
    assert.equal(r.done?.usage.completionTokens, 4);
    // The simulator only accepts SIM_KEY: the key went through Portkey to the custom host.
    assert.equal(sim.stats().completed, 1);
    assert.equal(core.ledger.records().at(-1)?.answeredBy, 'openai/sim/echo');
  });

  test("Portkey passes the upstream's 503 on, and the router falls back", async () => {
    const r = await route('openai/sim/fail?status=503', 'fall back behind portkey');
    assert.deepEqual(
      r.attempts.map((a) => `${a.model}:${a.outcome}:${a.status ?? ''}`),
      ['openai/sim/fail?status=503:error:503', 'openai/sim/echo:ok:'],
    );
    assert.equal(r.text, 'fall back behind portkey');
    assert.equal(r.done?.fallback, true);
  });
});
