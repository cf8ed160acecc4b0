// Real providers' documented wire formats (test/sim/dialects.ts) through today's transport (openChatStream), and the
// pure functions the router needs from them: the served model, the billed cost, reasoning kept apart from the answer,
// usage wherever the provider puts it.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { startSim, type Sim } from '../sim/server';
import { answerCost, billedCostOf } from '../../src/core/catalog/billedCost';
import { chunkShapeProblem, isTokenChunk, reasoningOf, textOf, usageOf } from '../../src/core/base/chunks';
import { parseConfig } from '../../src/core/config/settings';
import { GATEWAY_PRESETS, gatewayAutoModel, smartSelectMode } from '../../src/core/config/endpoints';
import { hasErrorCode, isSwitchboardError } from '../../src/core/base/errors';
import { pricingModel, servedModel, upstreamModelOf } from '../../src/core/routing/servedModel';
import { openChatStream } from '../../src/core/net/transport';
import type { ChatRequest } from '../../src/core/base/types';

const KEY = 'sk-dialects-secret';
let sim: Sim;
let openrouterGateway: Sim;
before(async () => {
  sim = await startSim({ key: KEY });
  openrouterGateway = await startSim({ key: KEY, dialect: 'openrouter' });
});
after(async () => {
  await sim.close();
  await openrouterGateway.close();
});
beforeEach(() => {
  sim.reset();
  openrouterGateway.reset();
});

interface Streamed {
  chunks: ChatCompletionChunk[];
  text: string;
  reasoning: string;
  error?: unknown;
}

async function stream(model: string, opts: { on?: Sim; nonStreaming?: boolean; body?: Partial<ChatRequest> } = {}): Promise<Streamed> {
  const target = opts.on ?? sim;
  const s = openChatStream({
    endpoint: { id: 'gateway', baseUrl: target.url, headers: {}, secretName: 'switchboard.apiKey' },
    key: KEY,
    upstreamModel: model,
    body: { model, messages: [{ role: 'user', content: 'hello big world' }], ...opts.body },
    nonStreaming: opts.nonStreaming,
    timeouts: { connectMs: 5000, firstTokenMs: 5000, idleMs: 5000 },
  });
  const out: Streamed = { chunks: [], text: '', reasoning: '' };
  try {
    for await (const c of s) {
      out.chunks.push(c);
      out.text += textOf(c);
      out.reasoning += reasoningOf(c);
    }
  } catch (e) {
    out.error = e;
  }
  return out;
}

const lastUsage = (r: Streamed) =>
  r.chunks
    .map(usageOf)
    .filter((u) => u !== undefined)
    .at(-1);

