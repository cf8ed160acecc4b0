// Anthropic Messages on the local gateway as Claude Code's SDK sees it: the official `@anthropic-ai/sdk` against
// startLocalGateway (the server `switchboard serve` and Start Local Gateway run), over the real core, in front of the
// simulator — with a recording pass-through between gateway and simulator to see exactly what reached the upstream.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import type { Sim } from '../sim/server';
import { startGatewayHarness, type GatewayHarness } from './support/gatewayHarness';
import { startRecordingProxy, type RecordingProxy } from './support/recordingProxy';
import { parseConfig } from '../../src/core/config/settings';
import type { Core } from '../../src/core/createCore';
import { Catalog } from '../../src/core/catalog/catalog';
import { Router } from '../../src/core/routing/router';
import type { BudgetStatus, DecisionEvent, RoutingEvent } from '../../src/core/base/types';
import { startLocalGateway, type LocalGateway } from '../../src/gateway/server';

const SIM_KEY = 'sk-sim-upstream-secret';
let harness: GatewayHarness;
let sim: Sim;
let proxy: RecordingProxy;
let core: Core;
let gw: LocalGateway;
const events: RoutingEvent[] = [];

const settings = (upstream: string) => ({
  'gateway.preset': 'custom',
  'gateway.baseUrl': upstream,
  retries: 0,
  'timeouts.firstTokenMs': 3000,
  // The reasoning tier answers in DeepSeek's dialect: `reasoning_content` deltas before the answer.
  'smartSelect.tiers': { fast: 'sim/echo', balanced: 'sim/echo', strong: 'sim/echo', reasoning: 'dialect/deepseek' },
  'agents.models': { 'claude-haiku-*': 'fast', 'claude-lorem': 'sim/lorem?tokens=7' },
});

before(async () => {
  harness = await startGatewayHarness({
    simKey: SIM_KEY,
    dirPrefix: 'sb-anthropic-',
    settings,
    between: async (s) => (proxy = await startRecordingProxy(s.port)),
    gateway: { pingAfterMs: 100 },
  });
  ({ sim, core, gw } = harness);
  core.router.onEvent((e) => events.push(e));
});
after(() => harness.close());
beforeEach(() => {
  sim.reset();
  proxy.seen.length = 0;
  events.length = 0;
});

const base = () => gw.url.replace(/\/v1$/, '');
/** `apiKey` travels as x-api-key, `authToken` as Authorization: Bearer (Claude Code's ANTHROPIC_AUTH_TOKEN). */
const client = (opts: { apiKey?: string | null; authToken?: string | null } = { apiKey: gw.token }) =>
  new Anthropic({ baseURL: base(), apiKey: null, authToken: null, ...opts, maxRetries: 0 });
const lastDecision = () => events.filter((e): e is DecisionEvent => e.type === 'decision').at(-1);

/** A raw POST, for bodies the SDK would not send and to read the event stream as bytes. */
function post(
  path: string,
  body: string,
  headers: Record<string, string> = { 'x-api-key': gw.token },
  port = gw.port,
): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (s: string) => (text += s));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sseEvents = (text: string) =>
  text
    .split('\n\n')
    .filter((b) => b.startsWith('event: '))
    .map((b) => ({ event: b.slice(7, b.indexOf('\n')), data: JSON.parse(b.slice(b.indexOf('data: ') + 6)) as Record<string, unknown> }));

