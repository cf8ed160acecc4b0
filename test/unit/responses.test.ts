// POST /v1/responses as an OpenAI client sees it: the official `openai` SDK's `responses.create` / `responses.stream`
// against startLocalGateway in front of the simulator, over the real core (router, ledger). The SDK's stream helper
// checks the event sequence itself (it rebuilds the response from the events and throws on a wrong index).
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { Sim } from '../sim/server';
import { startGatewayHarness, type GatewayHarness } from './support/gatewayHarness';
import type { Core } from '../../src/core/createCore';
import { BudgetError } from '../../src/core/base/errors';
import type { DecisionEvent, RouteYield } from '../../src/core/base/types';
import { startLocalGateway, type LocalGateway } from '../../src/gateway/server';

const SIM_KEY = 'sk-sim-upstream-secret';
let harness: GatewayHarness;
let sim: Sim;
let core: Core;
let gw: LocalGateway;
const decisions: DecisionEvent[] = [];

before(async () => {
  harness = await startGatewayHarness({
    simKey: SIM_KEY,
    dirPrefix: 'sb-responses-',
    settings: (upstream) => ({
      'gateway.preset': 'custom',
      'gateway.baseUrl': upstream,
      retries: 0,
      'timeouts.firstTokenMs': 3000,
      'smartSelect.tiers': { fast: 'sim/echo', balanced: 'sim/echo', strong: 'sim/echo', reasoning: 'sim/echo' },
    }),
  });
  ({ sim, core, gw } = harness);
  core.router.onEvent((e) => {
    if (e.type === 'decision') decisions.push(e);
  });
});
after(() => harness.close());
beforeEach(() => {
  sim.reset();
  decisions.length = 0;
});

const client = (apiKey = gw.token) => new OpenAI({ baseURL: gw.url, apiKey, maxRetries: 0 });

async function events(params: Parameters<OpenAI['responses']['create']>[0]): Promise<ResponseStreamEvent[]> {
  const stream = await client().responses.create({ ...params, stream: true });
  const out: ResponseStreamEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

const LOOKUP = {
  type: 'function' as const,
  name: 'lookup',
  description: 'Looks a thing up.',
  strict: false,
  parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'number' } } },
};

