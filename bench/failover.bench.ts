// Issue 12: a gateway that takes the fallback chain with the request (OpenRouter's `models`) fails over without a
// round trip back to Switchboard. Same simulator in OpenRouter's dialect, same ~20 ms network latency per reply,
// same chain (a 503 then an answer), measured interleaved in one process: the gateway's list against the local chain.
import { Catalog } from '../src/core/catalog/catalog';
import { parseConfig } from '../src/core/config/settings';
import { Router } from '../src/core/routing/router';
import { startSim } from '../test/sim/server';
import type { BenchOptions } from './run';

const KEY = 'sk-bench-failover';
const LATENCY_MS = 20;

function router(preset: 'openrouter' | 'custom', url: string): Router {
  const { config } = parseConfig({ 'gateway.preset': preset, 'gateway.baseUrl': url, retries: 0, fallbacks: { 'sim/fail?status=503': ['sim/echo'] } });
  // The breaker stays shut: every run meets the failure, as a first request after an outage does.
  return new Router({
    config,
    userSetBaseUrl: true,
    keys: async () => KEY,
    catalog: new Catalog(),
    refreshCatalog: false,
    retryBaseMs: 1,
    breaker: { failureThreshold: 1_000_000 },
  });
}

async function once(r: Router): Promise<number> {
  const t0 = performance.now();
  for await (const y of r.route({ model: 'sim/fail?status=503', messages: [{ role: 'user', content: 'hello world' }] })) void y;
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function failover(opts: BenchOptions): Promise<Record<string, unknown>> {
  const sim = await startSim({ key: KEY, dialect: 'openrouter', latencyMs: LATENCY_MS });
  try {
    const viaGateway = router('openrouter', sim.url);
    const viaLocalChain = router('custom', sim.url);
    const n = opts.quick ? 10 : 40;
    const gateway: number[] = [];
    const local: number[] = [];
    await once(viaGateway);
    await once(viaLocalChain);
    for (let i = 0; i < n; i++) {
      gateway.push(await once(viaGateway));
      local.push(await once(viaLocalChain));
    }
    viaGateway.dispose();
    viaLocalChain.dispose();
    const g = median(gateway);
    const l = median(local);
    return {
      simulatedLatencyMs: LATENCY_MS,
      gatewayListP50Ms: +g.toFixed(1),
      localChainP50Ms: +l.toFixed(1),
      ratioGatewayToLocal: +(g / l).toFixed(2),
      goalGatewaySavesRoundTrip: g < l,
    };
  } finally {
    await sim.close();
  }
}
