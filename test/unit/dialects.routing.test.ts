// Real providers' documented wire formats (test/sim/dialects.ts) through what a user runs today: the router, the
// local gateway (with the official openai SDK as its client) and `switchboard ask --json`. What must keep working:
// the answer text (never the reasoning), usage, error kinds, retry and fallback on 529 / 429 / an HTML 502, and
// context-length handling.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startSim, type Sim } from '../sim/server';
import { Catalog } from '../../src/core/catalog/catalog';
import { parseConfig } from '../../src/core/config/settings';
import { createCore, type Core } from '../../src/core/createCore';
import { Router } from '../../src/core/routing/router';
import type { AttemptEvent, ChatRequest, DoneEvent, ModelInfo, RouteYield } from '../../src/core/base/types';
import { startLocalGateway, type LocalGateway } from '../../src/gateway/server';
import { askCli } from './support/askCli';

const KEY = 'sk-dialects-routing-secret';
let sim: Sim;
before(async () => (sim = await startSim({ key: KEY })));
after(() => sim.close());
beforeEach(() => sim.reset());

const settings = (extra: Record<string, unknown> = {}) => ({
  'gateway.preset': 'custom',
  'gateway.baseUrl': sim.url,
  'timeouts.firstTokenMs': 3000,
  retries: 1,
  ...extra,
});

const model = (id: string, contextWindow: number): ModelInfo => ({
  id,
  provider: 'dialect',
  pricing: { input: 1e-6, output: 2e-6 },
  contextWindow,
  tags: [],
  source: 'builtin',
});

function makeRouter(extra: Record<string, unknown> = {}): Router {
  const { config, problems } = parseConfig(settings(extra));
  assert.deepEqual(problems, []);
  return new Router({
    config,
    keys: async (name) => (name === 'switchboard.apiKey' ? KEY : undefined),
    catalog: new Catalog({ extraModels: [model('dialect/openai-context?max=2', 100), model('dialect/openai', 50), model('dialect/gemini', 1000)] }),
    retryBaseMs: 1,
    refreshCatalog: false,
  });
}

async function route(router: Router, m: string) {
  const req: ChatRequest = { model: m, messages: [{ role: 'user', content: 'hello big world' }] };
  const yields: RouteYield[] = [];
  let error: unknown;
  try {
    for await (const y of router.route(req)) yields.push(y);
  } catch (e) {
    error = e;
  }
  const attempts = yields.filter((y): y is AttemptEvent => y.type === 'attempt');
  return {
    error,
    text: yields.map((y) => (y.type === 'chunk' ? y.text : '')).join(''),
    done: yields.find((y): y is DoneEvent => y.type === 'done'),
    summary: attempts.map((a) => `${a.model}:${a.outcome}${a.status ? ':' + a.status : ''}`),
    attempts,
  };
}

describe('dialects through the router', () => {
  for (const dialect of ['openai', 'openrouter', 'azure', 'deepseek', 'deepseek?field=reasoning', 'gemini', 'groq', 'ollama']) {
    test(`dialect/${dialect}: the answer text, one ok attempt, usage`, async () => {
      const r = await route(makeRouter(), `dialect/${dialect}`);
      assert.equal(r.error, undefined);
      assert.equal(r.text, 'hello big world', 'the answer, never the reasoning');
      assert.deepEqual(r.summary, [`dialect/${dialect}:ok`]);
      // Groq reports usage only in x_groq.usage, which the router does not read yet (chunks.ts usageOf does).
      if (dialect !== 'groq') assert.deepEqual([r.done?.usage.promptTokens, r.done?.usage.estimated], [3, false]);
    });
  }

  test('DeepSeek reasoning tokens reach the usage', async () => {
    const r = await route(makeRouter(), 'dialect/deepseek');
    assert.equal(r.done?.usage.reasoningTokens, 10);
    assert.equal(r.done?.usage.completionTokens, 13);
  });

  test('Anthropic 529 is retried, then the fallback answers', async () => {
    const r = await route(makeRouter({ fallbacks: { 'dialect/anthropic-529': ['dialect/openai'] } }), 'dialect/anthropic-529');
    assert.deepEqual(r.summary, ['dialect/anthropic-529:error:529', 'dialect/anthropic-529:error:529', 'dialect/openai:ok']);
    assert.equal(r.text, 'hello big world');
    assert.equal(r.done?.fallback, true);
  });

  test('429 with retry-after-ms is retried after the wait, then the fallback answers', async () => {
    const r = await route(makeRouter({ fallbacks: { '*': ['dialect/gemini'] } }), 'dialect/openai-429?retryAfterMs=30');
    assert.deepEqual(r.summary, ['dialect/openai-429?retryAfterMs=30:error:429', 'dialect/openai-429?retryAfterMs=30:error:429', 'dialect/gemini:ok']);
    assert.equal(r.attempts[0].errorCode, 'rate-limited');
  });

  test("a CDN's HTML 502 is retried, then the fallback answers", async () => {
    const r = await route(makeRouter({ fallbacks: { '*': ['dialect/ollama'] } }), 'dialect/cdn-502');
    assert.deepEqual(r.summary, ['dialect/cdn-502:error:502', 'dialect/cdn-502:error:502', 'dialect/ollama:ok']);
    assert.equal(r.attempts[0].errorCode, 'unavailable');
  });

  test('context_length_exceeded is not retried; the fallback with a larger window answers', async () => {
    const r = await route(makeRouter({ fallbacks: { '*': ['dialect/openai', 'dialect/gemini'] } }), 'dialect/openai-context?max=2');
    assert.deepEqual(r.summary, ['dialect/openai-context?max=2:error:400', 'dialect/gemini:ok']);
    assert.equal(r.attempts[0].errorCode, 'context-length');
    assert.equal(r.attempts[1].role, 'context-fallback');
  });

  test("OpenRouter's mid-stream error after words were shown keeps them and marks the break; no second answer", async () => {
    const r = await route(makeRouter({ fallbacks: { '*': ['dialect/openai'] } }), 'dialect/openrouter?errorAfter=1');
    assert.equal(r.text, 'hello');
    assert.deepEqual(r.summary, ['dialect/openrouter?errorAfter=1:broken-after-tokens']);
    assert.ok(r.error instanceof Error && /Provider disconnected unexpectedly/.test(r.error.message), String(r.error));
  });
});