describe('each dialect through openChatStream', () => {
  test('OpenAI with include_usage: text, exact usage, the dated snapshot as the served model, no billed cost', async () => {
    const r = await stream('dialect/openai');
    assert.equal(r.error, undefined);
    assert.equal(r.text, 'hello big world');
    assert.equal(lastUsage(r)?.prompt_tokens, 3);
    assert.equal(lastUsage(r)?.completion_tokens, 3);
    assert.equal(servedModel('dialect/openai', r.chunks), 'gpt-4.1-2025-04-14');
    assert.equal(billedCostOf(lastUsage(r)), undefined);
  });

  test('OpenRouter: processing comments skipped, provider field tolerated, billed cost to the 1e-9, the served model', async () => {
    const r = await stream('dialect/openrouter?cost=0.000123456789&served=anthropic/claude-sonnet-4');
    assert.equal(r.error, undefined);
    assert.equal(r.text, 'hello big world');
    assert.equal(servedModel('dialect/openrouter', r.chunks), 'anthropic/claude-sonnet-4');
    const billed = billedCostOf(lastUsage(r));
    assert.ok(billed);
    assert.ok(Math.abs(billed.usd - 0.000123456789) < 1e-9);
    assert.equal(billed.upstreamUsd, undefined, '`upstream_inference_cost: null` is no figure');
    assert.deepEqual(answerCost({ billed, pricedUsd: 0, tokensEstimated: false }), { costUsd: billed.usd, costSource: 'billed' });
  });

  test('OpenRouter non-streamed: the billed cost and served model survive chunksFromCompletion', async () => {
    const r = await stream('dialect/openrouter?cost=0.5', { nonStreaming: true });
    assert.equal(r.error, undefined);
    assert.equal(r.text, 'hello big world');
    assert.equal(servedModel('dialect/openrouter', r.chunks), 'anthropic/claude-sonnet-4');
    assert.equal(billedCostOf(lastUsage(r))?.usd, 0.5);
  });

  test('OpenRouter mid-stream error event: the words before it arrive, then a mid-stream failure naming the cause', async () => {
    const r = await stream('dialect/openrouter?errorAfter=2');
    assert.equal(r.text, 'hello big');
    assert.ok(hasErrorCode(r.error, 'unavailable'), `got ${String(r.error)}`);
    assert.match((r.error as Error).message, /mid-stream: Provider disconnected unexpectedly/);
  });

  test('OpenRouter as the gateway: openrouter/auto is answered by a concrete model, named in every chunk', async () => {
    const r = await stream('openrouter/auto', { on: openrouterGateway });
    assert.equal(r.text, 'hello big world');
    const named = new Set(r.chunks.map(upstreamModelOf));
    assert.deepEqual([...named], ['anthropic/claude-sonnet-4']);
    assert.equal(servedModel('openrouter/auto', r.chunks), 'anthropic/claude-sonnet-4');
  });

  test('OpenRouter as the gateway: a concrete model is answered by itself; Select (assumed shape): smart-select by a concrete model', async () => {
    const concrete = await stream('openai/gpt-4.1', { on: openrouterGateway });
    assert.equal(servedModel('openai/gpt-4.1', concrete.chunks), 'openai/gpt-4.1');
    const select = await startSim({ key: KEY, dialect: 'select' });
    try {
      const auto = await stream('smart-select', { on: select });
      assert.equal(auto.text, 'hello big world');
      assert.equal(servedModel('smart-select', auto.chunks), 'anthropic/claude-sonnet-4.5');
      const direct = await stream('openai/gpt-4.1-mini', { on: select });
      assert.equal(servedModel('openai/gpt-4.1-mini', direct.chunks), 'openai/gpt-4.1-mini');
    } finally {
      await select.close();
    }
  });

  test("OpenRouter as the gateway walks the request's `models` list itself: one request, the fallback serves", async () => {
    const r = await stream('sim/fail?status=503', {
      on: openrouterGateway,
      body: { models: ['sim/fail?status=503', 'sim/fail?status=429', 'sim/echo'] } as Partial<ChatRequest>,
    });
    assert.equal(r.error, undefined);
    assert.equal(r.text, 'hello big world');
    assert.equal(servedModel('sim/fail?status=503', r.chunks), 'sim/echo');
    assert.equal(openrouterGateway.stats().requests, 1);
  });

  test('latencyMs delays every reply, errors included, as a round trip to a remote gateway would', async () => {
    const remote = await startSim({ key: KEY, dialect: 'openrouter', latencyMs: 60 });
    try {
      for (const model of ['openrouter/auto', 'dialect/cdn-502']) {
        const start = performance.now();
        await stream(model, { on: remote });
        assert.ok(performance.now() - start >= 60, `${model} answered before the latency passed`);
      }
    } finally {
      await remote.close();
    }
  });

  test('Azure: the prompt-filter chunk (no choices, model "") and the delta-less filter chunk pass; served model skips ""', async () => {
    const r = await stream('dialect/azure');
    assert.equal(r.error, undefined);
    assert.equal(r.text, 'hello big world');
    assert.equal(r.chunks[0].choices.length, 0);
    assert.equal(r.chunks[0].model, '');
    assert.equal(servedModel('dialect/azure', r.chunks), 'gpt-4o-2024-11-20');
    assert.equal(lastUsage(r)?.completion_tokens, 3);
  });

  for (const field of ['reasoning_content', 'reasoning']) {
    test(`DeepSeek reasoning (${field}): kept apart from the answer, counted as a token, reasoning tokens reported`, async () => {
      const r = await stream(`dialect/deepseek?field=${field}`);
      assert.equal(r.error, undefined);
      assert.equal(r.text, 'hello big world', 'no reasoning in the answer text');
      assert.equal(r.reasoning, 'The user wants their words back. I will repeat them.');
      const thinking = r.chunks.find((c) => reasoningOf(c) !== '');
      assert.ok(thinking && isTokenChunk(thinking) && textOf(thinking) === '');
      assert.equal(lastUsage(r)?.completion_tokens_details?.reasoning_tokens, 10);
      assert.equal(lastUsage(r)?.completion_tokens, 13);
    });
  }

  test("DeepSeek non-streamed: the message's reasoning_content becomes reasoning, never answer text", async () => {
    const r = await stream('dialect/deepseek', { nonStreaming: true });
    assert.equal(r.error, undefined);
    assert.equal(r.text, 'hello big world');
    assert.equal(r.reasoning, 'The user wants their words back. I will repeat them.');
  });

  test('Gemini OpenAI-compatible: CRLF line endings, usage on the finish chunk', async () => {
    const r = await stream('dialect/gemini');
    assert.equal(r.error, undefined);
    assert.equal(r.text, 'hello big world');
    assert.equal(servedModel('dialect/gemini', r.chunks), 'gemini-2.5-flash');
    const finish = r.chunks.find((c) => c.choices[0]?.finish_reason === 'stop');
    assert.equal(finish?.usage?.total_tokens, 6);
  });

  test('Groq: usage only in x_groq.usage is found by usageOf', async () => {
    const r = await stream('dialect/groq');
    assert.equal(r.error, undefined);
    assert.equal(r.text, 'hello big world');
    assert.ok(
      r.chunks.every((c) => !c.usage),
      'no top-level usage anywhere',
    );
    assert.equal(lastUsage(r)?.prompt_tokens, 3);
    assert.equal(lastUsage(r)?.completion_tokens, 3);
  });

  test('Ollama: the local model name, and "not found, try pulling it first" as a 404 naming the model', async () => {
    const ok = await stream('dialect/ollama');
    assert.equal(ok.text, 'hello big world');
    assert.equal(servedModel('dialect/ollama', ok.chunks), 'llama3.2');
    const missing = await stream('dialect/ollama?missing=1');
    assert.ok(hasErrorCode(missing.error, 'not-found'));
    assert.match((missing.error as Error).message, /model "llama3.2" not found, try pulling it first/);
  });

  test('Anthropic 529 overloaded: unavailable and retryable, message from the Anthropic error body', async () => {
    const r = await stream('dialect/anthropic-529');
    assert.ok(hasErrorCode(r.error, 'unavailable'));
    assert.equal((r.error as { retryable: boolean }).retryable, true);
    assert.match((r.error as Error).message, /HTTP 529\): Overloaded/);
  });

  test('429 with retry-after-ms: rate-limited, the wait taken from the header', async () => {
    const r = await stream('dialect/openai-429?retryAfterMs=250');
    assert.ok(hasErrorCode(r.error, 'rate-limited'));
    assert.equal((r.error as { retryAfterMs?: number }).retryAfterMs, 250);
  });

  test('context_length_exceeded: a context-length error, not retryable; a short prompt still answers', async () => {
    const long = await stream('dialect/openai-context?max=2');
    assert.ok(hasErrorCode(long.error, 'context-length'), `got ${String(long.error)}`);
    assert.equal((long.error as { retryable: boolean }).retryable, false);
    const short = await stream('dialect/openai-context?max=3');
    assert.equal(short.text, 'hello big world');
  });

  test('an unknown dialect is a 404 listing the dialects; an unknown server-wide dialect refuses to start', async () => {
    const r = await stream('dialect/nope');
    assert.ok(hasErrorCode(r.error, 'not-found'));
    assert.match((r.error as Error).message, /no dialect `nope`.*dialect\/openrouter/);
    await assert.rejects(startSim({ dialect: 'nope' }), /Unknown simulator dialect "nope"; dialects: openai, openrouter/);
  });

  test("a CDN's HTML 502: unavailable and retryable", async () => {
    const r = await stream('dialect/cdn-502');
    assert.ok(isSwitchboardError(r.error));
    assert.ok(hasErrorCode(r.error, 'unavailable'));
    assert.equal((r.error as { status?: number }).status, 502);
    assert.equal((r.error as { retryable: boolean }).retryable, true);
  });
});