describe('POST /v1/messages through the Anthropic SDK', () => {
  test('a plain request: text back, usage in Anthropic fields, the ledger records it, the upstream sees its own key only', async () => {
    const before = core.ledger.records().length;
    const msg = await client().messages.create({
      model: 'sim/echo',
      max_tokens: 100,
      system: 'be brief',
      messages: [{ role: 'user', content: 'hello from claude' }],
    });
    assert.equal(msg.type, 'message');
    assert.equal(msg.role, 'assistant');
    assert.deepEqual(msg.content, [{ type: 'text', text: 'hello from claude' }]);
    assert.equal(msg.stop_reason, 'end_turn');
    assert.equal(msg.model, 'sim/echo');
    assert.equal(msg.usage.input_tokens, sim.stats().promptTokens);
    assert.equal(msg.usage.output_tokens, sim.stats().completionTokens);
    assert.equal(msg.usage.cache_read_input_tokens, 0);
    await core.flush();
    assert.equal(core.ledger.records().length, before + 1);
    assert.equal(core.ledger.records().at(-1)?.answeredBy, 'sim/echo');
    assert.equal(core.ledger.records().at(-1)?.client, 'anthropic-sdk', 'the record names its client');
    const up = proxy.seen[0];
    assert.equal(up.headers.authorization, `Bearer ${SIM_KEY}`);
    assert.ok(!JSON.stringify(up.headers).includes(gw.token) && !up.raw.includes(gw.token), 'the local token never reaches the upstream');
    assert.deepEqual(up.body.messages, [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hello from claude' },
    ]);
    assert.equal(up.body.max_tokens, 100);
  });

  test('Authorization: Bearer works as well as x-api-key; ?beta=true is accepted', async () => {
    const msg = await client({ authToken: gw.token }).beta.messages.create({
      model: 'sim/echo',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'bearer' }],
    });
    assert.deepEqual(msg.content, [{ type: 'text', text: 'bearer' }]);
  });

  test('a stream: message_start, one text block, message_delta with stop reason and usage, message_stop', async () => {
    const r = await post(
      '/v1/messages?beta=true',
      JSON.stringify({ model: 'claude-lorem', max_tokens: 64000, stream: true, messages: [{ role: 'user', content: 'go' }] }),
    );
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/event-stream/);
    const ev = sseEvents(r.text);
    const names = ev.map((e) => e.event).filter((n) => n !== 'ping');
    assert.deepEqual(
      [names[0], names[1], names.at(-3), names.at(-2), names.at(-1)],
      ['message_start', 'content_block_start', 'content_block_stop', 'message_delta', 'message_stop'],
    );
    assert.equal(names.filter((n) => n === 'content_block_delta').length, 7, 'one delta per upstream word: nothing is buffered');
    const delta = ev.find((e) => e.event === 'message_delta')?.data as {
      delta: { stop_reason: string };
      usage: { output_tokens: number; input_tokens: number };
    };
    assert.equal(delta.delta.stop_reason, 'end_turn');
    assert.equal(delta.usage.output_tokens, 7);
    assert.equal(delta.usage.input_tokens, sim.stats().promptTokens);
    assert.equal((ev[0].data as { message: { model: string } }).message.model, 'claude-lorem', 'the agent sees the name it asked for');
    assert.equal(proxy.seen[0].body.model, 'sim/lorem?tokens=7', 'agents.models mapped the name');
    assert.equal(proxy.seen[0].body.max_tokens, undefined, "a Claude-sized max_tokens is left to the upstream's own limit");
    assert.match(lastDecision()?.notes.join('\n') ?? '', /agent model claude-lorem → sim\/lorem\?tokens=7 \(switchboard\.agents\.models "claude-lorem"\)/);
  });

  test('a streamed tool call: arguments arrive as input_json_delta pieces, the SDK assembles the input; the result goes back as a tool message', async () => {
    const args = { city: 'Paris', days: 3, units: 'metric' };
    const model = `sim/tool?name=get_weather&args=${encodeURIComponent(JSON.stringify(args))}`;
    const tools: Anthropic.Tool[] = [
      {
        name: 'get_weather',
        description: 'Weather for a city',
        input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ];
    const stream = client().messages.stream({
      model,
      max_tokens: 1000,
      tools,
      tool_choice: { type: 'auto' },
      messages: [{ role: 'user', content: 'weather?' }],
    });
    const pieces: string[] = [];
    stream.on('inputJson', (partial) => pieces.push(partial));
    const msg = await stream.finalMessage();
    assert.ok(pieces.length >= 2, `arguments streamed in pieces, got ${pieces.length}`);
    assert.equal(msg.stop_reason, 'tool_use');
    const use = msg.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    assert.ok(use);
    assert.equal(use.name, 'get_weather');
    assert.deepEqual(use.input, args);
    assert.deepEqual(proxy.seen[0].body.tools, [
      { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: tools[0].input_schema } },
    ]);
    assert.equal(proxy.seen[0].body.tool_choice, 'auto');

    const back = await client().messages.create({
      model,
      max_tokens: 1000,
      tools,
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'secret thoughts', signature: 'sig' },
            { type: 'text', text: 'Let me look.' },
            { type: 'tool_use', id: use.id, name: use.name, input: use.input },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: [{ type: 'text', text: 'sunny 21C' }] }] },
      ],
    });
    const sent = proxy.seen[1].body.messages as Record<string, unknown>[];
    assert.deepEqual(sent[1], {
      role: 'assistant',
      content: 'Let me look.',
      tool_calls: [{ id: use.id, type: 'function', function: { name: 'get_weather', arguments: JSON.stringify(args) } }],
    });
    assert.deepEqual(sent[2], { role: 'tool', tool_call_id: use.id, content: 'sunny 21C' });
    assert.ok(!proxy.seen[1].raw.includes('secret thoughts'), 'thinking blocks stay out of the upstream');
    assert.deepEqual(back.content, [{ type: 'text', text: 'sunny 21C' }], 'the simulator answers with the tool result');
    assert.equal(back.stop_reason, 'end_turn');
  });

  test('thinking asked → smart-select picks the reasoning tier; its reasoning deltas arrive as a thinking block before the text', async () => {
    const stream = client().messages.stream({
      model: 'claude-opus-4-8',
      max_tokens: 64000,
      thinking: { type: 'enabled', budget_tokens: 2000 },
      messages: [{ role: 'user', content: 'think about it' }],
    });
    const thoughts: string[] = [];
    stream.on('thinking', (d) => thoughts.push(d));
    const msg = await stream.finalMessage();
    assert.ok(thoughts.length > 0, 'thinking_delta events');
    assert.deepEqual(
      msg.content.map((b) => b.type),
      ['thinking', 'text'],
    );
    const d = lastDecision();
    assert.equal(d?.selection?.tier, 'reasoning');
    assert.match(d?.selection?.reasons.join(';') ?? '', /the agent asks for thinking \(budget 2000 tokens\)/);
    assert.match(d?.notes.join('\n') ?? '', /agent model claude-opus-4-8 → smart-select/);
    assert.equal(proxy.seen[0].body.thinking, undefined);
    assert.equal(proxy.seen[0].body.model, 'dialect/deepseek');
  });

  test('a small request without tools (a title call) goes to the fast tier; one with tools is classified by its words', async () => {
    await client().messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 512,
      messages: [{ role: 'user', content: 'Write a 5-word title for: fix the login bug' }],
    });
    assert.equal(lastDecision()?.selection?.tier, 'fast');
    assert.match(lastDecision()?.selection?.reasons[0] ?? '', /small agent request without tools/);
    await client().messages.create({ model: 'claude-haiku-4-5', max_tokens: 512, messages: [{ role: 'user', content: 'hi' }] });
    assert.match(
      lastDecision()?.notes.join('\n') ?? '',
      /claude-haiku-4-5 → fast tier → sim\/echo \(switchboard\.agents\.models "claude-haiku-\*" matches "claude-haiku-4-5"\)/,
    );
  });

  test('fields it does not use are ignored, never a 400', async () => {
    const body = {
      model: 'sim/echo',
      max_tokens: 50,
      context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
      output_config: { effort: 'high' },
      some_future_field: { anything: [1, 2, 3] },
      top_k: 5,
      thinking: { type: 'adaptive' },
      system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }],
      tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'still fine', cache_control: { type: 'ephemeral', ttl: '1h' } },
            { type: 'future_block', x: 1 },
          ],
        },
      ],
    };
    const r = await post('/v1/messages', JSON.stringify(body));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual((JSON.parse(r.text) as { content: unknown }).content, [{ type: 'text', text: 'still fine' }]);
    const up = proxy.seen[0].body;
    for (const k of ['context_management', 'output_config', 'some_future_field', 'top_k', 'thinking', 'tools'])
      assert.equal(up[k], undefined, `${k} is not sent upstream`);
    assert.ok(!proxy.seen[0].raw.includes('cache_control'));
    assert.match(lastDecision()?.notes.join('\n') ?? '', /left out Anthropic server tools no upstream runs: web_search/);
  });

  test('pings while the first token is awaited', async () => {
    const r = await post(
      '/v1/messages',
      JSON.stringify({ model: 'sim/slow?firstTokenMs=400', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'slow one' }] }),
    );
    const names = sseEvents(r.text).map((e) => e.event);
    assert.equal(names[0], 'message_start');
    assert.ok(names.indexOf('ping') > 0 && names.indexOf('ping') < names.indexOf('content_block_delta'), names.join(','));
    assert.equal(names.at(-1), 'message_stop');
  });

  test('an upstream that fails after the stream began: an error event in Anthropic shape, which the SDK raises', async () => {
    const r = await post(
      '/v1/messages',
      JSON.stringify({ model: 'sim/reset?after=3', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    );
    assert.equal(r.status, 200);
    const ev = sseEvents(r.text);
    assert.equal(ev.filter((e) => e.event === 'content_block_delta').length, 3);
    const last = ev.at(-1);
    assert.equal(last?.event, 'error');
    assert.equal((last?.data as { type: string }).type, 'error');
    assert.match((last?.data as { error: { message: string } }).error.message, /stopped after/);
    await assert.rejects(
      client()
        .messages.create({ model: 'sim/reset?after=3', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'x' }] })
        .then(async (s) => {
          for await (const _ of s) void _;
        }),
      (e: unknown) => e instanceof Anthropic.APIError && /stopped after/.test(e.message),
    );
  });

  test('a stream already begun (pings sent) when every candidate fails: an overloaded_error event', async () => {
    const eager = await startLocalGateway({ core, port: 0, pingAfterMs: 0 });
    try {
      const body = JSON.stringify({ model: 'sim/fail?status=503', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] });
      const r = await post('/v1/messages', body, { 'x-api-key': eager.token }, eager.port);
      assert.equal(r.status, 200);
      const ev = sseEvents(r.text);
      assert.deepEqual(
        ev.map((e) => e.event),
        ['message_start', 'ping', 'error'],
      );
      assert.equal((ev[2].data as { error: { type: string } }).error.type, 'overloaded_error');
    } finally {
      await eager.close();
    }
  });

  test('a client that leaves while pings are flowing: the upstream request is aborted, the gateway keeps serving', async () => {
    const body = JSON.stringify({ model: 'sim/slow?firstTokenMs=1500', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'bye' }] });
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: gw.port, path: '/v1/messages', method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': gw.token } },
        (res) => {
          res.setEncoding('utf8');
          res.on('data', (s: string) => {
            if (s.includes('event: ping')) {
              req.destroy();
              resolve();
            }
          });
        },
      );
      req.on('error', () => undefined);
      req.on('close', () => resolve());
      setTimeout(() => reject(new Error('no ping')), 5000).unref();
      req.end(body);
    });
    const end = Date.now() + 5000;
    while (sim.stats().aborted < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    assert.equal(sim.stats().aborted, 1, 'the upstream request was aborted');
    const msg = await client().messages.create({ model: 'sim/echo', max_tokens: 5, messages: [{ role: 'user', content: 'still here' }] });
    assert.deepEqual(msg.content, [{ type: 'text', text: 'still here' }]);
  });

  test('count_tokens counts system, messages and tools', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'count these few words please' }];
    const plain = await client().messages.countTokens({ model: 'claude-sonnet-4-5', messages });
    const withMore = await client().messages.countTokens({
      model: 'claude-sonnet-4-5',
      system: 'a system prompt of some length',
      messages,
      tools: [{ name: 'Write', input_schema: { type: 'object', properties: { file_path: { type: 'string' } } } }],
    });
    assert.ok(plain.input_tokens > 5, String(plain.input_tokens));
    assert.ok(withMore.input_tokens > plain.input_tokens + 10, `${withMore.input_tokens} vs ${plain.input_tokens}`);
    assert.equal(sim.stats().requests, 0, 'counting calls no model');
  });
});