describe('dialects through the local gateway', () => {
  let core: Core;
  let gw: LocalGateway;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-dialects-gw-'));
    const { config } = parseConfig(settings({ fallbacks: { 'dialect/anthropic-529': ['dialect/azure'] } }));
    core = await createCore({
      config,
      userSetBaseUrl: true,
      keys: async (n) => (n === 'switchboard.apiKey' ? KEY : undefined),
      usageFile: join(dir, 'usage.jsonl'),
    });
    gw = await startLocalGateway({ core, port: 0 });
  });
  after(async () => {
    await gw.close();
    await core.flush();
    core.dispose();
    await rm(dir, { recursive: true, force: true });
  });
  const client = () => new OpenAI({ baseURL: gw.url, apiKey: gw.token, maxRetries: 0 });

  for (const dialect of ['openrouter', 'azure', 'deepseek', 'gemini', 'groq']) {
    test(`dialect/${dialect}: streamed and non-streamed answers carry the text`, async () => {
      const messages = [{ role: 'user' as const, content: 'hello big world' }];
      let text = '';
      for await (const c of await client().chat.completions.create({ model: `dialect/${dialect}`, messages, stream: true }))
        text += c.choices[0]?.delta?.content ?? '';
      assert.equal(text, 'hello big world');
      const whole = await client().chat.completions.create({ model: `dialect/${dialect}`, messages });
      assert.equal(whole.choices[0].message.content, 'hello big world');
      assert.equal(whole.usage?.prompt_tokens, 3);
    });
  }

  test('a 529 upstream falls back behind the gateway; the client sees one answer', async () => {
    const whole = await client().chat.completions.create({ model: 'dialect/anthropic-529', messages: [{ role: 'user', content: 'hello big world' }] });
    assert.equal(whole.choices[0].message.content, 'hello big world');
  });

  test('context_length_exceeded with no fallback reaches the client as an error naming the context window', async () => {
    await assert.rejects(
      client().chat.completions.create({ model: 'dialect/openai-context?max=2', messages: [{ role: 'user', content: 'hello big world' }] }),
      (e: unknown) => e instanceof OpenAI.APIError && /longer than the model's context window/.test(e.message),
    );
  });
});

describe('dialects through `switchboard ask --json`', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'sb-dialects-cli-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  async function ask(m: string, extra: Record<string, unknown> = {}): Promise<{ code: number; json: Record<string, unknown>; stderr: string }> {
    const configFile = join(dir, `config-${m.replace(/\W/g, '_')}.json`);
    await writeFile(configFile, JSON.stringify(settings(extra)));
    const env = { ...process.env, SWITCHBOARD_API_KEY: KEY, OPENAI_API_KEY: '' };
    // The timeout is generous: four CLIs start at once on a loaded machine.
    const r = await askCli({ prompt: 'hello big world', model: m, configFile, usageFile: join(dir, 'usage.jsonl'), env, timeoutMs: 120_000 });
    const json = r.code === 0 || r.stdout ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
    return { code: r.code, json, stderr: r.stderr };
  }

  test('OpenRouter, DeepSeek, a 529 with a fallback, and an HTML 502 with none', async () => {
    const [openrouter, deepseek, overloaded, cdn] = await Promise.all([
      ask('dialect/openrouter'),
      ask('dialect/deepseek'),
      ask('dialect/anthropic-529', { fallbacks: { '*': ['dialect/groq'] } }),
      ask('dialect/cdn-502', { retries: 0 }),
    ]);
    assert.equal(openrouter.code, 0, openrouter.stderr);
    assert.equal(openrouter.json.text, 'hello big world');
    assert.deepEqual(openrouter.json.usage, { promptTokens: 3, completionTokens: 3, cachedTokens: 0, reasoningTokens: 0, estimated: false });

    assert.equal(deepseek.code, 0, deepseek.stderr);
    assert.equal(deepseek.json.text, 'hello big world', 'no reasoning in the answer');

    assert.equal(overloaded.code, 0, overloaded.stderr);
    assert.equal(overloaded.json.text, 'hello big world');
    assert.deepEqual(
      (overloaded.json.attempts as { model: string; outcome: string }[]).map((a) => `${a.model}:${a.outcome}`),
      ['dialect/anthropic-529:error', 'dialect/anthropic-529:error', 'dialect/groq:ok'],
    );

    assert.equal(cdn.code, 3, 'every candidate failed');
    assert.match(cdn.stderr, /502/);
  });
});