describe('pure functions', () => {
  const chunk = (delta: Record<string, unknown>, model = 'm'): ChatCompletionChunk =>
    ({ id: 'x', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: null }] }) as ChatCompletionChunk;

  test('textOf never returns reasoning; reasoningOf never returns answer text', () => {
    assert.equal(textOf(chunk({ content: null, reasoning_content: 'thinking' })), '');
    assert.equal(textOf(chunk({ reasoning: 'thinking' })), '');
    assert.equal(reasoningOf(chunk({ reasoning_content: 'thinking' })), 'thinking');
    assert.equal(reasoningOf(chunk({ reasoning: 'thinking' })), 'thinking');
    assert.equal(reasoningOf(chunk({ content: 'answer' })), '');
    assert.equal(reasoningOf(chunk({ content: 'answer', reasoning_content: null })), '');
    assert.equal(reasoningOf({ ...chunk({}), choices: [] }), '');
  });

  test('servedModel: the first model named; empty and missing names skipped; the requested id when none', () => {
    assert.equal(servedModel('smart-select', [chunk({}, ''), chunk({}, 'anthropic/claude-sonnet-4.5')]), 'anthropic/claude-sonnet-4.5');
    assert.equal(servedModel('smart-select', [chunk({}, '  ')]), 'smart-select');
    assert.equal(servedModel('smart-select', [{ model: undefined as unknown as string }]), 'smart-select');
    assert.equal(servedModel('smart-select', []), 'smart-select');
  });

  test('pricingModel: served when known, then under the requested provider, then without a snapshot date, else requested', () => {
    const known = new Set(['openai/gpt-4.1', 'anthropic/claude-sonnet-4']);
    const has = (id: string) => known.has(id);
    assert.equal(pricingModel('anthropic/claude-sonnet-4', 'openrouter/auto', has), 'anthropic/claude-sonnet-4');
    assert.equal(pricingModel('gpt-4.1', 'openai/gpt-4.1', has), 'openai/gpt-4.1');
    assert.equal(pricingModel('gpt-4.1-2025-04-14', 'openai/gpt-4.1', has), 'openai/gpt-4.1');
    assert.equal(pricingModel('openai/gpt-4.1-2025-04-14', 'openrouter/auto', has), 'openai/gpt-4.1');
    assert.equal(pricingModel('mystery-model', 'openai/gpt-4.1', has), 'openai/gpt-4.1');
  });

  test('billedCostOf: a number (or numeric string) ≥ 0 in usage.cost; cost_details read beside it; otherwise undefined', () => {
    assert.deepEqual(billedCostOf({ cost: 0.95, cost_details: { upstream_inference_cost: 19 } }), { usd: 0.95, upstreamUsd: 19 });
    assert.deepEqual(billedCostOf({ cost: '0.25' }), { usd: 0.25 });
    assert.equal(billedCostOf({ cost: 0 })?.usd, 0);
    for (const bad of [undefined, null, {}, { cost: null }, { cost: -1 }, { cost: 'free' }, { cost: Number.NaN }, [1]])
      assert.equal(billedCostOf(bad), undefined, JSON.stringify(bad));
  });

  test('answerCost: billed when reported, else priced, else estimated', () => {
    assert.deepEqual(answerCost({ billed: undefined, pricedUsd: 0.1, tokensEstimated: false }), { costUsd: 0.1, costSource: 'priced' });
    assert.deepEqual(answerCost({ billed: undefined, pricedUsd: 0.1, tokensEstimated: true }), { costUsd: 0.1, costSource: 'estimated' });
    assert.deepEqual(answerCost({ billed: { usd: 0.3 }, pricedUsd: 0.1, tokensEstimated: true }), { costUsd: 0.3, costSource: 'billed' });
  });

  test('usageOf ignores an x_groq.usage that is not usage', () => {
    assert.equal(usageOf({ ...chunk({}), x_groq: { usage: { queue_time: 1 } } } as ChatCompletionChunk), undefined);
  });

  test("every dialect chunk shape passes chunkShapeProblem (Azure's delta-less choice included)", () => {
    assert.equal(chunkShapeProblem({ choices: [{ content_filter_results: {}, finish_reason: null, index: 0 }], model: '' }), undefined);
  });
});

