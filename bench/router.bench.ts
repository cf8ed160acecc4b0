// Router overhead against the bare `openai` SDK and a bare keep-alive `node:http` request (the floor), interleaved in
// one run against the same in-process simulator: added time-to-first-token, streaming throughput, failover cost
// beyond the failed attempt, time on an open breaker.
import * as http from 'node:http';
import OpenAI from 'openai';
import { Catalog } from '../src/core/catalog/catalog';
import { parseConfig } from '../src/core/config/settings';
import { Router } from '../src/core/routing/router';
import type { ChatRequest } from '../src/core/base/types';
import { startSim } from '../test/sim/server';
import type { BenchOptions } from './run';
import { pct, r3 } from './support/figures';

const KEY = 'sk-bench';
const PROMPT = 'say something short please';

export default async function routerBench({ quick }: BenchOptions): Promise<Record<string, unknown>> {
  const sim = await startSim({ key: KEY });
  try {
    const sdk = new OpenAI({ baseURL: sim.url, apiKey: KEY, maxRetries: 0 });
    const catalog = new Catalog();
    const makeRouter = (settings: Record<string, unknown>, breaker?: { failureThreshold: number; cooldownMs: number }) =>
      new Router({
        config: parseConfig({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url, retries: 0, ...settings }).config,
        keys: async () => KEY,
        catalog,
        refreshCatalog: false,
        ...(breaker ? { breaker } : {}),
      });
    const router = makeRouter({});
    const req = (model: string): ChatRequest => ({ model, messages: [{ role: 'user', content: PROMPT }] });

    // The floor: one keep-alive agent, headers and body built once, time to the first body bytes (the simulator's
    // first event already carries a token), then the rest of the body drained.
    const bareAgent = new http.Agent({ keepAlive: true });
    const simUrl = new URL(sim.url + '/chat/completions');
    const bareBody = JSON.stringify({
      model: 'sim/echo',
      messages: [{ role: 'user', content: PROMPT }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const bareOptions: http.RequestOptions = {
      hostname: simUrl.hostname,
      port: simUrl.port,
      path: simUrl.pathname,
      method: 'POST',
      agent: bareAgent,
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'content-length': String(Buffer.byteLength(bareBody)),
        authorization: `Bearer ${KEY}`,
      },
    };
    const bareTtft = (): Promise<number> =>
      new Promise((resolve, reject) => {
        const t0 = performance.now();
        let first = 0;
        const r = http.request(bareOptions, (res) => {
          res.on('data', () => {
            if (!first) first = performance.now() - t0;
          });
          res.on('end', () => resolve(first));
          res.on('error', reject);
        });
        r.on('error', reject);
        r.end(bareBody);
      });

    /** ms to the first content token, then drains the stream. */
    const sdkTtft = async (model: string): Promise<number> => {
      const t0 = performance.now();
      let first = 0;
      const stream = await sdk.chat.completions.create({
        model,
        messages: [{ role: 'user', content: PROMPT }],
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const c of stream) if (!first && c.choices[0]?.delta?.content) first = performance.now() - t0;
      return first;
    };
    const routerTtft = async (r: Router, model: string): Promise<number> => {
      const t0 = performance.now();
      let first = 0;
      for await (const y of r.route(req(model))) if (!first && y.type === 'chunk' && y.text) first = performance.now() - t0;
      return first;
    };
    /** Routing time outside the winning attempt's own wait for its first token (ms), from the router's events. */
    const routerGap = async (r: Router, model: string): Promise<number> => {
      let gap = 0;
      let winnerTtft = 0;
      for await (const y of r.route(req(model))) {
        if (y.type === 'done') gap = y.msToFirstToken - winnerTtft;
        if (y.type === 'attempt' && y.outcome === 'ok') winnerTtft = y.msToFirstToken ?? 0;
      }
      return gap;
    };
    const sdkFail = async (model: string): Promise<number> => {
      const t0 = performance.now();
      try {
        await sdk.chat.completions.create({ model, messages: [{ role: 'user', content: PROMPT }], stream: true });
      } catch {
        // expected
      }
      return performance.now() - t0;
    };

    // Warm up both paths (JIT, keep-alive sockets).
    for (let i = 0; i < 50; i++) {
      await sdkTtft('sim/echo');
      await routerTtft(router, 'sim/echo');
      await bareTtft();
    }

    // 1. Added TTFT, interleaved (the three take turns at going first).
    const n = quick ? 300 : 2000;
    const sdkT: number[] = [];
    const routerT: number[] = [];
    const bareT: number[] = [];
    const runs = [
      async () => sdkT.push(await sdkTtft('sim/echo')),
      async () => routerT.push(await routerTtft(router, 'sim/echo')),
      async () => bareT.push(await bareTtft()),
    ];
    for (let i = 0; i < n; i++) for (let j = 0; j < 3; j++) await runs[(i + j) % 3]();
    bareAgent.destroy();

    // 2. Streaming throughput on a 2000-token answer: chunks per second, median of interleaved runs.
    const reps = quick ? 6 : 20;
    const lorem = 'sim/lorem?tokens=2000';
    const sdkRate: number[] = [];
    const routerRate: number[] = [];
    for (let i = 0; i < reps; i++) {
      let t0 = performance.now();
      let chunks = 0;
      const s = await sdk.chat.completions.create({
        model: lorem,
        messages: [{ role: 'user', content: PROMPT }],
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const _ of s) chunks++;
      sdkRate.push(chunks / ((performance.now() - t0) / 1000));
      t0 = performance.now();
      chunks = 0;
      for await (const y of router.route(req(lorem))) if (y.type === 'chunk') chunks++;
      routerRate.push(chunks / ((performance.now() - t0) / 1000));
    }

    // 3. Failover: primary 503 (retries 0) → sim/echo, against a direct failed request plus a direct sim/echo.
    const failover = makeRouter({ fallbacks: { '*': ['sim/echo'] } }, { failureThreshold: 1_000_000, cooldownMs: 1 });
    const fn = quick ? 100 : 500;
    const failoverT: number[] = [];
    const directT: number[] = [];
    for (let i = 0; i < 20; i++) await routerTtft(failover, 'sim/fail?status=503');
    const failGap: number[] = [];
    const failedAttemptMs: number[] = [];
    const subF = failover.onEvent((e) => {
      if (e.type === 'attempt' && e.outcome === 'error') failedAttemptMs.push(e.msTotal);
    });
    for (let i = 0; i < fn; i++) {
      failoverT.push(await routerTtft(failover, 'sim/fail?status=503'));
      const failMs = await sdkFail('sim/fail?status=503');
      directT.push(failMs + (await sdkTtft('sim/echo')));
    }
    failedAttemptMs.length = 0;
    for (let i = 0; i < fn; i++) failGap.push((await routerGap(failover, 'sim/fail?status=503')) - failedAttemptMs[i]);
    subF.dispose();

    // 4. Open breaker: the primary's breaker is open, so the answer comes from the fallback; compare with asking
    //    the fallback directly through the same router.
    const broken = makeRouter({ fallbacks: { '*': ['sim/echo'] } }, { failureThreshold: 1, cooldownMs: 3_600_000 });
    await routerTtft(broken, 'sim/fail?status=503');
    const openT: number[] = [];
    const plainT: number[] = [];
    let skippedMs = 0;
    const sub = broken.onEvent((e) => {
      if (e.type === 'attempt' && e.outcome === 'skipped-breaker-open') skippedMs = Math.max(skippedMs, e.msTotal);
    });
    const openGap: number[] = [];
    const plainGap: number[] = [];
    for (let i = 0; i < fn; i++) {
      openT.push(await routerTtft(broken, 'sim/fail?status=503'));
      plainT.push(await routerTtft(broken, 'sim/echo'));
      openGap.push(await routerGap(broken, 'sim/fail?status=503'));
      plainGap.push(await routerGap(broken, 'sim/echo'));
    }
    sub.dispose();
    router.dispose();
    failover.dispose();
    broken.dispose();

    const bareRatioP50 = pct(routerT, 50) / pct(bareT, 50);
    const addedP50 = pct(routerT, 50) - pct(sdkT, 50);
    const addedP99 = pct(routerT, 99) - pct(sdkT, 99);
    const throughputRatio = pct(routerRate, 50) / pct(sdkRate, 50);
    const failoverExtra = pct(failoverT, 50) - pct(directT, 50);
    const openBreakerMs = pct(openT, 50) - pct(plainT, 50);
    const openBreakerGap = pct(openGap, 50) - pct(plainGap, 50);
    const failoverGap = pct(failGap, 50);
    return {
      requests: n,
      sdk_ttft_p50_ms: r3(pct(sdkT, 50)),
      sdk_ttft_p99_ms: r3(pct(sdkT, 99)),
      router_ttft_p50_ms: r3(pct(routerT, 50)),
      router_ttft_p99_ms: r3(pct(routerT, 99)),
      bare_http_ttft_p50_ms: r3(pct(bareT, 50)),
      bare_http_ttft_p99_ms: r3(pct(bareT, 99)),
      router_over_bare_http_ttft_p50: r3(bareRatioP50),
      added_ttft_p50_ms: r3(addedP50),
      added_ttft_p99_ms: r3(addedP99),
      sdk_chunks_per_s: Math.round(pct(sdkRate, 50)),
      router_chunks_per_s: Math.round(pct(routerRate, 50)),
      throughput_ratio: r3(throughputRatio),
      failover_router_p50_ms: r3(pct(failoverT, 50)),
      failover_direct_fail_plus_answer_p50_ms: r3(pct(directT, 50)),
      failover_extra_p50_ms: r3(failoverExtra),
      // From the router's own events: routing time outside both attempts' upstream time (setup, decision, retry logic).
      failover_router_overhead_p50_ms: r3(failoverGap),
      open_breaker_extra_p50_ms: r3(openBreakerMs),
      open_breaker_router_overhead_p50_ms: r3(openBreakerGap),
      open_breaker_skipped_attempt_ms: r3(skippedMs),
      goals: {
        ttft_p50_le_1_5x_bare_http: bareRatioP50 <= 1.5,
        ttft_p99_le_sdk: pct(routerT, 99) <= pct(sdkT, 99),
        added_ttft_p50_le_0_3ms: addedP50 <= 0.3,
        added_ttft_p99_le_1ms: addedP99 <= 1,
        throughput_ge_95pct: throughputRatio >= 0.95,
        failover_le_1ms: failoverExtra <= 1 && failoverGap <= 1,
        open_breaker_0ms: skippedMs === 0 && openBreakerGap <= 0.1,
      },
    };
  } finally {
    await sim.close();
  }
}
