// The transport: streaming, HTTP errors mapped onto the error tree, network faults, cancellation.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { startSim, type Sim } from '../sim/server';
import { openChatStream, errorMessageFromBody, type ChatStreamRequest } from '../../src/core/net/transport';
import {
  AuthError,
  CancelledError,
  ConnectionError,
  ContextLengthError,
  MalformedResponseError,
  RateLimitedError,
  TimeoutError,
  UnavailableError,
} from '../../src/core/base/errors';
import type { Endpoint } from '../../src/core/base/types';

const KEY = 'sk-transport-secret';
let sim: Sim;
let endpoint: Endpoint;

before(async () => {
  sim = await startSim({ key: KEY });
  endpoint = { id: 'gateway', baseUrl: sim.url, headers: {}, secretName: 'switchboard.apiKey' };
});
after(() => sim.close());
beforeEach(() => sim.reset());

const req = (model: string, extra: Partial<ChatStreamRequest> = {}): ChatStreamRequest => ({
  endpoint,
  key: KEY,
  upstreamModel: model,
  body: { model, messages: [{ role: 'user', content: 'one two three' }] },
  ...extra,
});

async function collect(r: ChatStreamRequest): Promise<{ chunks: ChatCompletionChunk[]; text: string; error?: unknown }> {
  const chunks: ChatCompletionChunk[] = [];
  try {
    for await (const c of openChatStream(r)) chunks.push(c);
    return { chunks, text: textOf(chunks) };
  } catch (error) {
    return { chunks, text: textOf(chunks), error };
  }
}
const textOf = (cs: ChatCompletionChunk[]) => cs.map((c) => c.choices[0]?.delta?.content ?? '').join('');

