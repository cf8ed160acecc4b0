// The full chaos run (`npm run test:chaos`): 1000 requests at concurrency 16 against sim/flaky?p=0.3 with sim/echo
// as the fallback, through the router and through the local gateway with the openai SDK. Figures go to the log;
// BENCHMARKS.md § Chaos quotes them.
import { test } from 'node:test';
import { assertChaosInvariants, describeFigures, runChaos } from './driver';

const REQUESTS = Number(process.env.CHAOS_REQUESTS ?? 1000);

test(`chaos: ${REQUESTS} requests through the router`, { timeout: 300_000 }, async (t) => {
  const f = await runChaos({ requests: REQUESTS, concurrency: 16, seed: 42, client: 'router' });
  t.diagnostic(describeFigures(f));
  assertChaosInvariants(f);
});

test(`chaos: ${REQUESTS} requests through the local gateway (openai SDK client)`, { timeout: 300_000 }, async (t) => {
  const f = await runChaos({ requests: REQUESTS, concurrency: 16, seed: 43, client: 'gateway' });
  t.diagnostic(describeFigures(f));
  assertChaosInvariants(f);
});
