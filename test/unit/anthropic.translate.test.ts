// The Anthropic ⇄ Chat Completions translation on its own (src/agents/anthropic): every request field the gateway
// reads, the stop reasons and usage it writes, the error statuses, and switchboard.agents.models.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { resolveAgentModel } from '../../src/agents/agentModel';
import { AnthropicAnswer, MessageCollector, type AnthropicEvent } from '../../src/agents/anthropic/answer';
import { anthropicErrorFrom } from '../../src/agents/anthropic/errors';
import { MAX_FORWARDED_MAX_TOKENS, parseMessagesRequest, withoutReminders, type MessagesRequest } from '../../src/agents/anthropic/request';
import { parseConfig } from '../../src/core/config/settings';
import { AllCandidatesFailedError, BudgetError, NoKeyError, RateLimitedError } from '../../src/core/base/errors';
import { selectModel } from '../../src/core/select/select';
import { SMALL_AGENT_REQUEST_CHARS } from '../../src/core/select/agent';

function parse(body: Record<string, unknown>): MessagesRequest {
  const r = parseMessagesRequest(JSON.stringify({ model: 'claude-x', max_tokens: 100, ...body }));
  if ('status' in r) throw new Error(`refused: ${r.body.error.message}`);
  return r;
}

describe('Anthropic request → chat request', () => {
  test('images (base64 and url), a tool_result with blocks, is_error, and text after the results', () => {
    const r = parse({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
            { type: 'image', source: { type: 'url', url: 'https://x.example/a.png' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { path: 'a' } },
            { type: 'tool_use', id: 'toolu_2', name: 'Bash', input: { command: 'ls' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'file text' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_2',
              is_error: true,
              content: [
                { type: 'text', text: 'permission denied' },
                { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'BBBB' } },
              ],
            },
            { type: 'text', text: 'go on' },
          ],
        },
      ],
    });
    assert.deepEqual(r.request.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          { type: 'image_url', image_url: { url: 'https://x.example/a.png' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'Read', arguments: '{"path":"a"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'Bash', arguments: '{"command":"ls"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'file text' },
      { role: 'tool', tool_call_id: 'toolu_2', content: 'Error: permission denied' },
      // A tool message carries text only: the result's image follows in the user message.
      {
        role: 'user',
        content: [
          { type: 'text', text: 'go on' },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,BBBB' } },
        ],
      },
    ]);
  });

  test('system as blocks and mid-conversation system messages; sampling fields, stop sequences, metadata', () => {
    const r = parse({
      system: [
        { type: 'text', text: 'one' },
        { type: 'text', text: 'two', cache_control: { type: 'ephemeral' } },
      ],
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'system', content: [{ type: 'text', text: 'a reminder' }] },
      ],
      temperature: 0.3,
      top_p: 0.9,
      stop_sequences: ['END', 'STOP', 'a', 'b', 'c'],
      metadata: { user_id: 'user_abc123_account_0f1e_session_9d8c' },
    });
    assert.deepEqual(r.request.messages, [
      { role: 'system', content: 'one\ntwo' },
      { role: 'user', content: 'hi' },
      { role: 'system', content: 'a reminder' },
    ]);
    assert.equal(r.request.temperature, 0.3);
    assert.equal(r.request.top_p, 0.9);
    assert.deepEqual(r.request.stop, ['END', 'STOP', 'a', 'b'], 'OpenAI takes at most four');
    assert.equal(r.request.user, undefined, "Claude Code's account and session ids go to no upstream");
    assert.doesNotMatch(JSON.stringify(r.request), /abc123|0f1e|9d8c/);
    assert.equal(r.request.max_tokens, 100);
    assert.equal(parse({ max_tokens: MAX_FORWARDED_MAX_TOKENS + 1, messages: [{ role: 'user', content: 'x' }] }).request.max_tokens, undefined);
  });

  test('tool_choice auto / any / tool / none and disable_parallel_tool_use', () => {
    const tools = [{ name: 'f', input_schema: { type: 'object' } }];
    const messages = [{ role: 'user', content: 'x' }];
    const choice = (tool_choice: unknown) => {
      const { tool_choice: c, parallel_tool_calls: p } = parse({ tools, messages, tool_choice }).request;
      return { c, p };
    };
    assert.deepEqual(choice({ type: 'auto' }), { c: 'auto', p: undefined });
    assert.deepEqual(choice({ type: 'any', disable_parallel_tool_use: true }), { c: 'required', p: false });
    assert.deepEqual(choice({ type: 'tool', name: 'f' }), { c: { type: 'function', function: { name: 'f' } }, p: undefined });
    assert.deepEqual(choice({ type: 'none' }), { c: 'none', p: undefined });
    assert.equal(parse({ messages, tool_choice: { type: 'any' } }).request.tool_choice, undefined, 'no tools, no tool_choice');
  });

  test('thinking: enabled asks for it (with its budget); adaptive and disabled leave it to the prompt', () => {
    const messages = [{ role: 'user', content: 'x' }];
    assert.deepEqual(parse({ messages, thinking: { type: 'enabled', budget_tokens: 1024 } }).agent, {
      dialect: 'anthropic',
      thinking: { budgetTokens: 1024 },
      task: 'x',
    });
    assert.deepEqual(parse({ messages, thinking: { type: 'adaptive' } }).agent, { dialect: 'anthropic', task: 'x' });
    assert.deepEqual(parse({ messages, thinking: { type: 'disabled' } }).agent, { dialect: 'anthropic', task: 'x' });
  });

  test("the task smart-select reads is the user's own words: not tool results, not Claude Code's system reminders", () => {
    const r = parse({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: '<system-reminder>As you answer, use the todo list.</system-reminder>' },
            { type: 'text', text: 'Explain what a mutex is' },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Read', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: 'prove the theorem by induction' },
            { type: 'text', text: '<system-reminder>x</system-reminder>' },
          ],
        },
      ],
    });
    assert.equal(r.agent.task, 'Explain what a mutex is');
    assert.equal(parse({ messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'out' }] }] }).agent.task, undefined);
  });

  test('system reminders: each closed one is cut out, an unclosed opener stays as text', () => {
    assert.equal(withoutReminders('a<system-reminder>x</system-reminder>b<system-reminder>y\nz</system-reminder>c'), 'abc');
    assert.equal(withoutReminders('<system-reminder>x<system-reminder>y</system-reminder>z'), 'z', 'from an opener to the first closer');
    assert.equal(withoutReminders('keep <system-reminder> this'), 'keep <system-reminder> this');
    assert.equal(withoutReminders('a</system-reminder>b<system-reminder>c'), 'a</system-reminder>b<system-reminder>c');
    assert.equal(withoutReminders('<system-reminder>x</system-reminder>tail<system-reminder>open'), 'tail<system-reminder>open');
  });

  // A lazy regular expression rescanned the rest of the text from every unclosed opener: 272 KB took 1.7 s, 1 MB ~25 s.
  // The timeout fails the test when the work outlasts it (the event loop gets a turn before the test ends).
  test('a megabyte of unclosed <system-reminder> openers is read in one pass', { timeout: 5000 }, async () => {
    const text = '<system-reminder>'.repeat(Math.ceil((1024 * 1024) / 17)) + 'the task';
    const r = parse({ messages: [{ role: 'user', content: [{ type: 'text', text: `<system-reminder>x</system-reminder>${text}` }] }] });
    assert.equal(r.agent.task, text);
    await new Promise((resolve) => setTimeout(resolve, 1));
  });

  test('what the core needs is checked: a 400 naming the field', () => {
    const refused = (body: unknown) => {
      const r = parseMessagesRequest(JSON.stringify(body));
      assert.ok('status' in r, 'refused');
      assert.equal(r.status, 400);
      assert.equal(r.body.error.type, 'invalid_request_error');
      return r.body.error.message;
    };
    assert.match(refused({ messages: [{ role: 'user', content: 'x' }] }), /^model:/);
    assert.match(refused({ model: 'm', messages: [] }), /at least one message/);
    assert.match(refused({ model: 'm', messages: [{ role: 'user', content: 5 }] }), /^messages\.0\.content:/);
    assert.match(refused({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 1 }] }] }), /^messages\.0\.content\.0\.text:/);
    assert.match(refused({ model: 'm', messages: [{ role: 'user', content: [{ type: 'tool_result' }] }] }), /tool_use_id/);
    assert.match(refused({ model: 'm', system: 7, messages: [{ role: 'user', content: 'x' }] }), /^system:/);
    assert.match(refused({ model: 'm', tools: {}, messages: [{ role: 'user', content: 'x' }] }), /^tools:/);
  });
});

