// RouteRun on its own, against the simulator: `firstToAnswer` needs no prior `startFirst`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, type Sim } from '../sim/server';
import { Attempts } from '../../src/core/routing/attempts';
import { CandidateCursor, planCandidates } from '../../src/core/routing/candidates';
import { RouteRun } from '../../src/core/routing/routeRun';
import { HealthTracker } from '../../src/core/routing/health';
import { Catalog } from '../../src/core/catalog/catalog';
import { parseConfig } from '../../src/core/config/settings';
import { effectiveGateway } from '../../src/core/config/endpoints';
import { chatBodyEncoder } from '../../src/core/net/chatRequest';
import type { AttemptEvent, ChatRequest } from '../../src/core/base/types';

const KEY = 'sk-routerun';
let sim: Sim;
before(async () => (sim = await startSim({ key: KEY })));
after(() => sim.close());

async function routeRun(models: string[]) {
  const { config, problems } = parseConfig({
    'gateway.preset': 'custom',
    'gateway.baseUrl': sim.url,
    retries: 0,
    fallbacks: { [models[0]]: models.slice(1) },
  });
  assert.deepEqual(problems, []);
  const req: ChatRequest = { model: models[0], messages: [{ role: 'user', content: 'one two three' }] };
  const catalog = new Catalog();
  const plan = await planCandidates({ req, config, gateway: effectiveGateway(config, true), catalog, keys: async () => KEY });
  const health = new HealthTracker();
  const fired: AttemptEvent[] = [];
  const attempts = new Attempts('r', (e) => fired.push(e), new Set());
  const run = new RouteRun({
    req,
    signal: undefined,
    nonStreaming: false,
    config,
    cursor: new CandidateCursor(plan, health),
    health,
    attempts,
    encode: chatBodyEncoder(req),
    cancelled: () => false,
    estimate: (text) => ({ promptTokens: 3, completionTokens: text.length, cachedTokens: 0, reasoningTokens: 0, estimated: true }),
    pricesFor: (_served, c) => c.info,
    retryBaseMs: 1,
  });
  return { run, attempts };
}

test('firstToAnswer without a prior startFirst starts the first candidate itself (and falls back as usual)', async () => {
  const { run, attempts } = await routeRun(['sim/fail?status=503', 'sim/echo']);
  const yielded: AttemptEvent[] = [];
  const first = run.firstToAnswer();
  let r = await first.next();
  for (; !r.done; r = await first.next()) yielded.push(r.value);
  const winner = r.value;
  assert.equal(winner.model, 'sim/echo');
  assert.deepEqual(
    yielded.map((a) => `${a.model}:${a.outcome}`),
    ['sim/fail?status=503:error'],
  );
  let text = '';
  for (let n = await winner.next(); !n.done; n = await winner.next()) text += n.value.choices[0]?.delta?.content ?? '';
  assert.equal(text, 'one two three');
  assert.equal(run.answered(winner).event.outcome, 'ok');
  assert.equal(attempts.running.size, 0);
});