describe('switchboard.agents.models on /v1/chat/completions', () => {
  test('a name the setting lists is mapped (noted in the decision); other names go as they are', async () => {
    const ask = async (model: string) => {
      const r = await post('/v1/chat/completions', JSON.stringify({ model, messages: [{ role: 'user', content: 'one two three' }] }), {
        authorization: `Bearer ${gw.token}`,
      });
      assert.equal(r.status, 200, r.text);
      return (JSON.parse(r.text) as { choices: { message: { content: string } }[] }).choices[0].message.content;
    };
    assert.equal((await ask('claude-lorem')).trim().split(/\s+/).length, 7);
    assert.equal(proxy.seen[0].body.model, 'sim/lorem?tokens=7');
    assert.match(lastDecision()?.notes.join('\n') ?? '', /agent model claude-lorem → sim\/lorem\?tokens=7/);
    assert.equal(await ask('sim/echo'), 'one two three');
    assert.deepEqual(lastDecision()?.notes, []);
  });
});

describe('switchboard.agents.models on /v1/responses', () => {
  test("Codex's model name is mapped like Claude Code's; a high reasoning effort asks smart-select for the reasoning tier", async () => {
    const ask = (body: Record<string, unknown>) =>
      post('/v1/responses', JSON.stringify({ input: 'one two three', store: false, ...body }), { authorization: `Bearer ${gw.token}` });
    const r = await ask({ model: 'claude-lorem' });
    assert.equal(r.status, 200, r.text);
    assert.equal(proxy.seen[0].body.model, 'sim/lorem?tokens=7');
    assert.match(lastDecision()?.notes.join('\n') ?? '', /agent model claude-lorem → sim\/lorem\?tokens=7/);
    const effort = await ask({ model: 'gpt-5-codex', reasoning: { effort: 'high' } });
    assert.equal(effort.status, 200, effort.text);
    assert.equal(lastDecision()?.selection?.tier, 'reasoning');
    assert.match(lastDecision()?.selection?.reasons[0] ?? '', /the agent asks for thinking \(effort high\)/);
    assert.match(lastDecision()?.notes.join('\n') ?? '', /agent model gpt-5-codex → smart-select/);
  });
});

