// The local gateway's overhead beside @portkey-ai/gateway and a bare Node pipe (bench/pipe.js, the floor of any
// local hop): all on loopback in front of the same simulator, the same `openai` SDK client, the same run,
// interleaved. Non-streamed requests for the Portkey comparison, because Portkey cannot stream on Node 20 (see
// ../shared/tools/README.md). Each server runs in its own process (`switchboard serve`, Portkey's start-server, the
// pipe, the simulator) so none shares an event loop with the client.
// Figures: added latency p50/p99 over calling the simulator directly, requests/s at concurrency 1 and 32, and the
// ratio ours/Portkey (goal ≤ 1/3). Streamed: time to the first content token through us and through the pipe (goal:
// ours ≤ pipe + 0.3 ms).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { newLocalToken } from '../src/gateway/guard';
import { startPortkey } from '../test/support/portkey';
import type { BenchOptions } from './run';
import { cpuMs } from './support/cpuMs';
import { pct, r3 } from './support/figures';
import { spawnListening, type Proc } from './support/spawnListening';

const KEY = 'sk-bench-gateway';
const MODEL = 'sim/echo';
const PROMPT = 'say something short please';
const ROOT = join(__dirname, '..');

type Call = () => Promise<unknown>;

async function timed(call: Call): Promise<number> {
  const t0 = performance.now();
  await call();
  return performance.now() - t0;
}

async function throughput(call: Call, concurrency: number, total: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await call();
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}

