// The chaos run shared by `npm run test:chaos` (1000 requests) and the quick version in `npm test`: many concurrent
// requests through the real core (router + usage ledger), or through the local gateway with the official openai SDK
// as client, against `sim/flaky` with `sim/echo` as the healthy fallback. It returns figures; the tests assert on them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { parseConfig } from '../../src/core/config/settings';
import { createCore, type Core } from '../../src/core/createCore';
import { StreamBrokenError } from '../../src/core/base/errors';
import { estimateTokens } from '../../src/core/prompt/tokens';
import { httpAgent, httpsAgent } from '../../src/core/net/transport';
import type { AttemptEvent, RoutingEvent } from '../../src/core/base/types';
import { startLocalGateway, type LocalGateway } from '../../src/gateway/server';
import { startSim, type Sim, type SimStats } from '../sim/server';

export type ChaosClient = 'router' | 'gateway';

export interface ChaosOptions {
  requests: number;
  concurrency: number;
  seed: number;
  /** Failure probability of `sim/flaky`. */
  p?: number;
  client: ChaosClient;
  retries?: number;
  firstTokenMs?: number;
}

/** How an attempt on the flaky model failed, as the router saw it. */
export type FaultKind = '503' | '429' | 'reset-before-token' | 'reset-after-token' | 'malformed' | 'hang' | 'other';

export interface ChaosFigures {
  client: ChaosClient;
  requests: number;
  /** Requests that ended with exactly the expected text (directly or after "continue with <fallback>"). */
  answered: number;
  /** Of those, requests whose first stream broke after tokens and were continued with the fallback. */
  continuedAfterBreak: number;
  /** Requests that got more than one final answer, or whose text was not the one answer expected. */
  duplicates: number;
  wrongText: number;
  /** Requests that ended in an error the chaos run cannot continue from. */
  failed: string[];
  faults: Record<FaultKind, number>;
  /** Routing events seen. */
  attemptEvents: number;
  /** Attempt events that went to the network (not breaker skips). */
  networkAttempts: number;
  doneEvents: number;
  errorEvents: number;
  /** Routes started (requests + continuations). */
  routes: number;
  /** requestIds (router client) with more than one done event, or with both done and error. */
  doubleFinals: number;
  sim: SimStats;
  ledger: { records: number; answered: number; promptTokens: number; completionTokens: number; estimatedAnswers: number };
  unhandledRejections: string[];
  /** Active handles/requests left after everything was closed, by type (only types that grew). */
  leakedHandles: Record<string, number>;
  wallMs: number;
}

const FLAKY_PREFIX = 'sim/flaky';
const FALLBACK = 'sim/echo';
const KEY = 'sk-chaos-run-0000000000';
/** What the driver asks the fallback after a break; echo answers with it, so the continuation is checkable too. */
const continuePrompt = (i: number) => `continue answer ${i} from where it stopped`;
/** Unique per request, so a crossed or doubled stream shows up as wrong text. */
const promptFor = (i: number) => `chaos request ${i}: route me through the flaky upstream ${i % 7 === 0 ? 'κόσμε مرحبا 🌍' : 'please'}`;

function countResources(): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}

function grown(before: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of countResources()) if (n > (before.get(k) ?? 0)) out[k] = n - (before.get(k) ?? 0);
  return out;
}

/** Sockets close a few event-loop turns after `close()`: wait for that, with a deadline. */
async function settledLeaks(before: Map<string, number>, deadlineMs: number): Promise<Record<string, number>> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const g = grown(before);
    if (Object.keys(g).length === 0 || Date.now() > until) return g;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function faultKindOf(a: AttemptEvent): FaultKind | undefined {
  if (a.outcome === 'ok' || a.outcome === 'skipped-breaker-open' || a.outcome === 'hedge-lost' || a.outcome === 'cancelled') return undefined;
  if (a.outcome === 'broken-after-tokens') return 'reset-after-token';
  if (a.outcome === 'timeout') return 'hang';
  if (a.status === 503) return '503';
  if (a.status === 429) return '429';
  if (a.errorCode === 'malformed') return 'malformed';
  if (a.errorCode === 'connection') return 'reset-before-token';
  return 'other';
}

interface OneResult {
  text: string;
  finals: number;
  broken: boolean;
  error?: string;
}

type Ask = (model: string, messages: OpenAI.Chat.ChatCompletionMessageParam[], id: string) => Promise<OneResult>;