const chunk = (delta: ChatCompletionChunk.Choice.Delta, finish: string | null = null, extra: Record<string, unknown> = {}): ChatCompletionChunk =>
  ({
    id: 'c',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null, ...extra }],
  }) as ChatCompletionChunk;
const USAGE = { promptTokens: 100, completionTokens: 7, cachedTokens: 40 };

function answer(chunks: ChatCompletionChunk[], stopSequences?: string[]): { events: AnthropicEvent[]; message: ReturnType<MessageCollector['result']> } {
  const events: AnthropicEvent[] = [];
  const collector = new MessageCollector();
  const a = new AnthropicAnswer(
    (e) => {
      events.push(e);
      collector.sink(e);
    },
    { id: 'msg_1', model: 'claude-x', ...(stopSequences ? { stopSequences } : {}) },
  );
  a.start();
  for (const c of chunks) a.chunk(c);
  a.finish(USAGE);
  return { events, message: collector.result() };
}

describe('chat chunks → Anthropic events', () => {
  test('stop reasons: length → max_tokens, tool_calls → tool_use, a named stop sequence → stop_sequence, stop → end_turn', () => {
    const reason = (chunks: ChatCompletionChunk[], stops?: string[]) => answer(chunks, stops).message?.stop_reason;
    assert.equal(reason([chunk({ content: 'a' }, 'length')]), 'max_tokens');
    assert.equal(reason([chunk({ tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '{}' } }] }, 'tool_calls')]), 'tool_use');
    assert.equal(reason([chunk({ content: 'a' }, 'stop')]), 'end_turn');
    assert.equal(reason([chunk({ content: 'a' }, 'stop', { stop_reason: 'END' })], ['END']), 'stop_sequence');
    assert.equal(answer([chunk({ content: 'a' }, 'stop', { stop_reason: 'END' })], ['END']).message?.stop_sequence, 'END');
    assert.equal(reason([chunk({ content: 'a' }, 'content_filter')]), 'refusal');
  });

  test("usage in Anthropic's fields: input_tokens exclude what was read from the cache", () => {
    const { message, events } = answer([chunk({ content: 'a' }, 'stop')]);
    assert.deepEqual(message?.usage, { input_tokens: 60, output_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 40 });
    assert.deepEqual(
      events.map((e) => e.type),
      ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'],
    );
  });

  test('two tool calls in a row: one block each, arguments joined per call; invalid arguments become {}', () => {
    const { message } = answer([
      chunk({ content: 'Checking.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_a', function: { name: 'Read', arguments: '{"pa' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'th":"x"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', function: { name: 'Bash', arguments: 'not json' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    assert.deepEqual(message?.content, [
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 'call_a', name: 'Read', input: { path: 'x' } },
      { type: 'tool_use', id: 'call_b', name: 'Bash', input: {} },
    ]);
  });
});

describe('parallel tool calls whose deltas interleave', () => {
  // Name fragments, then the two calls' argument deltas interleaved, some of both in one chunk.
  const interleaved = [
    chunk({ content: 'Both.' }),
    chunk({ tool_calls: [{ index: 0, id: 'call_a', function: { name: 'Re' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { name: 'ad', arguments: '{"pa' } }] }),
    chunk({ tool_calls: [{ index: 1, id: 'call_b', function: { name: 'Ba' } }] }),
    chunk({ tool_calls: [{ index: 1, function: { name: 'sh', arguments: '{"cmd' } }] }),
    chunk({
      tool_calls: [
        { index: 0, function: { arguments: 'th":"x' } },
        { index: 1, function: { arguments: '":"l' } },
      ],
    }),
    chunk({ tool_calls: [{ index: 1, function: { arguments: 's"}' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"}' } }] }),
    chunk({}, 'tool_calls'),
  ];

  test('streamed: blocks one after another, every delta inside its own block (none after its stop)', () => {
    const { events } = answer(interleaved);
    let open: number | undefined;
    let last = -1;
    const args = new Map<number, string>();
    for (const e of events) {
      if (e.type === 'content_block_start') {
        assert.equal(open, undefined, 'a block starts only after the previous one stopped');
        assert.equal(e.index, last + 1);
        open = last = e.index;
      } else if (e.type === 'content_block_delta') {
        assert.equal(e.index, open, `a delta for block ${e.index} while block ${open} is open`);
        if (e.delta.type === 'input_json_delta') args.set(e.index, (args.get(e.index) ?? '') + e.delta.partial_json);
      } else if (e.type === 'content_block_stop') {
        assert.equal(e.index, open);
        open = undefined;
      }
    }
    assert.equal(open, undefined);
    const starts = events.flatMap((e) => (e.type === 'content_block_start' && e.content_block.type === 'tool_use' ? [e.content_block] : []));
    assert.deepEqual(
      starts.map((b) => [b.id, b.type === 'tool_use' ? b.name : '']),
      [
        ['call_a', 'Read'],
        ['call_b', 'Bash'],
      ],
      'names joined from their fragments',
    );
    assert.deepEqual([...args.values()], ['{"path":"x"}', '{"cmd":"ls"}']);
    assert.equal(events.at(-2)?.type, 'message_delta');
  });

  test('non-streamed: both calls whole, names joined, in the order they began', () => {
    const { message } = answer(interleaved);
    assert.deepEqual(message?.content, [
      { type: 'text', text: 'Both.' },
      { type: 'tool_use', id: 'call_a', name: 'Read', input: { path: 'x' } },
      { type: 'tool_use', id: 'call_b', name: 'Bash', input: { cmd: 'ls' } },
    ]);
    assert.equal(message?.stop_reason, 'tool_use');
  });
});

describe('error statuses', () => {
  const attempt = (status: number | undefined, outcome = 'error') => ({
    model: 'm',
    endpoint: 'gateway',
    outcome,
    message: 'x',
    ...(status ? { status } : {}),
  });
  test('every candidate overloaded → 529, rate-limited → 429 with Retry-After, budget → 402, no key → 401, a client error → its status', () => {
    assert.equal(
      anthropicErrorFrom(new AllCandidatesFailedError([attempt(503), attempt(undefined, 'timeout'), attempt(undefined, 'skipped-breaker-open')])).status,
      529,
    );
    assert.equal(anthropicErrorFrom(new AllCandidatesFailedError([attempt(429), attempt(429)])).body.error.type, 'rate_limit_error');
    assert.equal(anthropicErrorFrom(new AllCandidatesFailedError([attempt(404)])).body.error.type, 'not_found_error');
    assert.equal(anthropicErrorFrom(new AllCandidatesFailedError([attempt(400), attempt(503)])).status, 500);
    const limited = anthropicErrorFrom(new RateLimitedError({ endpoint: 'gateway', model: 'm', status: 429 }, 'slow down', 2500));
    assert.deepEqual([limited.status, limited.headers], [429, { 'retry-after': '3' }]);
    const budget = anthropicErrorFrom(new BudgetError('The monthly budget is used up.'));
    assert.deepEqual([budget.status, budget.body], [402, { type: 'error', error: { type: 'billing_error', message: 'The monthly budget is used up.' } }]);
    const refused = anthropicErrorFrom(new AllCandidatesFailedError([attempt(403), { ...attempt(403), model: 'p/other' }]));
    assert.equal(refused.status, 403, 'an upstream refusal is not a wrong local token (401)');
    assert.equal(refused.body.error.type, 'permission_error');
    assert.match(refused.body.error.message, /upstream refused m, p\/other \(HTTP 403\)/);
    assert.match(refused.body.error.message, /accepted your token/);
    assert.match(refused.body.error.message, /switchboard\.agents\.models/);
    assert.equal(anthropicErrorFrom(new NoKeyError('gateway')).body.error.type, 'authentication_error');
    assert.deepEqual(anthropicErrorFrom(new Error('secret internals')).body.error, {
      type: 'api_error',
      message:
        'The local gateway failed unexpectedly; its log says why (VS Code: Switchboard: Show Routing Log; switchboard serve: its stderr; switchboard run: add --verbose).',
    });
  });
});

describe('switchboard.agents.models and smart-select for agents', () => {
  const config = (models: Record<string, string>) => {
    const { config: c, problems } = parseConfig({ 'agents.models': models, 'smartSelect.tiers': { fast: 'p/fast', reasoning: 'p/think' } });
    assert.deepEqual(problems, []);
    return c;
  };

  test('exact names beat globs; a tier names its model; unmatched names go to smart-select unless in provider/model form', () => {
    const c = config({ 'claude-*': 'strong', 'claude-haiku-4-5': 'fast', 'gpt-5-*': 'openai/gpt-5', '*': 'smart-select' });
    assert.equal(resolveAgentModel('claude-haiku-4-5', c).model, 'p/fast');
    assert.equal(resolveAgentModel('claude-opus-5-5', c).model, c.smartSelect.tiers.strong);
    assert.equal(resolveAgentModel('GPT-5-codex', c).model, 'openai/gpt-5', 'names match whatever their case');
    const none = config({});
    assert.deepEqual(resolveAgentModel('claude-opus-5-5', none), {
      model: 'smart-select',
      note: 'agent model claude-opus-5-5 → smart-select (no rule in switchboard.agents.models names it)',
    });
    assert.deepEqual(resolveAgentModel('openai/gpt-4.1', none), { model: 'openai/gpt-4.1' });
    assert.deepEqual(resolveAgentModel('gpt-4.1', none, { unmatched: 'as-is' }), { model: 'gpt-4.1' }, 'Chat Completions names stay as they are');
    assert.equal(resolveAgentModel('a.b', config({ 'a?b': 'x/y' })).model, 'x/y');
    assert.equal(resolveAgentModel('a.b', config({ 'a.c': 'x/y' })).model, 'smart-select', 'a dot is a dot, not a wildcard');
  });

  // Each glob was a backtracking regular expression: this one against 60 characters took 41 s, on every request. A
  // linear matcher answers at once; the timeout fails the test if it does not (after the event loop gets a turn).
  test('a glob with many wildcards against a long name answers at once (no backtracking blow-up)', { timeout: 5000 }, async () => {
    const c = config({ '*a*a*a*a*a*a*a*a*b': 'x/y' });
    assert.equal(resolveAgentModel('a'.repeat(256), c).model, 'smart-select');
    assert.equal(resolveAgentModel('a'.repeat(255) + 'b', c).model, 'x/y');
    await new Promise((resolve) => setTimeout(resolve, 1));
  });

  test('glob semantics: * any run (empty too), ? one character, case-insensitive, literal everything else, no wildcard across a line break', () => {
    const m = (glob: string, name: string) => resolveAgentModel(name, config({ [glob]: 'x/y' })).model === 'x/y';
    assert.ok(m('claude-*', 'claude-'));
    assert.ok(m('claude-*', 'CLAUDE-Opus'));
    assert.ok(m('*-4-?', 'claude-opus-4-8'));
    assert.ok(!m('*-4-?', 'claude-opus-4-88'));
    assert.ok(m('a*b*c', 'aXbYbZc'));
    assert.ok(!m('a*b*c', 'aXbYbZ'));
    assert.ok(m('?*?', 'ab'));
    assert.ok(!m('?*?', 'a'));
    assert.ok(m('a+b(*', 'A+B(x)'));
    assert.ok(!m('a*', 'a\nb'), 'a wildcard does not match a line break');
    assert.ok(!m('a?b', 'a\nb'));
  });

  test('an invalid value names the setting', () => {
    const { problems } = parseConfig({ 'agents.models': { 'claude-*': '' } });
    assert.match(problems[0]?.message ?? '', /switchboard\.agents\.models/);
  });

  test('smart-select: thinking → reasoning; small without tools → fast; a large one or one with tools → by its words', () => {
    const c = config({});
    const ask = (text: string, agent?: { dialect: string; thinking?: { budgetTokens?: number } }, tools = 0) =>
      selectModel({ messages: [{ role: 'user', content: text }], ...(agent ? { agent, tools } : {}) }, c);
    const proof = 'Prove that the square root of 2 is irrational, step by step.';
    assert.equal(ask('hello', { dialect: 'anthropic', thinking: { budgetTokens: 500 } }).tier, 'reasoning');
    assert.equal(ask(proof, { dialect: 'anthropic' }).tier, 'fast', 'a tool-less agent call is a background call, whatever its words');
    assert.equal(ask(proof).tier, 'reasoning', 'the same words from a person are classified');
    assert.equal(ask(proof, { dialect: 'anthropic' }, 23).tier, 'reasoning', 'with tools the words decide');
    assert.notEqual(ask('word '.repeat(SMALL_AGENT_REQUEST_CHARS / 5 + 10), { dialect: 'anthropic' }).tier, 'fast');
    // With tools, the task's words decide, not the tool output the last message carries.
    const toolTurn = { dialect: 'anthropic', task: 'hi there' };
    assert.equal(ask('Prove by induction that the invariant holds; state the time complexity.', toolTurn, 23).tier, 'fast');
  });
});
