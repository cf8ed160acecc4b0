// A short chaos run for `npm test`: the same driver and invariants as test/chaos (see there), fewer requests.
import { test } from 'node:test';
import { assertChaosInvariants, describeFigures, runChaos } from '../chaos/driver';

test('chaos (quick): 100 requests through the router against sim/flaky with a fallback', { timeout: 60_000 }, async (t) => {
  const f = await runChaos({ requests: 100, concurrency: 16, seed: 7, client: 'router' });
  t.diagnostic(describeFigures(f));
  assertChaosInvariants(f);
});

test('chaos (quick): 60 requests through the local gateway with the openai SDK', { timeout: 60_000 }, async (t) => {
  const f = await runChaos({ requests: 60, concurrency: 16, seed: 7, client: 'gateway' });
  t.diagnostic(describeFigures(f));
  assertChaosInvariants(f);
});
