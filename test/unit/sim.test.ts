// The provider simulator over real HTTP: every mode's observable behaviour, usage figures, auth, stats.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { FLAKY_KINDS, planReply } from '../sim/modes';
import type { Plan } from '../sim/modes';
import { mulberry32 } from '../sim/prng';
import type { Prng } from '../sim/prng';
import { startSim } from '../sim/server';
import type { Sim, SimStats } from '../sim/server';

interface Message {
  role: string;
  content: string | Array<{ type: string; text?: string; image_url?: { url: string } }>;
}

interface PostOptions {
  stream?: boolean;
  includeUsage?: boolean;
  messages?: Message[];
  tools?: string[];
  key?: string | null;
  signal?: AbortSignal;
}

type Json = Record<string, unknown> & {
  choices: Array<{ delta: Record<string, unknown>; message: Record<string, unknown>; finish_reason: string | null }>;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
  error?: { message: string; type: string; code: string };
};

function post(sim: Sim, model: string, opts: PostOptions = {}): Promise<Response> {
  const body = {
    model,
    messages: opts.messages ?? [{ role: 'user', content: 'hello big world' }],
    stream: opts.stream ?? false,
    ...(opts.includeUsage ? { stream_options: { include_usage: true } } : {}),
    ...(opts.tools ? { tools: opts.tools.map((name) => ({ type: 'function', function: { name, parameters: { type: 'object' } } })) } : {}),
  };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? 'test-key'}`;
  return fetch(`${sim.url}/chat/completions`, { method: 'POST', headers, body: JSON.stringify(body), signal: opts.signal });
}

interface Events {
  /** The `data:` payloads in order, with the time each frame was read. */
  data: string[];
  times: number[];
  error?: unknown;
}

async function readEvents(res: Response, opts: { stopAfter?: number } = {}): Promise<Events> {
  assert.ok(res.body, 'the response has a body');
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const events: Events = { data: [], times: [] };
  let buf = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return events;
      buf += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, end);
        buf = buf.slice(end + 2);
        assert.ok(frame.startsWith('data: '), `every SSE frame is a data line, got ${JSON.stringify(frame)}`);
        events.data.push(frame.slice(6));
        events.times.push(performance.now());
        if (opts.stopAfter !== undefined && events.data.length >= opts.stopAfter) {
          await reader.cancel();
          return events;
        }
      }
    }
  } catch (e) {
    events.error = e;
    return events;
  }
}

function chunksOf(events: Events): Json[] {
  assert.equal(events.data.at(-1), '[DONE]', 'the stream ends with [DONE]');
  return events.data.slice(0, -1).map((d) => JSON.parse(d) as Json);
}

function textOf(chunks: Json[]): string {
  return chunks.map((c) => (c.choices[0]?.delta.content as string | undefined) ?? '').join('');
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function getStats(sim: Sim): Promise<SimStats> {
  const res = await fetch(`${sim.url.replace(/\/v1$/, '')}/__sim/stats`);
  return (await res.json()) as SimStats;
}

/** What a request ended as: 'ok', an HTTP status, 'reset' (connection dropped) or 'malformed'. */
async function outcomeOf(sim: Sim, model: string): Promise<string> {
  let res: Response;
  try {
    res = await post(sim, model, { stream: true });
  } catch {
    return 'reset';
  }
  if (res.status !== 200) {
    await res.text();
    return String(res.status);
  }
  const events = await readEvents(res);
  if (events.error) return 'reset';
  try {
    chunksOf(events);
  } catch {
    return 'malformed';
  }
  return 'ok';
}

describe('provider simulator', () => {
  let sim: Sim;
  before(async () => {
    sim = await startSim();
  });
  after(() => sim.close());

  test('streams sim/echo one word per chunk in OpenAI chunk shape, usage last, then [DONE]', async () => {
    const res = await post(sim, 'sim/echo', {
      stream: true,
      includeUsage: true,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'an answer' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'say  hello\nworld' },
            { type: 'image_url', image_url: { url: 'data:x' } },
            { type: 'text', text: 'now' },
          ],
        },
      ],
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const chunks = chunksOf(await readEvents(res));
    const usageChunk = chunks.pop();
    const finish = chunks.pop();
    assert.deepEqual(
      chunks.map((c) => c.choices[0].delta.content),
      ['say', '  hello', '\nworld', '\nnow'],
    );
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    for (const c of [...chunks, finish]) {
      assert.equal(c?.object, 'chat.completion.chunk');
      assert.equal(c?.model, 'sim/echo');
      assert.equal(c?.id, chunks[0].id);
      assert.equal(typeof c?.created, 'number');
      assert.equal(c?.usage, null);
    }
    assert.deepEqual(finish?.choices[0].delta, {});
    assert.equal(finish?.choices[0].finish_reason, 'stop');
    assert.deepEqual(usageChunk?.choices, []);
    // 2 + 2 + 2 + 4 prompt words (the image part does not count), 4 answer words.
    assert.deepEqual(usageChunk?.usage, { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 });
  });

  test('without include_usage no usage chunk is sent', async () => {
    const chunks = chunksOf(await readEvents(await post(sim, 'sim/echo', { stream: true })));
    assert.equal(textOf(chunks), 'hello big world');
    assert.equal(chunks.at(-1)?.choices[0].finish_reason, 'stop');
    assert.ok(chunks.every((c) => c.choices.length === 1 && !('usage' in c)));
  });

  test('answers sim/echo without streaming as a chat.completion with usage', async () => {
    const res = await post(sim, 'sim/echo?x=1');
    assert.equal(res.status, 200);
    const body = (await res.json()) as Json;
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.model, 'sim/echo?x=1');
    assert.match(String(body.id), /^chatcmpl-/);
    assert.deepEqual(body.choices[0].message, { role: 'assistant', content: 'hello big world', refusal: null });
    assert.equal(body.choices[0].finish_reason, 'stop');
    assert.deepEqual(body.usage, { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 });
  });

  test('stands in for any non-sim model by echoing', async () => {
    const body = (await (await post(sim, 'openai/gpt-4.1')).json()) as Json;
    assert.equal(body.model, 'openai/gpt-4.1');
    assert.equal(body.choices[0].message.content, 'hello big world');
  });

  test('sim/lorem streams N words, one chunk every chunkMs', async () => {
    const sent = performance.now();
    const events = await readEvents(await post(sim, 'sim/lorem?tokens=4&chunkMs=25', { stream: true, includeUsage: true }));
    const chunks = chunksOf(events);
    assert.equal(textOf(chunks), 'Lorem ipsum dolor sit');
    assert.equal(chunks.at(-1)?.usage?.completion_tokens, 4);
    // The last chunk cannot arrive before the simulator waited three gaps (a loaded client may read earlier ones late,
    // so the gaps it sees between chunks can shrink; the time since the request cannot).
    assert.ok(events.times[3] - sent >= 3 * 25 - 1, `the 4th chunk came ${events.times[3] - sent} ms after the request`);
    const plain = (await (await post(sim, 'sim/lorem')).json()) as Json;
    assert.equal(plain.usage?.completion_tokens, 50);
    assert.equal(String(plain.choices[0].message.content).split(' ').length, 50);
  });

  test('sim/slow sends headers at once and the first token after firstTokenMs', async () => {
    const started = performance.now();
    const res = await post(sim, 'sim/slow?firstTokenMs=150', { stream: true });
    const headersAt = performance.now() - started;
    const events = await readEvents(res);
    const firstTokenAt = events.times[0] - started;
    assert.equal(textOf(chunksOf(events)), 'hello big world');
    assert.ok(firstTokenAt >= 140, `first token after ${firstTokenAt} ms`);
    assert.ok(headersAt < firstTokenAt - 50, `headers after ${headersAt} ms, first token after ${firstTokenAt} ms`);
  });

  test('sim/fail answers the requested status with an OpenAI error body, stream or not', async () => {
    for (const stream of [false, true]) {
      const res = await post(sim, 'sim/fail?status=503', { stream });
      assert.equal(res.status, 503);
      const body = (await res.json()) as Json;
      assert.equal(body.error?.type, 'server_error');
      assert.equal(typeof body.error?.message, 'string');
      assert.equal(typeof body.error?.code, 'string');
    }
    assert.equal((await post(sim, 'sim/fail?status=418')).status, 418);
    const limited = await post(sim, 'sim/fail?status=429&retryAfter=7', { stream: true });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '7');
    assert.equal(((await limited.json()) as Json).error?.code, 'rate_limit_exceeded');
  });

  test('sim/reset?after=0 drops the connection before any byte', async () => {
    await assert.rejects(post(sim, 'sim/reset?after=0', { stream: true }));
    await assert.rejects(post(sim, 'sim/reset'));
  });

  test('sim/reset?after=K drops the connection after K chunks', async () => {
    const events = await readEvents(await post(sim, 'sim/reset?after=2&chunkMs=5', { stream: true }));
    assert.ok(events.error, 'the stream errors');
    assert.deepEqual(
      events.data.map((d) => (JSON.parse(d) as Json).choices[0].delta.content),
      ['Lorem', ' ipsum'],
    );
    const res = await post(sim, 'sim/reset?after=2');
    assert.equal(res.status, 200);
    await assert.rejects(res.text(), 'a non-stream body is cut short');
  });

  test('sim/malformed?after=K sends K good chunks, then invalid JSON, then ends', async () => {
    const events = await readEvents(await post(sim, 'sim/malformed?after=1', { stream: true }));
    assert.equal(events.error, undefined);
    assert.equal(events.data.length, 2);
    assert.equal((JSON.parse(events.data[0]) as Json).choices[0].delta.content, 'Lorem');
    assert.throws(() => JSON.parse(events.data[1]) as unknown);
    const res = await post(sim, 'sim/malformed');
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.throws(() => JSON.parse(text) as unknown);
  });

  test('sim/tool streams a call of the named tool, arguments in pieces; after a tool message it echoes', async () => {
    const chunks = chunksOf(await readEvents(await post(sim, 'sim/tool?name=search', { stream: true, includeUsage: true, tools: ['lookup', 'search'] })));
    const calls = chunks.flatMap((c) => (c.choices[0]?.delta.tool_calls as Array<Record<string, unknown>> | undefined) ?? []);
    assert.equal(calls[0].index, 0);
    assert.match(String(calls[0].id), /^call_/);
    assert.equal(calls[0].type, 'function');
    assert.equal((calls[0].function as { name: string }).name, 'search');
    const pieces = calls.map((c) => (c.function as { arguments: string }).arguments).filter((a) => a !== '');
    assert.ok(pieces.length >= 2, `arguments came in ${pieces.length} pieces`);
    assert.deepEqual(JSON.parse(pieces.join('')), { q: 'hello big world' });
    assert.ok(calls.every((c) => c.index === 0));
    assert.equal(chunks.at(-2)?.choices[0].finish_reason, 'tool_calls');
    assert.equal(chunks.at(-1)?.usage?.completion_tokens, 4); // {"q": "hello big world"}

    const plain = (await (await post(sim, 'sim/tool?name=search', { tools: ['search'] })).json()) as Json;
    assert.equal(plain.choices[0].finish_reason, 'tool_calls');
    const toolCalls = plain.choices[0].message.tool_calls as Array<{ function: { name: string; arguments: string } }>;
    assert.deepEqual(JSON.parse(toolCalls[0].function.arguments), { q: 'hello big world' });

    const afterTool = await post(sim, 'sim/tool?name=search', {
      stream: true,
      tools: ['search'],
      messages: [
        { role: 'user', content: 'find it' },
        { role: 'assistant', content: '' },
        { role: 'tool', content: 'found: 42' },
      ],
    });
    const answer = chunksOf(await readEvents(afterTool));
    assert.equal(textOf(answer), 'found: 42');
    assert.equal(answer.at(-1)?.choices[0].finish_reason, 'stop');

    const missing = await post(sim, 'sim/tool?name=nope', { tools: ['search'] });
    assert.equal(missing.status, 400);
    assert.match(((await missing.json()) as Json).error?.message ?? '', /nope/);
  });

  test('sim/tool?args= calls the tool with the given JSON arguments, streamed in pieces; bad args are a 400 naming them', async () => {
    const args = { command: "echo 'hi there'", description: 'say hi' };
    const model = `sim/tool?name=Bash&args=${encodeURIComponent(JSON.stringify(args))}`;
    const chunks = chunksOf(await readEvents(await post(sim, model, { stream: true, tools: ['Read', 'Bash'] })));
    const calls = chunks.flatMap((c) => (c.choices[0]?.delta.tool_calls as Array<Record<string, unknown>> | undefined) ?? []);
    assert.equal((calls[0].function as { name: string }).name, 'Bash');
    const pieces = calls.map((c) => (c.function as { arguments: string }).arguments).filter((a) => a !== '');
    assert.ok(pieces.length >= 2, `arguments came in ${pieces.length} pieces`);
    assert.deepEqual(JSON.parse(pieces.join('')), args);

    const bad = await post(sim, 'sim/tool?name=Bash&args=%5B1%5D', { tools: ['Bash'] });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as Json).error?.message ?? '', /args must be a JSON object/);
  });

  test('sim/context refuses prompts over max tokens like OpenAI, else echoes', async () => {
    const over = await post(sim, 'sim/context?max=2', { stream: true });
    assert.equal(over.status, 400);
    const error = ((await over.json()) as Json).error;
    assert.equal(error?.code, 'context_length_exceeded');
    assert.match(error?.message ?? '', /^This model's maximum context length is 2 tokens/);
    const within = (await (await post(sim, 'sim/context?max=3')).json()) as Json;
    assert.equal(within.choices[0].message.content, 'hello big world');
  });

  test('an unknown sim mode is a 404 model_not_found; a bad parameter a 400 naming it', async () => {
    const res = await post(sim, 'sim/nonsense');
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as Json).error?.code, 'model_not_found');
    const bad = await post(sim, 'sim/lorem?tokens=many');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as Json).error?.message ?? '', /tokens/);
  });

  test('requires a bearer key on /v1', async () => {
    const res = await post(sim, 'sim/echo', { key: null });
    assert.equal(res.status, 401);
    const body = (await res.json()) as Json;
    assert.equal(body.error?.code, 'invalid_api_key');
    assert.equal(typeof body.error?.type, 'string');
    assert.equal((await fetch(`${sim.url}/models`)).status, 401);
  });

  test('lists the sim models with OpenRouter-style pricing and context length', async () => {
    const res = await fetch(`${sim.url}/models`, { headers: { authorization: 'Bearer k' } });
    const body = (await res.json()) as { data: Array<{ id: string; context_length: number; pricing: { prompt: string; completion: string } }> };
    const echo = body.data.find((m) => m.id === 'sim/echo');
    assert.deepEqual(echo?.pricing && { prompt: echo.pricing.prompt, completion: echo.pricing.completion }, { prompt: '0.000001', completion: '0.000002' });
    for (const m of body.data) {
      assert.ok(m.context_length > 0);
      assert.ok(Number(m.pricing.prompt) > 0 && Number(m.pricing.completion) > 0);
    }
    const simModels = body.data.filter((m) => m.id.startsWith('sim/'));
    const prices = new Set(simModels.map((m) => `${m.pricing.prompt}/${m.pricing.completion}`));
    assert.equal(prices.size, simModels.length, 'every sim model has its own price');
    assert.ok(['sim/lorem', 'sim/flaky', 'sim/tool', 'sim/context'].every((id) => body.data.some((m) => m.id === id)));
    // smart-select's default tiers are listed as stand-ins (answered like sim/echo); standIns: false lists sim/ only.
    const standIns = body.data.filter((m) => !m.id.startsWith('sim/') && !m.id.startsWith('dialect/')).map((m) => m.id);
    assert.deepEqual(standIns.sort(), ['anthropic/claude-sonnet-4.5', 'openai/gpt-4.1', 'openai/gpt-4.1-mini', 'openai/o3']);
    const own = await startSim({ key: 'k', standIns: false });
    try {
      const listed = (await (await fetch(`${own.url}/models`, { headers: { authorization: 'Bearer k' } })).json()) as { data: Array<{ id: string }> };
      assert.ok(listed.data.every((m) => m.id.startsWith('sim/')));
    } finally {
      await own.close();
    }
  });

  test('sim/flaky fails deterministically for a seed, and the sequence restarts on reset', async () => {
    const model = 'sim/flaky?p=0.5&seed=7&kinds=503,429,reset-before,reset-mid,malformed';
    const run = async (): Promise<string[]> => {
      const outcomes: string[] = [];
      for (let i = 0; i < 24; i++) outcomes.push(await outcomeOf(sim, model));
      return outcomes;
    };
    sim.reset();
    const first = await run();
    sim.reset();
    const second = await run();
    assert.deepEqual(second, first);
    for (const kind of ['ok', '503', '429', 'reset', 'malformed']) assert.ok(first.includes(kind), `${kind} in ${first.join(',')}`);
    const other = await startSim();
    try {
      const third: string[] = [];
      for (let i = 0; i < 24; i++) third.push(await outcomeOf(other, model));
      assert.deepEqual(third, first, 'another simulator gives the same sequence for the same seed');
    } finally {
      await other.close();
    }
    const never: string[] = [];
    const always: string[] = [];
    for (let i = 0; i < 5; i++) never.push(await outcomeOf(sim, 'sim/flaky?p=0&seed=3'));
    for (let i = 0; i < 5; i++) always.push(await outcomeOf(sim, 'sim/flaky?p=1&seed=3&kinds=503'));
    assert.deepEqual(never, ['ok', 'ok', 'ok', 'ok', 'ok']);
    assert.deepEqual(always, ['503', '503', '503', '503', '503']);
  });
});

test('sim/flaky draws every failure kind, hang included, by default', () => {
  const rng = mulberry32(5);
  const rngFor = (): Prng => rng;
  const describePlan = (plan: Plan): string => {
    if (plan.kind !== 'answer') return plan.kind === 'error' ? String(plan.status) : plan.kind;
    return plan.cut ? `${plan.cut.how}@${plan.cut.after}` : 'ok';
  };
  const seen = new Set<string>();
  for (let i = 0; i < 300; i++) {
    const request = { model: 'sim/flaky?p=0.9&seed=5', stream: true, includeUsage: false, messages: [{ role: 'user', text: 'a b' }], toolNames: [] };
    seen.add(describePlan(planReply({ request, promptTokens: 2, rngFor, callId: 'c' })));
  }
  assert.deepEqual([...seen].sort(), ['429', '503', 'hang', 'malformed@0', 'ok', 'reset@0', 'reset@1']);
  assert.equal(FLAKY_KINDS.length, 6);
});

describe('simulator stats', () => {
  let sim: Sim;
  before(async () => {
    sim = await startSim({ key: 'right-key' });
  });
  after(() => sim.close());

  test('counts requests, completed answers and their tokens; reset zeroes them', async () => {
    sim.reset();
    await (await post(sim, 'sim/echo', { key: 'right-key' })).json(); // 3 + 3
    await readEvents(await post(sim, 'sim/lorem?tokens=5', { key: 'right-key', stream: true })); // 3 + 5
    await (await post(sim, 'sim/fail', { key: 'right-key' })).text();
    const refused = await post(sim, 'sim/echo', { key: 'wrong-key' });
    assert.equal(refused.status, 401);
    await refused.text();
    await waitFor('two completed answers', () => sim.stats().completed === 2);
    assert.deepEqual(sim.stats(), { requests: 4, completed: 2, promptTokens: 6, completionTokens: 8, aborted: 0, inFlight: 0, modelListings: 0 });
    assert.deepEqual(await getStats(sim), sim.stats());

    const reset = await fetch(`${sim.url.replace(/\/v1$/, '')}/__sim/reset`, { method: 'POST' });
    assert.equal(reset.status, 200);
    await reset.text();
    assert.deepEqual(await getStats(sim), { requests: 0, completed: 0, promptTokens: 0, completionTokens: 0, aborted: 0, inFlight: 0, modelListings: 0 });
  });

  test('counts a client disconnect mid-stream and during a hang as aborted', async () => {
    sim.reset();
    const events = await readEvents(await post(sim, 'sim/lorem?tokens=100&chunkMs=20', { key: 'right-key', stream: true }), { stopAfter: 2 });
    assert.equal(events.data.length, 2);
    await waitFor('the stream abort', () => sim.stats().aborted === 1 && sim.stats().inFlight === 0);

    const controller = new AbortController();
    const hanging = post(sim, 'sim/hang', { key: 'right-key', signal: controller.signal });
    await waitFor('the hang to arrive', () => sim.stats().inFlight === 1);
    controller.abort();
    await assert.rejects(hanging);
    await waitFor('the hang abort', () => sim.stats().aborted === 2 && sim.stats().inFlight === 0);
    assert.equal(sim.stats().completed, 0);
  });

  test('close() ends hanging and slow requests and clears their timers', async () => {
    const other = await startSim();
    const settled = (p: Promise<Response>): Promise<string> =>
      p.then(
        () => 'answered',
        () => 'failed',
      );
    const hanging = settled(post(other, 'sim/hang', { stream: true }));
    const slow = settled(post(other, 'sim/slow?firstTokenMs=60000'));
    await waitFor('both requests to arrive', () => other.stats().inFlight === 2);
    const started = performance.now();
    await other.close();
    assert.ok(performance.now() - started < 1000);
    assert.equal(await hanging, 'failed');
    assert.equal(await slow, 'failed');
    assert.equal(other.stats().inFlight, 0);
  });
});

test('`npm run sim` prints its URL and exits cleanly on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/sim/main.ts', '--port', '0', '--key', 'cli-key'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out);
      });
      child.once('exit', (code) => reject(new Error(`the simulator exited early with ${code}`)));
    });
    const match = /^listening on (http:\/\/127\.0\.0\.1:(\d+)\/v1)\n$/.exec(line);
    assert.ok(match, `printed ${JSON.stringify(line)}`);
    assert.notEqual(match[2], '0');
    const res = await fetch(`${match[1]}/models`, { headers: { authorization: 'Bearer cli-key' } });
    assert.equal(res.status, 200);
    await res.text();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