function routerAsk(core: Core): Ask {
  return async (model, messages, id) => {
    let text = '';
    let finals = 0;
    try {
      for await (const y of core.router.route({ model, messages }, { requestId: id })) {
        if (y.type === 'chunk') text += y.text;
        else if (y.type === 'done') finals++;
      }
      return { text, finals, broken: false };
    } catch (e) {
      if (e instanceof StreamBrokenError && e.continueWith === FALLBACK && text.length > 0) return { text, finals, broken: true };
      return { text, finals, broken: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
  };
}

function gatewayAsk(gw: LocalGateway): Ask {
  const client = new OpenAI({ baseURL: gw.url, apiKey: gw.token, maxRetries: 0, timeout: 20_000 });
  return async (model, messages) => {
    let text = '';
    let finals = 0;
    try {
      const stream = await client.chat.completions.create({ model, messages, stream: true });
      for await (const c of stream) {
        text += c.choices[0]?.delta?.content ?? '';
        if (c.choices[0]?.finish_reason) finals++;
      }
      return { text, finals, broken: false };
    } catch (e) {
      // Through the gateway a mid-stream break arrives as an in-stream OpenAI error after some text.
      if (e instanceof OpenAI.APIError && text.length > 0 && /You can continue with sim\/echo/.test(e.message)) return { text, finals, broken: true };
      return { text, finals, broken: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
  };
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosFigures> {
  const before = countResources();
  const unhandledRejections: string[] = [];
  const onUnhandled = (reason: unknown) => unhandledRejections.push(reason instanceof Error ? (reason.stack ?? reason.message) : String(reason));
  process.on('unhandledRejection', onUnhandled);

  const dir = await mkdtemp(join(tmpdir(), 'switchboard-chaos-'));
  const sim: Sim = await startSim();
  const flaky = `${FLAKY_PREFIX}?p=${opts.p ?? 0.3}&seed=${opts.seed}`;
  const { config, problems } = parseConfig({
    'gateway.preset': 'custom',
    'gateway.baseUrl': sim.url,
    model: flaky,
    fallbacks: { '*': [FALLBACK] },
    retries: opts.retries ?? 1,
    'timeouts.connectMs': 2_000,
    'timeouts.firstTokenMs': opts.firstTokenMs ?? 3_000,
    'timeouts.idleMs': 1_000,
  });
  if (problems.length) throw new Error(problems.map((p) => p.message).join('\n'));
  const core = await createCore({
    config,
    keys: async () => KEY,
    usageFile: join(dir, 'usage.jsonl'),
    // The breaker would (rightly) stop sending to a 30 %-failing model; here every request must meet the faults.
    routerTuning: { breaker: { failureThreshold: 1_000_000 }, retryBaseMs: 5 },
  });
  const events: RoutingEvent[] = [];
  const sub = core.router.onEvent((e) => events.push(e));
  // The tokenizer's tables load synchronously on the first estimate (~2 s here), which would stall every stream in
  // flight past a 300 ms first-token timeout; load them first so the run measures routing, not that stall.
  estimateTokens('warm up');
  await core.listModels({ waitForGateway: true }); // the catalog's /models call, out of the way before the reset
  const gw = opts.client === 'gateway' ? await startLocalGateway({ core, port: 0 }) : undefined;
  const ask = gw ? gatewayAsk(gw) : routerAsk(core);
  // One healthy request first, so lazy loading (SDK, ledger, first JIT) is not mistaken for a hang.
  const warm = await ask(FALLBACK, [{ role: 'user', content: 'warm up' }], 'chaos-warm-up');
  if (warm.error || warm.text !== 'warm up') throw new Error(`The warm-up request failed: ${warm.error ?? warm.text}`);
  await core.flush();
  const ledgerBefore = core.ledger.records().length;
  events.length = 0;
  sim.reset();

  let answered = 0;
  let continuedAfterBreak = 0;
  let duplicates = 0;
  let wrongText = 0;
  let routes = 0;
  const failed: string[] = [];
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < opts.requests; i = next++) {
      const prompt = promptFor(i);
      routes++;
      const first = await ask(flaky, [{ role: 'user', content: prompt }], `chaos-${i}`);
      let result = first;
      let expected = prompt;
      if (first.broken) {
        // DESIGN § Routing semantics: a break after tokens keeps the partial text and offers the fallback.
        if (!prompt.startsWith(first.text)) wrongText++;
        const cont = continuePrompt(i);
        routes++;
        result = await ask(
          FALLBACK,
          [
            { role: 'user', content: prompt },
            { role: 'assistant', content: first.text },
            { role: 'user', content: cont },
          ],
          `chaos-${i}-cont`,
        );
        expected = cont;
      }
      if (result.error) {
        failed.push(`#${i}: ${result.error}`);
        continue;
      }
      if (result.finals !== 1 || first.finals > (first.broken ? 0 : 1)) duplicates++;
      if (result.text !== expected) wrongText++;
      else {
        answered++;
        if (first.broken) continuedAfterBreak++;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const wallMs = performance.now() - t0;

  await gw?.close();
  await core.flush();
  const simStats = sim.stats();
  const records = core.ledger.records().slice(ledgerBefore);
  sub.dispose();
  core.dispose();
  await sim.close();
  httpAgent.destroy();
  httpsAgent.destroy();
  // Shorter than every timeout in the run: a timer left armed is still pending when this gives up.
  const leakedHandles = await settledLeaks(before, 500);
  process.off('unhandledRejection', onUnhandled);
  await rm(dir, { recursive: true, force: true });

  const attempts = events.filter((e): e is AttemptEvent => e.type === 'attempt');
  const faults: Record<FaultKind, number> = { '503': 0, '429': 0, 'reset-before-token': 0, 'reset-after-token': 0, malformed: 0, hang: 0, other: 0 };
  for (const a of attempts) {
    if (!a.model.startsWith(FLAKY_PREFIX)) continue;
    const k = faultKindOf(a);
    if (k) faults[k]++;
  }
  const finalsById = new Map<string, number>();
  for (const e of events) if (e.type === 'done' || e.type === 'error') finalsById.set(e.requestId, (finalsById.get(e.requestId) ?? 0) + 1);
  const answeredRecords = records.filter((r) => !r.error);
  return {
    client: opts.client,
    requests: opts.requests,
    answered,
    continuedAfterBreak,
    duplicates,
    wrongText,
    failed,
    faults,
    attemptEvents: attempts.length,
    networkAttempts: attempts.filter((a) => a.outcome !== 'skipped-breaker-open' && a.errorCode !== 'no-key').length,
    doneEvents: events.filter((e) => e.type === 'done').length,
    errorEvents: events.filter((e) => e.type === 'error').length,
    routes,
    doubleFinals: [...finalsById.values()].filter((n) => n > 1).length,
    sim: simStats,
    ledger: {
      records: records.length,
      answered: answeredRecords.length,
      promptTokens: answeredRecords.reduce((s, r) => s + r.usage.promptTokens, 0),
      completionTokens: answeredRecords.reduce((s, r) => s + r.usage.completionTokens, 0),
      estimatedAnswers: answeredRecords.filter((r) => r.usage.estimated).length,
    },
    unhandledRejections,
    leakedHandles,
    wallMs,
  };
}

/** One line per figure, for the test log and BENCHMARKS.md. */
export function describeFigures(f: ChaosFigures): string {
  const faults = Object.entries(f.faults)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const leaked = Object.keys(f.leakedHandles).length ? JSON.stringify(f.leakedHandles) : '0';
  return [
    `client ${f.client}: ${f.requests} requests, ${f.answered} answered (${f.continuedAfterBreak} after a mid-stream break, continued with the fallback), ${f.failed.length} failed`,
    `faults injected (seen by the router): ${faults} — ${Object.values(f.faults).reduce((a, b) => a + b, 0)} in ${f.networkAttempts} attempts`,
    `duplicates ${f.duplicates}, wrong text ${f.wrongText}, double finals ${f.doubleFinals}, unhandled rejections ${f.unhandledRejections.length}, leaked handles ${leaked}`,
    `sim: ${f.sim.requests} requests, ${f.sim.completed} completed, ${f.sim.promptTokens}+${f.sim.completionTokens} tokens; ledger: ${f.ledger.answered} answers, ${f.ledger.promptTokens}+${f.ledger.completionTokens} tokens`,
    `wall ${Math.round(f.wallMs)} ms`,
  ].join('\n');
}

/** The invariants every chaos run must meet, whatever its size and client. */
export function assertChaosInvariants(f: ChaosFigures): void {
  assert.deepEqual(f.failed, [], 'every request is answered');
  assert.equal(f.answered, f.requests, '100 % answered');
  assert.equal(f.duplicates, 0, 'exactly one final answer per request');
  assert.equal(f.wrongText, 0, 'every answer is the one expected (no crossed or doubled streams)');
  assert.equal(f.doubleFinals, 0, 'no request id has two final events');
  assert.equal(f.doneEvents, f.requests, 'one done event per request (the continuation counts for a broken stream)');
  assert.equal(f.errorEvents, f.continuedAfterBreak, 'the only errors are mid-stream breaks, each continued');
  assert.deepEqual(f.unhandledRejections, [], 'no unhandled rejection');
  assert.deepEqual(f.leakedHandles, {}, 'no socket, server or timer left behind');
  assert.equal(f.sim.inFlight, 0, 'the simulator has no request left open');
  assert.equal(f.networkAttempts, f.sim.requests, 'one attempt event per upstream request');
  assert.equal(f.sim.completed, f.doneEvents, 'every answer the simulator completed reached the caller');
  assert.equal(f.ledger.answered, f.sim.completed, 'one ledger record per answer');
  assert.equal(f.ledger.estimatedAnswers, 0, 'answers carry the upstream usage');
  assert.equal(f.ledger.promptTokens, f.sim.promptTokens, 'ledger prompt tokens = simulator');
  assert.equal(f.ledger.completionTokens, f.sim.completionTokens, 'ledger completion tokens = simulator');
  for (const [kind, n] of Object.entries(f.faults)) if (kind !== 'other') assert.ok(n > 0, `fault kind ${kind} was injected`);
  assert.equal(f.faults.other, 0, 'every failure is one of the simulated kinds');
}
