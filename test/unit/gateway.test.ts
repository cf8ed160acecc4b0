// The local gateway as a user's script sees it: the official `openai` SDK against startLocalGateway (and once
// against `switchboard serve`), in front of the simulator, over the real core (router, catalog, usage ledger).
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Sim } from '../sim/server';
import { startGatewayHarness, type GatewayHarness } from './support/gatewayHarness';
import type { Core } from '../../src/core/createCore';
import { AllCandidatesFailedError, BudgetError, ConfigError, RateLimitedError } from '../../src/core/base/errors';
import { CompletionAggregator } from '../../src/gateway/aggregate';
import { createGuard, newLocalToken } from '../../src/gateway/guard';
import { serveTokenHint } from '../../src/cli/localToken';
import { httpErrorFrom } from '../../src/gateway/openaiErrors';
import { startLocalGateway, type LocalGateway } from '../../src/gateway/server';
import { nodeSnippet, pythonSnippet } from '../../src/gateway/snippets';

const SIM_KEY = 'sk-sim-upstream-secret';
let harness: GatewayHarness;
let sim: Sim;
let core: Core;
let gw: LocalGateway;
let dir: string;

const settings = (simUrl: string) => ({
  'gateway.preset': 'custom',
  'gateway.baseUrl': simUrl,
  retries: 0,
  'timeouts.firstTokenMs': 3000,
  'smartSelect.tiers': { fast: 'sim/echo', balanced: 'sim/echo', strong: 'sim/echo', reasoning: 'sim/echo' },
  fallbacks: { 'sim/fail?status=503': ['sim/echo'] },
});

before(async () => {
  harness = await startGatewayHarness({ simKey: SIM_KEY, dirPrefix: 'sb-gateway-', settings });
  ({ sim, core, gw, dir } = harness);
});
after(() => harness.close());
beforeEach(() => sim.reset());

const client = (apiKey = gw.token) => new OpenAI({ baseURL: gw.url, apiKey, maxRetries: 0 });

