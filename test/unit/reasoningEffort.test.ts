// An agent's `reasoning_effort` (Codex sends one with every turn) reaches only models that take it: OpenAI refuses it
// with a 400 on a model without reasoning, which smart-select or a fallback may pick. A model the catalog knows
// nothing about gets it as asked.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/core/config/settings';
import { Catalog } from '../../src/core/catalog/catalog';
import { modelsFromGateway } from '../../src/core/catalog/catalog';
import { Router } from '../../src/core/routing/router';
import { consumeRoute } from '../../src/core/routing/consumeRoute';
import type { ChatRequest } from '../../src/core/base/types';
import { startSim, type Sim } from '../sim/server';
import { startRecordingProxy, type RecordingProxy } from './support/recordingProxy';

const KEY = 'sk-sim-effort';
let sim: Sim;
let proxy: RecordingProxy;
let router: Router;

before(async () => {
  sim = await startSim({ key: KEY });
  proxy = await startRecordingProxy(sim.port);
  const { config, problems } = parseConfig({
    'gateway.preset': 'custom',
    'gateway.baseUrl': proxy.url,
    retries: 0,
    fallbacks: { 'sim/fail': ['sim/echo'] },
  });
  assert.deepEqual(problems, []);
  const catalog = new Catalog();
  // As a gateway lists them: sim/echo without reasoning, sim/lorem with it; sim/tool is not listed (not known).
  catalog.seed(
    modelsFromGateway({
      data: [
        { id: 'sim/echo', supported_parameters: ['max_tokens', 'tools'] },
        { id: 'sim/lorem', supported_parameters: ['max_tokens', 'tools', 'reasoning'] },
        { id: 'sim/fail', supported_parameters: ['max_tokens', 'reasoning_effort'] },
      ],
    }),
    Date.now(),
    proxy.url,
  );
  router = new Router({ config, keys: async () => KEY, catalog, refreshCatalog: false });
});
after(async () => {
  router.dispose();
  await proxy.close();
  await sim.close();
});

async function sent(model: string): Promise<Record<string, unknown>[]> {
  const from = proxy.seen.length;
  const req: ChatRequest = { model, messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'high' };
  await consumeRoute(router, req);
  return proxy.seen.slice(from).map((f) => f.body);
}

describe('reasoning_effort', () => {
  test('left out for a model listed without reasoning, sent to one listed with it, and to one not listed', async () => {
    const [echo] = await sent('sim/echo');
    assert.equal(echo.model, 'sim/echo');
    assert.equal('reasoning_effort' in echo, false, 'not sent to a model without reasoning');
    assert.deepEqual(echo.messages, [{ role: 'user', content: 'hi' }], 'the rest of the request is unchanged');
    const [lorem] = await sent('sim/lorem');
    assert.equal(lorem.reasoning_effort, 'high');
    const [tool] = await sent('sim/tool');
    assert.equal(tool.reasoning_effort, 'high', 'a model the catalog does not know gets it as asked');
  });

  test('per candidate: the first model takes it, its fallback without reasoning does not', async () => {
    const bodies = await sent('sim/fail');
    assert.deepEqual(
      bodies.map((b) => [b.model, b.reasoning_effort]),
      [
        ['sim/fail', 'high'],
        ['sim/echo', undefined],
      ],
    );
  });
});