async function waitFor(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
const timers = () => process.getActiveResourcesInfo().filter((t) => t === 'Timeout').length;

function assertNoKey(e: unknown) {
  assert.ok(e instanceof Error);
  assert.ok(!e.message.includes(KEY), `key leaked: ${e.message}`);
  assert.ok(!JSON.stringify(e).includes(KEY), 'key leaked into error fields');
}

describe('streaming', () => {
  test('streams the answer with a final usage chunk and passes request fields through', async () => {
    const { chunks, text, error } = await collect(req('sim/echo'));
    assert.equal(error, undefined);
    assert.equal(text, 'one two three');
    const usage = chunks.at(-1)?.usage;
    assert.deepEqual(usage && { p: usage.prompt_tokens, c: usage.completion_tokens }, { p: 3, c: 3 });

    const tool = await collect({
      ...req('sim/tool?name=lookup'),
      body: {
        model: 'x',
        messages: [{ role: 'user', content: 'where' }],
        tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
        tool_choice: 'auto',
      },
    });
    assert.equal(tool.error, undefined);
    const calls = tool.chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    assert.equal(calls[0]?.function?.name, 'lookup');
    assert.equal(calls.map((c) => c.function?.arguments ?? '').join(''), '{"q": "where"}');
  });

  test('nonStreaming sends stream:false and yields the same answer as chunks', async () => {
    const { chunks, text, error } = await collect(req('sim/echo', { nonStreaming: true }));
    assert.equal(error, undefined);
    assert.equal(text, 'one two three');
    assert.equal(chunks[0].choices[0].finish_reason, 'stop');
    assert.equal(chunks.at(-1)?.usage?.completion_tokens, 3);
  });

  test('a slow consumer gets every chunk of a long answer (back-pressure)', async () => {
    const s = openChatStream(req('sim/lorem?tokens=3000'));
    let n = 0;
    for await (const c of s) {
      if (c.choices[0]?.delta?.content) n++;
      if (n % 500 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    assert.equal(n, 3000);
  });
});

describe('HTTP errors map onto the error tree', () => {
  test('503 → UnavailableError (retryable)', async () => {
    const { error } = await collect(req('sim/fail?status=503'));
    assert.ok(error instanceof UnavailableError);
    assert.equal(error.status, 503);
    assert.equal(error.retryable, true);
    assert.match(error.message, /HTTP 503/);
  });

  test('429 with Retry-After → RateLimitedError carrying the delay', async () => {
    const { error } = await collect(req('sim/fail?status=429&retryAfter=2'));
    assert.ok(error instanceof RateLimitedError);
    assert.equal(error.retryAfterMs, 2000);
  });

  test('401 → AuthError naming the endpoint, never the key', async () => {
    const { error } = await collect(req('sim/echo', { key: 'sk-wrong-key' }));
    assert.ok(error instanceof AuthError);
    assert.match(error.message, /gateway rejected the API key \(HTTP 401\)/);
    assert.ok(!error.message.includes('sk-wrong-key'));
  });

  test('400 context_length_exceeded → ContextLengthError (not retryable)', async () => {
    const { error } = await collect(req('sim/context?max=2'));
    assert.ok(error instanceof ContextLengthError);
    assert.equal(error.retryable, false);
  });

  test('errorMessageFromBody reads OpenAI, plain and text bodies', () => {
    assert.equal(errorMessageFromBody('{"error":{"message":"Bad thing."}}'), 'Bad thing');
    assert.equal(errorMessageFromBody('{"error":"nope"}'), 'nope');
    assert.equal(errorMessageFromBody('<html>502</html>'), '<html>502</html>');
    assert.equal(errorMessageFromBody(''), undefined);
  });
});

describe('faults', () => {
  test('reset before the first byte → ConnectionError', async () => {
    const { chunks, error } = await collect(req('sim/reset?after=0'));
    assert.ok(error instanceof ConnectionError, String(error));
    assert.equal(chunks.length, 0);
    assertNoKey(error);
  });

  test('reset mid-stream → the chunks so far, then ConnectionError', async () => {
    const { text, error } = await collect(req('sim/reset?after=3&tokens=10'));
    assert.ok(error instanceof ConnectionError, String(error));
    assert.equal(text.split(' ').length, 3);
  });

  test('malformed SSE → MalformedResponseError, after the good chunks', async () => {
    const { text, error } = await collect(req('sim/malformed?after=2'));
    assert.ok(error instanceof MalformedResponseError, String(error));
    assert.equal(text.split(' ').length, 2);
    await waitFor(() => sim.stats().inFlight === 0, 'the socket to close');
  });

  test('hang → connect timeout when headers never come', async () => {
    const t0 = performance.now();
    const { error } = await collect(req('sim/hang', { timeouts: { connectMs: 80 } }));
    assert.ok(error instanceof TimeoutError);
    assert.equal(error.phase, 'connect');
    assert.ok(performance.now() - t0 < 1000);
    await waitFor(() => sim.stats().inFlight === 0 && sim.stats().aborted === 1, 'the simulator to see the disconnect');
  });

  test('slow first token → first-token timeout', async () => {
    const { error } = await collect(req('sim/slow?firstTokenMs=2000', { timeouts: { firstTokenMs: 80 } }));
    assert.ok(error instanceof TimeoutError);
    assert.equal(error.phase, 'first-token');
    await waitFor(() => sim.stats().inFlight === 0, 'the socket to close');
  });

  test('a stalled stream → idle timeout after the tokens so far', async () => {
    const { text, error } = await collect(req('sim/lorem?tokens=5&chunkMs=400', { timeouts: { idleMs: 80 } }));
    assert.ok(error instanceof TimeoutError);
    assert.equal(error.phase, 'idle');
    assert.equal(text.split(' ').length, 1);
  });

  test('no timer survives a finished, failed or aborted stream', async () => {
    // The in-process simulator has timers of its own: measure only when it is idle.
    await waitFor(() => sim.stats().inFlight === 0, 'the simulator to be idle');
    const before = timers();
    const t = { connectMs: 5000, firstTokenMs: 5000, idleMs: 5000 };
    await collect(req('sim/echo', { timeouts: t }));
    await collect(req('sim/fail?status=500', { timeouts: t }));
    await collect(req('sim/reset?after=1', { timeouts: t }));
    const ctrl = new AbortController();
    const p = collect(req('sim/hang', { timeouts: t, signal: ctrl.signal }));
    ctrl.abort();
    await p;
    await waitFor(() => sim.stats().inFlight === 0, 'the simulator to be idle');
    assert.equal(timers(), before);
  });
});

describe('cancellation', () => {
  test('aborting the signal mid-stream rejects with CancelledError and closes the socket at once', async () => {
    const ctrl = new AbortController();
    const s = openChatStream(req('sim/lorem?tokens=1000&chunkMs=5', { signal: ctrl.signal }));
    let n = 0;
    await assert.rejects(async () => {
      for await (const _ of s) if (++n === 3) ctrl.abort();
    }, CancelledError);
    await waitFor(() => sim.stats().aborted === 1 && sim.stats().inFlight === 0, 'the simulator to see the disconnect');
    assert.equal(sim.stats().completed, 0);
  });

  test('leaving a for-await early aborts the request', async () => {
    for await (const c of openChatStream(req('sim/lorem?tokens=1000&chunkMs=5'))) if (c.choices[0]?.delta?.content) break;
    await waitFor(() => sim.stats().aborted === 1 && sim.stats().inFlight === 0, 'the simulator to see the disconnect');
  });

  test('an already-aborted signal never reaches the network', async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    const { error } = await collect(req('sim/echo', { signal: ctrl.signal }));
    assert.ok(error instanceof CancelledError);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(sim.stats().completed, 0);
  });
});