describe('preset data', () => {
  const config = (settings: Record<string, unknown>) => {
    const { config, problems } = parseConfig(settings);
    assert.deepEqual(problems, []);
    return config;
  };

  test("auto-routing models, fallback lists and Select's direct-model header are declared as data", () => {
    assert.equal(GATEWAY_PRESETS.select.autoModel?.id, 'smart-select');
    assert.equal(GATEWAY_PRESETS.select.directModelHeader, 'x-model');
    assert.equal(GATEWAY_PRESETS.openrouter.autoModel?.id, 'openrouter/auto');
    assert.equal(GATEWAY_PRESETS.openrouter.fallbackListField, 'models');
    for (const p of ['litellm', 'portkey', 'openai', 'ollama', 'custom'] as const) {
      assert.equal(GATEWAY_PRESETS[p].autoModel, undefined, p);
      assert.equal(GATEWAY_PRESETS[p].fallbackListField, undefined, p);
    }
  });

  test('smartSelect.mode: the setting wins, else the preset default (gateway for Select, local elsewhere)', () => {
    assert.equal(smartSelectMode(config({})), 'gateway');
    assert.equal(smartSelectMode(config({ 'gateway.preset': 'openrouter' })), 'local');
    assert.equal(smartSelectMode(config({ 'smartSelect.mode': 'local' })), 'local');
    assert.equal(smartSelectMode(config({ 'gateway.preset': 'openrouter', 'smartSelect.mode': 'gateway' })), 'gateway');
    assert.equal(gatewayAutoModel(config({})), 'smart-select');
    assert.equal(gatewayAutoModel(config({ 'gateway.preset': 'openrouter', 'smartSelect.mode': 'gateway' })), 'openrouter/auto');
    assert.equal(gatewayAutoModel(config({ 'gateway.preset': 'openrouter' })), undefined);
  });

  test('gateway mode on a preset without an auto model says so, naming the preset and the setting', () => {
    assert.throws(
      () => gatewayAutoModel(config({ 'gateway.preset': 'ollama', 'smartSelect.mode': 'gateway' })),
      (e: unknown) => hasErrorCode(e, 'config') && e.setting === 'switchboard.smartSelect.mode' && /Ollama preset/.test(e.message) && /"local"/.test(e.message),
    );
  });

  test('an invalid smartSelect.mode is reported by name and leaves the preset default', () => {
    const { config, problems } = parseConfig({ 'smartSelect.mode': 'remote' });
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /switchboard\.smartSelect\.mode.*"local".*"gateway"/);
    assert.match(problems[0].fallbackNote ?? '', /preset's default/);
    assert.equal(config.smartSelect.mode, undefined);
  });
});
