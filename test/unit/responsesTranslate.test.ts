// The pure Responses translation (src/agents/responses): request bodies → the router's chat request, and chunks →
// events, without a server. The SDK- and Codex-level tests live in responses.test.ts and codex.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { ResponseBuilder, sseEvent } from '../../src/agents/responses/events';
import { fromResponsesBody, type ResponsesRequest } from '../../src/agents/responses/request';
import type { RequestProblem } from '../../src/agents/responses/problem';

function ok(body: unknown): ResponsesRequest {
  const r = fromResponsesBody(body);
  assert.ok(!('message' in r), `refused: ${'message' in r ? r.message : ''}`);
  return r;
}

function refused(body: unknown): RequestProblem {
  const r = fromResponsesBody(body);
  assert.ok('message' in r, 'accepted');
  return r;
}

describe('Responses request → chat request', () => {
  test('instructions, developer and system messages, images, tool calls and their outputs', () => {
    const r = ok({
      model: 'gpt-5-codex',
      instructions: 'You are terse.',
      input: [
        {
          type: 'message',
          role: 'developer',
          content: [
            { type: 'input_text', text: 'dev ' },
            { type: 'input_text', text: 'rules' },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'look' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' },
          ],
        },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'calling two tools' }] },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'opaque' },
        { type: 'function_call', call_id: 'c1', name: 'a', arguments: '{}' },
        { type: 'function_call', call_id: 'c2', name: 'b', arguments: '{"x":1}' },
        { type: 'function_call_output', call_id: 'c1', output: 'A' },
        { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'B' }] },
      ],
    });
    assert.deepEqual(r.chat.messages, [
      { role: 'system', content: 'You are terse.' },
      { role: 'system', content: 'dev rules' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
        ],
      },
      {
        role: 'assistant',
        content: 'calling two tools',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'a', arguments: '{}' } },
          { id: 'c2', type: 'function', function: { name: 'b', arguments: '{"x":1}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'A' },
      { role: 'tool', tool_call_id: 'c2', content: 'B' },
    ]);
    assert.equal(r.model, 'gpt-5-codex');
  });

  test('function tools, tool_choice, parallel_tool_calls, reasoning.effort, max_output_tokens; hosted tools dropped with a note', () => {
    const r = ok({
      model: 'm',
      input: 'hi',
      tools: [
        { type: 'function', name: 'f', parameters: { type: 'object', properties: {} }, strict: true },
        { type: 'web_search' },
        { type: 'file_search', vector_store_ids: [] },
      ],
      tool_choice: { type: 'function', name: 'f' },
      parallel_tool_calls: false,
      reasoning: { effort: 'high', summary: 'auto' },
      max_output_tokens: 64,
      temperature: 0.2,
      store: false,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'k',
      text: { format: { type: 'text' } },
    });
    assert.deepEqual(r.chat.tools, [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} }, strict: true } }]);
    assert.deepEqual(r.chat.tool_choice, { type: 'function', function: { name: 'f' } });
    assert.equal(r.chat.parallel_tool_calls, false);
    assert.equal(r.chat.reasoning_effort, 'high');
    assert.equal(r.chat.max_tokens, 64);
    assert.equal(r.chat.temperature, 0.2);
    assert.equal(r.stream, false);
    assert.match(r.notes.join(' '), /dropped: web_search, file_search/);
    for (const ignored of ['store', 'include', 'prompt_cache_key', 'text']) assert.ok(!(ignored in r.chat), ignored);
  });

  test('without function tools, tool fields stay out (Chat Completions refuses parallel_tool_calls alone)', () => {
    const r = ok({ model: 'm', input: 'hi', tools: [{ type: 'web_search' }], tool_choice: 'auto', parallel_tool_calls: true });
    assert.ok(!('tools' in r.chat) && !('tool_choice' in r.chat) && !('parallel_tool_calls' in r.chat));
  });

  test('stateful requests are refused with what to send instead', () => {
    for (const [field, value] of [
      ['previous_response_id', 'resp_1'],
      ['conversation', 'conv_1'],
      ['store', true],
    ] as const) {
      const p = refused({ model: 'm', input: 'x', [field]: value });
      assert.equal(p.param, field);
      assert.match(p.message, /send the whole conversation in "input"/);
    }
  });

  test('bad input names the field', () => {
    assert.equal(refused({ input: 'x' }).param, 'model');
    assert.equal(refused({ model: 'm', input: 42 }).param, 'input');
    assert.equal(refused({ model: 'm', input: [] }).code, 'empty_input');
    assert.equal(refused({ model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] }).param, 'input[0]');
    assert.equal(refused({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] }).param, 'input[0].content[0].type');
    assert.equal(refused({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'f' }] }] }).param, 'input[0].content[0].image_url');
    assert.equal(refused({ model: 'm', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }).param, 'input[0].call_id');
    assert.equal(refused({ model: 'm', input: [{ role: 'wizard', content: 'x' }] }).param, 'input[0].role');
    assert.equal(refused({ model: 'm', input: 'x', tools: [{ type: 'function' }] }).param, 'tools[0].name');
  });
});

const chunk = (
  delta: ChatCompletionChunk.Choice.Delta & { reasoning_content?: string },
  finish: ChatCompletionChunk.Choice['finish_reason'] = null,
): ChatCompletionChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
});