export default async function gatewayBench({ quick }: BenchOptions): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-gateway-bench-'));
  const procs: Proc[] = [];
  try {
    const sim = await spawnListening(['test/sim/main.ts', '--port', '0', '--key', KEY]);
    procs.push(sim);
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url, retries: 0, model: MODEL }));
    const token = newLocalToken();
    // The shipped CLI bundle (`npm run bench` builds it first), as a user runs `switchboard serve`.
    const ours = await spawnListening(
      [join(ROOT, 'dist/cli.js'), 'serve', '--port', '0', '--token', token, '--config', config, '--usage-file', join(dir, 'usage.jsonl')],
      {
        ...process.env,
        SWITCHBOARD_API_KEY: KEY,
        OPENAI_API_KEY: '',
      },
    );
    procs.push(ours);
    const portkey = await startPortkey();
    procs.push({ url: portkey.url, pid: portkey.pid, stop: portkey.stop });
    const pipe = await spawnListening([join(__dirname, 'pipe.js'), sim.url]);
    procs.push(pipe);

    const clients = {
      direct: new OpenAI({ baseURL: sim.url, apiKey: KEY, maxRetries: 0 }),
      pipe: new OpenAI({ baseURL: pipe.url, apiKey: KEY, maxRetries: 0 }),
      ours: new OpenAI({ baseURL: ours.url, apiKey: token, maxRetries: 0 }),
      portkey: new OpenAI({
        baseURL: portkey.url,
        apiKey: KEY,
        maxRetries: 0,
        defaultHeaders: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': sim.url },
      }),
    };
    type Target = keyof typeof clients;
    const targets: Target[] = ['direct', 'pipe', 'ours', 'portkey'];
    const calls: Record<Target, Call> = {
      direct: () => clients.direct.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: PROMPT }] }),
      pipe: () => clients.pipe.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: PROMPT }] }),
      ours: () => clients.ours.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: PROMPT }] }),
      portkey: () => clients.portkey.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: PROMPT }] }),
    };
    const check = (await clients.portkey.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'ping through portkey' }] })).choices[0]
      .message.content;
    if (check !== 'ping through portkey') throw new Error(`Portkey did not relay the simulator's answer (got ${JSON.stringify(check)})`);

    const warmup = quick ? 50 : 200;
    const rounds = quick ? 200 : 1000;
    for (let i = 0; i < warmup; i++) for (const t of targets) await calls[t]();

    // Sequential latency, interleaved (rotating order) so drift hits every target alike.
    const lat: Record<Target, number[]> = { direct: [], pipe: [], ours: [], portkey: [] };
    // CPU each server process spends per request: robust to a busy machine, unlike wall-clock latency.
    const cpuBefore = { ours: cpuMs(ours.pid), portkey: cpuMs(portkey.pid) };
    for (let i = 0; i < rounds; i++) {
      for (let k = 0; k < targets.length; k++) {
        const t = targets[(i + k) % targets.length];
        lat[t].push(await timed(calls[t]));
      }
    }
    const cpuPerRequest = (t: 'ours' | 'portkey', pid: number) => {
      const a = cpuBefore[t];
      const b = cpuMs(pid);
      return a === undefined || b === undefined ? undefined : (b - a) / rounds;
    };
    const cpu = { ours: cpuPerRequest('ours', ours.pid), portkey: cpuPerRequest('portkey', portkey.pid) };
    const added = (t: Target, p: number) => pct(lat[t], p) - pct(lat.direct, p);

    // Throughput: two passes per target in alternating order, best of two.
    const rps = async (concurrency: number, total: number): Promise<Record<Target, number>> => {
      const best: Record<Target, number> = { direct: 0, pipe: 0, ours: 0, portkey: 0 };
      for (const order of [targets, [...targets].reverse()]) for (const t of order) best[t] = Math.max(best[t], await throughput(calls[t], concurrency, total));
      return best;
    };
    const c1 = await rps(1, quick ? 150 : 1000);
    const c32 = await rps(32, quick ? 400 : 3000);
    /** Extra ms per request implied by the lower throughput, against the direct baseline. */
    const perRequestCost = (r: Record<Target, number>, t: Target) => 1000 / r[t] - 1000 / r.direct;

    // Streaming through our gateway (Portkey cannot stream here): added time to the first content token.
    const ttft = async (client: OpenAI): Promise<number> => {
      const t0 = performance.now();
      let first = 0;
      const stream = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: PROMPT }], stream: true });
      for await (const c of stream) if (!first && c.choices[0]?.delta?.content) first = performance.now() - t0;
      return first;
    };
    const streamRounds = quick ? 100 : 1000;
    const streamed: Record<'direct' | 'pipe' | 'ours', number[]> = { direct: [], pipe: [], ours: [] };
    const streamTargets = ['direct', 'pipe', 'ours'] as const;
    for (let i = 0; i < streamRounds; i++)
      for (let k = 0; k < streamTargets.length; k++) {
        const t = streamTargets[(i + k) % streamTargets.length];
        streamed[t].push(await ttft(clients[t]));
      }
    const ttftOurs = streamed.ours;
    const ttftDirect = streamed.direct;

    const ratio = (a: number, b: number) => (b > 0 ? r3(a / b) : null);
    const p50Ratio = ratio(added('ours', 50), added('portkey', 50));
    return {
      requests_per_target: rounds,
      direct_p50_ms: r3(pct(lat.direct, 50)),
      direct_p99_ms: r3(pct(lat.direct, 99)),
      pipe_added_p50_ms: r3(added('pipe', 50)),
      pipe_added_p99_ms: r3(added('pipe', 99)),
      ours_added_p50_ms: r3(added('ours', 50)),
      ours_added_p99_ms: r3(added('ours', 99)),
      portkey_added_p50_ms: r3(added('portkey', 50)),
      portkey_added_p99_ms: r3(added('portkey', 99)),
      added_p50_ratio_ours_over_portkey: p50Ratio,
      cpu_ms_per_request: { ours: cpu.ours === undefined ? null : r3(cpu.ours), portkey: cpu.portkey === undefined ? null : r3(cpu.portkey) },
      cpu_ratio_ours_over_portkey: cpu.ours !== undefined && cpu.portkey ? r3(cpu.ours / cpu.portkey) : null,
      added_p99_ratio_ours_over_portkey: ratio(added('ours', 99), added('portkey', 99)),
      rps_c1: { direct: Math.round(c1.direct), pipe: Math.round(c1.pipe), ours: Math.round(c1.ours), portkey: Math.round(c1.portkey) },
      rps_c32: { direct: Math.round(c32.direct), pipe: Math.round(c32.pipe), ours: Math.round(c32.ours), portkey: Math.round(c32.portkey) },
      added_ms_per_request_c1_ratio_ours_over_portkey: ratio(perRequestCost(c1, 'ours'), perRequestCost(c1, 'portkey')),
      added_ms_per_request_c32_ratio_ours_over_portkey: ratio(perRequestCost(c32, 'ours'), perRequestCost(c32, 'portkey')),
      streamed_ttft_added_p50_ms: r3(pct(ttftOurs, 50) - pct(ttftDirect, 50)),
      streamed_ttft_added_p99_ms: r3(pct(ttftOurs, 99) - pct(ttftDirect, 99)),
      streamed_ttft_pipe_added_p50_ms: r3(pct(streamed.pipe, 50) - pct(ttftDirect, 50)),
      streamed_ttft_ours_over_pipe_p50_ms: r3(pct(ttftOurs, 50) - pct(streamed.pipe, 50)),
      streamed_ttft_ours_over_pipe_p99_ms: r3(pct(ttftOurs, 99) - pct(streamed.pipe, 99)),
      goal_ours_at_most_a_third_of_portkey: p50Ratio !== null && p50Ratio <= 1 / 3,
      goal_ours_at_most_a_third_of_portkey_p99: (ratio(added('ours', 99), added('portkey', 99)) ?? Infinity) <= 1 / 3,
      goal_streamed_ttft_within_pipe_plus_0_3ms: pct(ttftOurs, 50) - pct(streamed.pipe, 50) <= 0.3,
    };
  } finally {
    for (const p of procs.reverse()) await p.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