async function waitFor(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A raw request, for headers fetch will not let us set (Host, Origin). */
function raw(opts: { path: string; method?: string; headers: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: gw.port, path: opts.path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (s: string) => (body += s));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('local gateway through the openai SDK', () => {
  test("model 'smart-select' answers, and the answer is recorded in the usage ledger", async () => {
    const before = core.ledger.records().length;
    const reply = await client().chat.completions.create({ model: 'smart-select', messages: [{ role: 'user', content: 'hello from the sdk' }] });
    assert.equal(reply.object, 'chat.completion');
    assert.equal(reply.choices[0].message.content, 'hello from the sdk');
    assert.equal(reply.choices[0].finish_reason, 'stop');
    assert.equal(reply.model, 'sim/echo');
    assert.deepEqual(
      { prompt: reply.usage?.prompt_tokens, completion: reply.usage?.completion_tokens },
      { prompt: sim.stats().promptTokens, completion: sim.stats().completionTokens },
    );
    const records = core.ledger.records();
    assert.equal(records.length, before + 1);
    assert.equal(records[records.length - 1].requested, 'smart-select');
    assert.equal(records[records.length - 1].answeredBy, 'sim/echo');
  });

  test('streaming yields the words as chunks; usage only when stream_options.include_usage asks', async () => {
    const stream = await client().chat.completions.create({
      model: 'sim/lorem?tokens=12',
      messages: [{ role: 'user', content: 'go' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const c of stream) {
      chunks++;
      text += c.choices[0]?.delta?.content ?? '';
      if (c.usage) usage = c.usage;
    }
    assert.ok(chunks >= 12, `expected one chunk per word, got ${chunks}`);
    assert.equal(text.trim().split(/\s+/).length, 12);
    assert.equal(usage?.completion_tokens, 12);

    const plain = await client().chat.completions.create({ model: 'sim/echo', messages: [{ role: 'user', content: 'a b c' }], stream: true });
    let sawUsage = false;
    let plainText = '';
    for await (const c of plain) {
      if (c.usage) sawUsage = true;
      plainText += c.choices[0]?.delta?.content ?? '';
    }
    assert.equal(plainText, 'a b c');
    assert.equal(sawUsage, false);
  });

  test('a fallback is taken when the primary fails', async () => {
    const reply = await client().chat.completions.create({ model: 'sim/fail?status=503', messages: [{ role: 'user', content: 'fall back please' }] });
    assert.equal(reply.choices[0].message.content, 'fall back please');
    assert.equal(reply.model, 'sim/echo');
    const last = core.ledger.records().at(-1);
    assert.equal(last?.fallback, true);
    assert.equal(last?.answeredBy, 'sim/echo');
  });

  test('every candidate failing is a 502 in OpenAI error shape listing the attempts', async () => {
    const err = await client()
      .chat.completions.create({ model: 'sim/fail?status=500', messages: [{ role: 'user', content: 'x' }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof OpenAI.APIError, String(err));
    assert.equal(err.status, 502);
    assert.equal(err.code, 'all_candidates_failed');
    assert.match(err.message, /sim\/fail\?status=500.*500/);
  });

  test('tools, tool_choice and other fields pass through; tool calls come back whole and as stream deltas', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } },
    ];
    const reply = await client().chat.completions.create({
      model: 'sim/tool?name=lookup',
      messages: [{ role: 'user', content: 'find cats' }],
      tools,
      tool_choice: 'auto',
      temperature: 0.2,
    });
    const call = reply.choices[0].message.tool_calls?.[0];
    assert.equal(reply.choices[0].finish_reason, 'tool_calls');
    assert.equal(call?.type === 'function' ? call.function.name : undefined, 'lookup');
    assert.deepEqual(JSON.parse(call?.type === 'function' ? call.function.arguments : '{}'), { q: 'find cats' });

    const stream = await client().chat.completions.create({
      model: 'sim/tool?name=lookup',
      messages: [{ role: 'user', content: 'find dogs now' }],
      tools,
      stream: true,
    });
    let args = '';
    let deltas = 0;
    for await (const c of stream) {
      for (const t of c.choices[0]?.delta?.tool_calls ?? []) {
        deltas++;
        args += t.function?.arguments ?? '';
      }
    }
    assert.ok(deltas > 1, 'tool-call arguments arrive as several deltas');
    assert.deepEqual(JSON.parse(args), { q: 'find dogs now' });
  });

  test('GET /v1/models lists smart-select and the catalog', async () => {
    const ids: string[] = [];
    for await (const m of client().models.list()) ids.push(m.id);
    assert.equal(ids[0], 'smart-select');
    assert.ok(ids.length > 1);
    const fromCatalog = (await core.listModels()).map((m) => m.id);
    assert.deepEqual(ids.slice(1), fromCatalog);
  });

  test('no token → 401; a wrong token → 401', async () => {
    const noToken = await fetch(`${gw.url}/models`);
    assert.equal(noToken.status, 401);
    const body = (await noToken.json()) as { error: { type: string; code: string } };
    assert.equal(body.error.type, 'authentication_error');
    const wrong = await client('sb-local-wrong')
      .chat.completions.create({ model: 'sim/echo', messages: [{ role: 'user', content: 'x' }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(wrong instanceof OpenAI.AuthenticationError);
    assert.equal(sim.stats().requests, 0, 'nothing reached the upstream');
  });

  test('a Host other than 127.0.0.1:PORT / localhost:PORT → 403', async () => {
    const auth = { authorization: `Bearer ${gw.token}` };
    const evil = await raw({ path: '/v1/models', headers: { ...auth, host: `evil.example:${gw.port}` } });
    assert.equal(evil.status, 403);
    assert.equal((JSON.parse(evil.body) as { error: { code: string } }).error.code, 'host_not_allowed');
    assert.equal((await raw({ path: '/v1/models', headers: { ...auth, host: `localhost:${gw.port}` } })).status, 200);
    assert.equal((await raw({ path: '/v1/models', headers: { ...auth, host: `127.0.0.1:${gw.port + 1}` } })).status, 403);
  });

  test('any Origin header → 403, even with the right token', async () => {
    const r = await raw({ path: '/v1/models', headers: { authorization: `Bearer ${gw.token}`, host: `127.0.0.1:${gw.port}`, origin: 'https://evil.example' } });
    assert.equal(r.status, 403);
    assert.equal((JSON.parse(r.body) as { error: { code: string } }).error.code, 'origin_not_allowed');
    const viaSdk = await new OpenAI({ baseURL: gw.url, apiKey: gw.token, maxRetries: 0, defaultHeaders: { Origin: 'https://evil.example' } }).models
      .list()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(viaSdk instanceof OpenAI.PermissionDeniedError, String(viaSdk));
  });

  test('a 10 MB body → 413, and nothing reaches the upstream', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const err = await client()
      .chat.completions.create({ model: 'sim/echo', messages: [{ role: 'user', content: big }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof OpenAI.APIError, String(err));
    assert.equal(err.status, 413);
    assert.equal(sim.stats().requests, 0);
  });

  test('bad JSON and a missing model are 400s naming the problem', async () => {
    const headers = { authorization: `Bearer ${gw.token}`, host: `127.0.0.1:${gw.port}`, 'content-type': 'application/json' };
    const bad = await raw({ path: '/v1/chat/completions', method: 'POST', headers, body: '{"model": ' });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /not valid JSON/);
    const noModel = await raw({ path: '/v1/chat/completions', method: 'POST', headers, body: '{"messages": [{"role": "user", "content": "x"}]}' });
    assert.equal(noModel.status, 400);
    assert.match(noModel.body, /"param":"model"/);
  });

  test('a client that disconnects mid-stream aborts the upstream request', async () => {
    const ac = new AbortController();
    const stream = await client().chat.completions.create(
      { model: 'sim/lorem?tokens=400&chunkMs=20', messages: [{ role: 'user', content: 'long' }], stream: true },
      { signal: ac.signal },
    );
    let n = 0;
    try {
      for await (const c of stream) {
        if (c.choices[0]?.delta?.content && ++n === 2) ac.abort();
      }
    } catch {
      // the SDK may end the loop or throw on abort; either way the client has gone
    }
    assert.equal(n, 2);
    // generous: the first cancelled attempt loads the tokenizer (estimated cost), which takes seconds on a busy machine
    await waitFor(() => sim.stats().aborted === 1, 'the simulator to see the upstream request aborted', 15_000);
    assert.equal(sim.stats().completed, 0);
  });
});

describe('starting', () => {
  test('a port already in use is a ConfigError naming switchboard.localGateway.port', async () => {
    await assert.rejects(
      startLocalGateway({ core, port: gw.port }),
      (e: unknown) => e instanceof ConfigError && e.setting === 'switchboard.localGateway.port' && /already in use/.test(e.message),
    );
  });

  test('a given token is used as is; without one each start gets a new random token', async () => {
    const a = await startLocalGateway({ core, token: 'sb-local-given' });
    const b = await startLocalGateway({ core });
    try {
      assert.equal(a.token, 'sb-local-given');
      assert.match(b.token, /^sb-local-[A-Za-z0-9_-]{40,}$/);
      assert.notEqual(b.token, gw.token);
      assert.match(a.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('switchboard serve (the real CLI)', () => {
  test('prints its URL, answers the SDK in front of the simulator, and exits on SIGTERM', async () => {
    const cfg = join(dir, 'serve.json');
    writeFileSync(cfg, JSON.stringify(settings(sim.url)));
    const token = newLocalToken();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--token', token, '--config', cfg, '--usage-file', join(dir, 'serve-usage.jsonl')],
      {
        env: { ...process.env, SWITCHBOARD_API_KEY: SIM_KEY, OPENAI_API_KEY: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let errText = '';
        child.stdout.setEncoding('utf8').on('data', (s: string) => {
          out += s;
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.stderr.setEncoding('utf8').on('data', (s: string) => (errText += s));
        void exited.then((code) => reject(new Error(`serve exited (${code}) before listening: ${errText}`)));
      });
      const sdk = new OpenAI({ baseURL: url, apiKey: token, maxRetries: 0 });
      const reply = await sdk.chat.completions.create({ model: 'smart-select', messages: [{ role: 'user', content: 'via the cli' }] });
      assert.equal(reply.choices[0].message.content, 'via the cli');
      const stream = await sdk.chat.completions.create({
        model: 'sim/fail?status=503',
        messages: [{ role: 'user', content: 'streamed fallback' }],
        stream: true,
      });
      let text = '';
      for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
      assert.equal(text, 'streamed fallback');
      const denied = await new OpenAI({ baseURL: url, apiKey: 'nope', maxRetries: 0 }).models.list().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(denied instanceof OpenAI.AuthenticationError);
      // serve has no "Copy Gateway Snippet": the 401 names where serve's token came from.
      assert.match(denied.message, /The local gateway token is wrong\. Send the --token value `switchboard serve` was started with\./);
      assert.doesNotMatch(denied.message, /Copy Gateway Snippet/);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });
});

describe('gateway pieces', () => {
  test('the guard compares the token exactly and checks Host before the token', () => {
    const g = createGuard({ port: 4000, token: 'sb-local-abc' });
    const host = '127.0.0.1:4000';
    assert.equal(g.check({ host, authorization: 'Bearer sb-local-abc' }), undefined);
    assert.equal(g.check({ host: 'LOCALHOST:4000', authorization: 'Bearer sb-local-abc' }), undefined);
    assert.equal(g.check({ host, authorization: 'Bearer sb-local-abd' })?.status, 401);
    assert.equal(g.check({ host, authorization: 'Bearer sb-local-ab' })?.status, 401);
    assert.equal(g.check({ host, authorization: 'sb-local-abc' })?.status, 401);
    assert.equal(g.check({ authorization: 'Bearer sb-local-abc' })?.status, 403);
    assert.equal(g.check({ host: '127.0.0.1:4000.evil.example', authorization: 'Bearer sb-local-abc' })?.status, 403);
    assert.match(
      g.check({ host, authorization: 'Bearer nope' })?.body.error.message ?? '',
      /Copy Gateway Snippet.*new terminal after "Switchboard: Connect Terminal Agents"/,
    );
    const hinted = createGuard({ port: 4000, token: 'sb-local-abc', tokenHint: 'Look in the file.' });
    assert.equal(
      hinted.check({ host })?.body.error.message,
      'Missing "Authorization: Bearer <local token>" (or "x-api-key: <local token>"). Look in the file.',
    );
    assert.match(serveTokenHint({ file: '/etc/sb-token', env: {} }), /token in \/etc\/sb-token/);
    assert.match(serveTokenHint({ env: { SWITCHBOARD_LOCAL_TOKEN: 'x' } }), /SWITCHBOARD_LOCAL_TOKEN value/);
    assert.match(serveTokenHint({ env: {} }), /printed as "local token:"/);
    assert.notEqual(newLocalToken(), newLocalToken());
    assert.ok(newLocalToken().length >= 40);
  });

  test('error mapping: rate limit → 429 with Retry-After, budget → 402, all failed → 502, unknown → 500 without details', () => {
    const rl = httpErrorFrom(new RateLimitedError({ endpoint: 'gateway', model: 'm', status: 429 }, 'slow down', 2500));
    assert.deepEqual([rl.status, rl.headers?.['retry-after'], rl.body.error.type], [429, '3', 'rate_limit_error']);
    assert.equal(httpErrorFrom(new BudgetError('over budget')).status, 402);
    const all = httpErrorFrom(new AllCandidatesFailedError([{ model: 'a', endpoint: 'gateway', outcome: 'error', status: 503, message: 'down' }]));
    assert.equal(all.status, 502);
    assert.match(all.body.error.message, /a: 503 — down/);
    const unknown = httpErrorFrom(new Error('secret internals sk-123'));
    assert.equal(unknown.status, 500);
    assert.doesNotMatch(unknown.body.error.message, /sk-123/);
  });

  test('the aggregator joins content and tool-call deltas by index', () => {
    const acc = new CompletionAggregator();
    const base = { id: 'c1', object: 'chat.completion.chunk' as const, created: 1, model: 'm' };
    acc.add({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi ' }, finish_reason: null }] });
    acc.add({
      ...base,
      choices: [{ index: 0, delta: { tool_calls: [{ index: 1, id: 'b', function: { name: 'two', arguments: '{"y"' } }] }, finish_reason: null }],
    });
    acc.add({
      ...base,
      choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'a', function: { name: 'one', arguments: '{}' } }] }, finish_reason: null }],
    });
    acc.add({
      ...base,
      choices: [{ index: 0, delta: { content: 'there', tool_calls: [{ index: 1, function: { arguments: ':1}' } }] }, finish_reason: 'tool_calls' }],
    });
    acc.add({ ...base, choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } });
    const c = acc.result('fallback');
    assert.equal(c.choices[0].message.content, 'Hi there');
    assert.deepEqual(
      c.choices[0].message.tool_calls?.map((t) => (t.type === 'function' ? [t.id, t.function.name, t.function.arguments] : [])),
      [
        ['a', 'one', '{}'],
        ['b', 'two', '{"y":1}'],
      ],
    );
    assert.equal(c.choices[0].finish_reason, 'tool_calls');
    assert.equal(c.usage?.total_tokens, 7);
    assert.equal(c.model, 'm');
  });

  test('snippets use the usual OpenAI client forms with the local URL and token', () => {
    const i = { url: 'http://127.0.0.1:4321/v1', token: 'sb-local-t' };
    assert.match(pythonSnippet(i), /OpenAI\(base_url="http:\/\/127\.0\.0\.1:4321\/v1", api_key="sb-local-t"\)/);
    assert.match(nodeSnippet(i), /new OpenAI\(\{ baseURL: "http:\/\/127\.0\.0\.1:4321\/v1", apiKey: "sb-local-t" \}\)/);
  });
});