const USAGE = { promptTokens: 7, completionTokens: 3, cachedTokens: 2, reasoningTokens: 1, estimated: false };

describe('chunks → Responses events', () => {
  const echo = ok({ model: 'm', input: 'x' }).echo;
  let n = 0;
  const builder = () => new ResponseBuilder({ model: 'asked', echo, createdAt: 1, newId: (p) => `${p}_${++n}` });

  test('reasoning, text and two tool calls become four output items, closed in the order they opened', () => {
    const b = builder();
    const events = [
      ...b.start(),
      ...b.add(chunk({ role: 'assistant', content: '' })),
      ...b.add(chunk({ reasoning_content: 'hmm' })),
      ...b.add(chunk({ content: 'Hi' })),
      ...b.add(chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"a"' } }] })),
      ...b.add(chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] })),
      ...b.add(chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '{}' } }] }, 'tool_calls')),
      ...b.finish({ usage: USAGE, served: 'served-model' }),
    ];
    assert.deepEqual(
      events.map((e) => e.sequence_number),
      events.map((_, i) => i),
    );
    const opened = events.filter((e) => e.type === 'response.output_item.added').map((e) => (e.item as { type: string }).type);
    const closed = events.filter((e) => e.type === 'response.output_item.done').map((e) => (e.item as { type: string }).type);
    assert.deepEqual(opened, ['reasoning', 'message', 'function_call', 'function_call']);
    assert.deepEqual(closed, opened);
    const argsDone = events.filter((e) => e.type === 'response.function_call_arguments.done');
    assert.deepEqual(
      argsDone.map((e) => [e.name, e.arguments]),
      [
        ['f', '{"a":1}'],
        ['g', '{}'],
      ],
    );
    const last = events[events.length - 1];
    assert.equal(last.type, 'response.completed');
    assert.equal(b.response.model, 'served-model');
    assert.deepEqual(b.response.usage, {
      input_tokens: 7,
      input_tokens_details: { cached_tokens: 2 },
      output_tokens: 3,
      output_tokens_details: { reasoning_tokens: 1 },
      total_tokens: 10,
    });
    assert.equal(sseEvent(last).split('\n')[0], 'event: response.completed');
  });

  test('parallel calls whose deltas interleave: every delta before its item is done, names joined (streamed and the response)', () => {
    const b = builder();
    const events = [
      ...b.start(),
      ...b.add(chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'Re' } }] })),
      ...b.add(chunk({ tool_calls: [{ index: 0, function: { name: 'ad', arguments: '{"pa' } }] })),
      ...b.add(chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'Ba' } }] })),
      ...b.add(chunk({ tool_calls: [{ index: 1, function: { name: 'sh', arguments: '{"cmd' } }] })),
      ...b.add(
        chunk({
          tool_calls: [
            { index: 0, function: { arguments: 'th":"x' } },
            { index: 1, function: { arguments: '":"l' } },
          ],
        }),
      ),
      ...b.add(chunk({ tool_calls: [{ index: 1, function: { arguments: 's"}' } }] })),
      ...b.add(chunk({ tool_calls: [{ index: 0, function: { arguments: '"}' } }] }, 'tool_calls')),
      ...b.finish({ usage: USAGE, served: 'm' }),
    ];
    const done = new Set<string>();
    const args = new Map<string, string>();
    for (const e of events) {
      const id = (e.item_id ?? (e.item as { id?: string } | undefined)?.id) as string | undefined;
      if (e.type === 'response.function_call_arguments.delta') {
        assert.ok(id && !done.has(id), `a delta for ${id} after its output_item.done`);
        args.set(id, (args.get(id) ?? '') + (e.delta as string));
      }
      if (e.type === 'response.output_item.done' && id) done.add(id);
    }
    assert.deepEqual([...args.values()], ['{"path":"x"}', '{"cmd":"ls"}']);
    const finished = events.filter((e) => e.type === 'response.output_item.done').map((e) => e.item as { name: string; arguments: string; status: string });
    assert.deepEqual(
      finished.map((i) => [i.name, i.arguments, i.status]),
      [
        ['Read', '{"path":"x"}', 'completed'],
        ['Bash', '{"cmd":"ls"}', 'completed'],
      ],
    );
    assert.deepEqual(
      b.response.output.map((i) => (i.type === 'function_call' ? [i.call_id, i.name, i.arguments, i.status] : [])),
      [
        ['call_a', 'Read', '{"path":"x"}', 'completed'],
        ['call_b', 'Bash', '{"cmd":"ls"}', 'completed'],
      ],
      'the non-streamed response',
    );
  });

  test('an answer cut at max tokens ends with response.incomplete', () => {
    const b = builder();
    b.start();
    b.add(chunk({ content: 'partial' }, 'length'));
    const end = b.finish({ usage: USAGE, served: 'm' });
    assert.equal(end.at(-1)?.type, 'response.incomplete');
    assert.deepEqual(b.response.incomplete_details, { reason: 'max_output_tokens' });
  });

  test('response.failed carries the error and the failed status', () => {
    const b = builder();
    b.start();
    b.add(chunk({ content: 'partial' }));
    const [failed] = b.fail({ code: 'stream_broken', message: 'The connection dropped.' });
    assert.equal(failed.type, 'response.failed');
    assert.deepEqual((failed.response as { error: unknown }).error, { code: 'stream_broken', message: 'The connection dropped.' });
  });
});