describe('POST /v1/responses through the openai SDK', () => {
  test('a string input answers without streaming, with usage, and the ledger names the OpenAI SDK', async () => {
    const before = core.ledger.records().length;
    const r = await client().responses.create({ model: 'smart-select', input: 'hello from responses', store: false });
    assert.equal(r.status, 'completed');
    assert.equal(r.output_text, 'hello from responses');
    assert.equal(r.usage?.output_tokens, 3);
    assert.equal(r.usage?.total_tokens, (r.usage?.input_tokens ?? 0) + 3);
    await core.flush();
    const records = core.ledger.records();
    assert.equal(records.length, before + 1);
    assert.equal(records[records.length - 1].client, 'openai-sdk');
  });

  test('a streamed answer sends every event with its sequence number, in OpenAI order, and ends with usage', async () => {
    const list = await events({
      model: 'sim/echo',
      instructions: 'be brief',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'one two three four' }] }],
    });
    assert.deepEqual(
      list.map((e) => e.type),
      [
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
        ...list.filter((e) => e.type === 'response.output_text.delta').map(() => 'response.output_text.delta'),
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ],
    );
    assert.deepEqual(
      list.map((e) => e.sequence_number),
      list.map((_, i) => i),
    );
    const done = list.find((e) => e.type === 'response.output_text.done');
    assert.equal(done?.type === 'response.output_text.done' && done.text, 'one two three four');
    const completed = list[list.length - 1];
    assert.ok(completed.type === 'response.completed');
    assert.equal(completed.response.usage?.output_tokens, 4);
  });

  test('a function call streams its arguments in pieces, a hosted tool is dropped with a note, and the call parses', async () => {
    const args = { city: 'Lisbon and Porto both', days: 3 };
    const stream = client().responses.stream({
      model: `sim/tool?name=lookup&args=${encodeURIComponent(JSON.stringify(args))}`,
      input: 'what is the weather',
      tools: [LOOKUP, { type: 'web_search' }],
      tool_choice: 'auto',
      parallel_tool_calls: false,
    });
    const deltas: string[] = [];
    stream.on('response.function_call_arguments.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    assert.ok(deltas.length > 1, `arguments came in ${deltas.length} piece(s)`);
    const call = final.output.find((o) => o.type === 'function_call');
    assert.ok(call?.type === 'function_call');
    assert.equal(call.name, 'lookup');
    assert.deepEqual(JSON.parse(call.arguments), args);
    assert.equal(deltas.join(''), call.arguments);
    assert.ok(call.call_id);
    assert.match(decisions[0].notes.join('\n'), /were dropped: .*web_search/);
  });

  test('a function_call_output goes back to the model as a tool message (the round trip an agent makes)', async () => {
    const r = await client().responses.create({
      model: 'sim/tool?name=lookup',
      tools: [LOOKUP],
      input: [
        { role: 'user', content: 'weather?' },
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"city":"Lisbon"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny, 24 degrees' },
      ],
    });
    assert.equal(r.output_text, 'sunny, 24 degrees');
  });

  test('reasoning the upstream streams arrives as a reasoning item with summary deltas, before the answer', async () => {
    const list = await events({ model: 'dialect/deepseek', input: 'think then answer', reasoning: { effort: 'high', summary: 'auto' } });
    const summary = list.filter((e) => e.type === 'response.reasoning_summary_text.delta');
    assert.ok(summary.length > 0);
    const completed = list[list.length - 1];
    assert.ok(completed.type === 'response.completed');
    assert.deepEqual(
      completed.response.output.map((o) => o.type),
      ['reasoning', 'message'],
    );
  });

  test('a stream that breaks after it began ends with response.failed, naming what went wrong', async () => {
    const list = await events({ model: 'sim/reset?after=2', input: 'one two three four five six' });
    assert.equal(list[0].type, 'response.created');
    const last = list[list.length - 1];
    assert.ok(last.type === 'response.failed', `last event: ${last.type}`);
    assert.equal(last.response.status, 'failed');
    assert.ok(last.response.error?.message);
  });

  test('an upstream error before the answer is an HTTP status in OpenAI shape, not a stream', async () => {
    await assert.rejects(
      client().responses.create({ model: 'sim/fail?status=400', input: 'x', stream: true }),
      (e: unknown) => e instanceof OpenAI.APIError && e.status === 502 && e.code === 'all_candidates_failed' && /HTTP 400/.test(e.message),
    );
  });

  test('previous_response_id is a 400 that says to send the whole input; store: false and unknown fields are ignored', async () => {
    await assert.rejects(
      client().responses.create({ model: 'sim/echo', input: 'x', previous_response_id: 'resp_123' }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && /whole conversation in "input"/.test(e.message) && e.param === 'previous_response_id',
    );
    assert.equal(sim.stats().requests, 0);
    const r = await client().responses.create({
      model: 'sim/echo',
      input: 'ignored fields',
      store: false,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'abc',
      text: { verbosity: 'low' },
      max_output_tokens: 100,
    });
    assert.equal(r.output_text, 'ignored fields');
  });

  test('a body over the limit is a 413 and GET is a 405, in OpenAI shape, and neither reaches the upstream', async () => {
    const headers = { authorization: `Bearer ${gw.token}`, 'content-type': 'application/json' };
    const big = await fetch(`${gw.url}/responses`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'sim/echo', input: 'x'.repeat(5 * 1024 * 1024) }),
    });
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { error: { code: string } }).error.code, 'request_too_large');
    const get = await fetch(`${gw.url}/responses`, { headers });
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    assert.equal(sim.stats().requests, 0);
  });

  test('a wrong local token is a 401 and reaches no upstream', async () => {
    await assert.rejects(client('sb-local-wrong').responses.create({ model: 'sim/echo', input: 'x' }), (e: unknown) => e instanceof OpenAI.AuthenticationError);
    assert.equal(sim.stats().requests, 0);
  });
});

describe('POST /v1/responses when the budget blocks', () => {
  test('the answer is an error naming the budget', async () => {
    const blocked = new BudgetError('The monthly budget is used up ($5.00 of $5.00), and switchboard.budget.onExceed is "block".');
    const router = {
      route(): AsyncIterable<RouteYield> {
        return {
          [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(blocked) }),
        };
      },
    };
    // A variable, not a literal: the gateway's core may ask for more (the settings) without this test changing.
    const blockedCore = { router, listModels: async () => [], config: () => core.config() };
    const blockedGw = await startLocalGateway({ core: blockedCore, port: 0 });
    try {
      const c = new OpenAI({ baseURL: blockedGw.url, apiKey: blockedGw.token, maxRetries: 0 });
      await assert.rejects(
        c.responses.create({ model: 'smart-select', input: 'x', stream: true }),
        (e: unknown) => e instanceof OpenAI.APIError && e.status === 402 && /budget/.test(e.message),
      );
    } finally {
      await blockedGw.close();
    }
  });
});