describe('errors in Anthropic shape and statuses', () => {
  const expectError = async (p: Promise<unknown>, status: number, type: string, message?: RegExp) => {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof Anthropic.APIError, String(e));
      assert.equal(e.status, status);
      const body = e.error as { type: string; error: { type: string; message: string } };
      assert.equal(body.type, 'error');
      assert.equal(body.error.type, type);
      if (message) assert.match(body.error.message, message);
      return true;
    });
  };

  test('a wrong or missing token → 401 authentication_error, and no request reaches the upstream', async () => {
    await expectError(
      client({ apiKey: 'sb-local-wrong' }).messages.create({ model: 'sim/echo', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
      401,
      'authentication_error',
      /token is wrong/,
    );
    await expectError(
      client({ authToken: 'sb-local-wrong' }).messages.countTokens({ model: 'sim/echo', messages: [{ role: 'user', content: 'x' }] }),
      401,
      'authentication_error',
    );
    const none = await post('/v1/messages', '{}', {});
    assert.equal(none.status, 401);
    assert.match((JSON.parse(none.text) as { error: { message: string } }).error.message, /x-api-key/);
    assert.equal(sim.stats().requests, 0);
    assert.equal(proxy.seen.length, 0);
  });

  test('bad input → 400 invalid_request_error naming the field', async () => {
    await expectError(
      client().messages.create({ model: 'sim/echo', max_tokens: 5, messages: 'nope' as unknown as [] }),
      400,
      'invalid_request_error',
      /^messages: expected an array/,
    );
    await expectError(
      client().messages.create({ model: 'sim/echo', max_tokens: 5, messages: [{ role: 'robot' as 'user', content: 'x' }] }),
      400,
      'invalid_request_error',
      /messages\.0\.role/,
    );
    const notJson = await post('/v1/messages', '{not json');
    assert.equal(notJson.status, 400);
    assert.deepEqual(JSON.parse(notJson.text), { type: 'error', error: { type: 'invalid_request_error', message: 'The request body is not valid JSON.' } });
  });

  test('a body over the limit → 413 request_too_large', async () => {
    const small = await startLocalGateway({ core, port: 0, maxBodyBytes: 2048 });
    try {
      const r = await post(
        '/v1/messages',
        JSON.stringify({ model: 'sim/echo', max_tokens: 5, messages: [{ role: 'user', content: 'x'.repeat(4000) }] }),
        { 'x-api-key': small.token },
        small.port,
      );
      assert.equal(r.status, 413);
      assert.equal((JSON.parse(r.text) as { error: { type: string } }).error.type, 'request_too_large');
    } finally {
      await small.close();
    }
  });

  test('every candidate rate-limited → 429 rate_limit_error; every candidate down → 529 overloaded_error', async () => {
    await expectError(
      client().messages.create({ model: 'sim/fail?status=429', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
      429,
      'rate_limit_error',
      /rate-limited/,
    );
    await expectError(
      client().messages.create({ model: 'sim/fail?status=503', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
      529,
      'overloaded_error',
      /unavailable \(HTTP 503\)/,
    );
    // Streamed, failing before the first token: still a real status, not a 200 with an error inside.
    const r = await post(
      '/v1/messages',
      JSON.stringify({ model: 'sim/fail?status=503', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    );
    assert.equal(r.status, 529);
  });

  test('a blocked budget → 402 billing_error naming the budget; nothing is sent', async () => {
    const { config } = parseConfig(settings(proxy.url));
    const budget = (): BudgetStatus => ({ monthSpentUsd: 12, todaySpentUsd: 1, limitUsd: 10, fraction: 1.2, action: 'block' });
    const router = new Router({ config, keys: async () => SIM_KEY, catalog: new Catalog(), refreshCatalog: false, budget });
    const blocked = await startLocalGateway({ core: { router, listModels: async () => [], config: () => config }, port: 0 });
    try {
      const c = new Anthropic({ baseURL: blocked.url.replace(/\/v1$/, ''), apiKey: blocked.token, maxRetries: 0 });
      await expectError(
        c.messages.create({ model: 'claude-opus-4-8', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
        402,
        'billing_error',
        /monthly budget is used up.*switchboard\.budget\.monthlyUsd/,
      );
      assert.equal(proxy.seen.length, 0);
    } finally {
      await blocked.close();
      router.dispose();
    }
  });

  test('HEAD / and GET / answer 200 (Claude Code probes HEAD /); a web page is still refused', async () => {
    const probe = (method: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: gw.port, path: '/', method, headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    assert.equal(await probe('HEAD'), 200);
    assert.equal(await probe('GET'), 200);
    assert.equal(await probe('HEAD', { origin: 'https://evil.example' }), 403);
  });
});
