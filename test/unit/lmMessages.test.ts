// VS Code language-model parts ⇄ OpenAI messages, tools and tool calls (no vscode needed: parts are shapes).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LM_ROLE,
  lmMessageText,
  toOpenAIMessages,
  toOpenAIToolChoice,
  toOpenAITools,
  ToolCallAccumulator,
  type LmMessageLike,
} from '../../src/core/prompt/lmMessages';

const text = (value: string) => ({ value });
const call = (callId: string, name: string, input: object) => ({ callId, name, input });
const result = (callId: string, content: unknown[]) => ({ callId, content });
const data = (mimeType: string, bytes: number[] | string) => ({
  mimeType,
  data: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : new Uint8Array(bytes),
});

describe('toOpenAIMessages', () => {
  test('a tool round trip: assistant tool calls, then tool results as `tool` messages before any user text', () => {
    const msgs: LmMessageLike[] = [
      { role: LM_ROLE.User, content: [text('find cats')] },
      { role: LM_ROLE.Assistant, content: [text('Looking. '), call('call_1', 'lookup', { q: 'cats' }), call('call_2', 'count', {})] },
      { role: LM_ROLE.User, content: [result('call_1', [text('3 cats')]), result('call_2', [data('application/json', '{"n":3}')]), text('and dogs?')] },
    ];
    assert.deepEqual(toOpenAIMessages(msgs, { supportsImages: false }), [
      { role: 'user', content: 'find cats' },
      {
        role: 'assistant',
        content: 'Looking. ',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cats"}' } },
          { id: 'call_2', type: 'function', function: { name: 'count', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '3 cats' },
      { role: 'tool', tool_call_id: 'call_2', content: '{"n":3}' },
      { role: 'user', content: 'and dogs?' },
    ]);
  });

  test('an assistant message with only tool calls has null content; a user message with only results adds no user message', () => {
    const out = toOpenAIMessages(
      [
        { role: LM_ROLE.Assistant, content: [call('c', 'f', { a: 1 })] },
        { role: LM_ROLE.User, content: [result('c', [text('ok')])] },
      ],
      { supportsImages: true },
    );
    assert.equal(out.length, 2);
    assert.equal(out[0].role === 'assistant' ? out[0].content : 'x', null);
    assert.deepEqual(out[1], { role: 'tool', tool_call_id: 'c', content: 'ok' });
  });

  test('images become data URIs for models that take them, and a note otherwise', () => {
    const msg: LmMessageLike = { role: LM_ROLE.User, content: [text('what is this?'), data('image/png', [1, 2, 3])] };
    const withImages = toOpenAIMessages([msg], { supportsImages: true })[0];
    assert.deepEqual(withImages, {
      role: 'user',
      content: [
        { type: 'text', text: 'what is this?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AQID' } },
      ],
    });
    const without = toOpenAIMessages([msg], { supportsImages: false })[0];
    assert.equal(without.role, 'user');
    assert.match(String(without.content), /^what is this\?\[image omitted/);
  });

  test('system messages, names, string content and marker data parts', () => {
    const out = toOpenAIMessages(
      [
        { role: LM_ROLE.System, content: 'be brief' },
        { role: LM_ROLE.User, content: [text('hi'), data('cache_control', 'ephemeral')], name: 'ann' },
      ],
      { supportsImages: false },
    );
    assert.deepEqual(out, [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi', name: 'ann' },
    ]);
  });
});

describe('tools and tool calls', () => {
  test('tools map to function tools; toolMode Required names a single tool', () => {
    const tools = [{ name: 'lookup', description: 'Looks up', inputSchema: { type: 'object', properties: { q: { type: 'string' } } } }];
    assert.deepEqual(toOpenAITools(tools), [{ type: 'function', function: { name: 'lookup', description: 'Looks up', parameters: tools[0].inputSchema } }]);
    assert.equal(toOpenAITools([]), undefined);
    assert.deepEqual(toOpenAIToolChoice(2, tools), { type: 'function', function: { name: 'lookup' } });
    assert.equal(toOpenAIToolChoice(2, [...tools, { name: 'b', description: '' }]), 'required');
    assert.equal(toOpenAIToolChoice(1, tools), 'auto');
    assert.equal(toOpenAIToolChoice(1, undefined), undefined);
  });

  test('the accumulator joins streamed deltas by index and parses arguments', () => {
    const acc = new ToolCallAccumulator();
    acc.add({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'look', arguments: '' } }] });
    acc.add({
      tool_calls: [
        { index: 0, function: { name: 'up', arguments: '{"q":' } },
        { index: 1, id: 'b', function: { name: 'bad', arguments: 'not json' } },
      ],
    });
    acc.add({ tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] });
    assert.ok(acc.pending);
    assert.deepEqual(acc.flush(), [
      { callId: 'a', name: 'lookup', input: { q: 'x' } },
      { callId: 'b', name: 'bad', input: { raw: 'not json' } },
    ]);
    assert.equal(acc.pending, false);
    assert.deepEqual(acc.flush(), []);
  });

  test('message text for token counting includes tool calls and results', () => {
    assert.equal(lmMessageText({ role: LM_ROLE.User, content: 'plain' }), 'plain');
    assert.equal(lmMessageText({ role: LM_ROLE.Assistant, content: [text('a'), call('c', 'f', { q: 1 })] }), 'a\nf\n{"q":1}');
    assert.equal(lmMessageText({ role: LM_ROLE.User, content: [result('c', [text('r')])] }), 'r');
  });
});
