// The local gateway answers as soon as the router reports the winning attempt complete, not after the router's own
// bookkeeping (the usage ledger's record, the `done` event): a router stands still between its `ok` attempt event and
// `done`, and the client already holds the whole answer, streamed or not. A failure in that bookkeeping is logged and
// leaves the sent answer alone.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { parseConfig } from '../../src/core/config/settings';
import type { AttemptEvent, ChatRouter, DoneEvent, RouteYield } from '../../src/core/base/types';
import { startLocalGateway, type LocalGateway } from '../../src/gateway/server';

const usage = { promptTokens: 3, completionTokens: 2, cachedTokens: 0, reasoningTokens: 0, estimated: false };

function chunk(content: string, finish: 'stop' | null): ChatCompletionChunk {
  return {
    id: 'chatcmpl-early',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'sim/echo',
    choices: [{ index: 0, delta: { content }, finish_reason: finish, logprobs: null }],
  };
}

const attemptOk: AttemptEvent = {
  type: 'attempt',
  requestId: 'r1',
  index: 0,
  model: 'sim/echo',
  endpoint: 'custom',
  role: 'primary',
  outcome: 'ok',
  msTotal: 1,
  usage,
};
const done: DoneEvent = {
  type: 'done',
  requestId: 'r1',
  at: 0,
  requested: 'sim/echo',
  answeredBy: 'sim/echo',
  served: 'sim/echo',
  endpoint: 'custom',
  attempts: 1,
  fallback: false,
  usage,
  costUsd: 0,
  costSource: 'priced',
  msToFirstToken: 1,
  msTotal: 1,
};

/** Opened by the test once the client holds its answer; until then the router does not yield `done`. */
let release: (fail?: Error) => void = () => undefined;
let routed = 0;
let returned = 0;
const lines: string[] = [];

const router: Pick<ChatRouter, 'route'> = {
  async *route(): AsyncGenerator<RouteYield> {
    routed++;
    try {
      const gate = new Promise<Error | undefined>((resolve) => (release = resolve));
      yield { type: 'decision', requestId: 'r1', requested: 'sim/echo', candidates: [{ model: 'sim/echo', endpoint: 'custom', role: 'primary' }], notes: [] };
      yield { type: 'chunk', chunk: chunk('hello ', null), text: 'hello ', model: 'sim/echo' };
      yield { type: 'chunk', chunk: chunk('early', 'stop'), text: 'early', model: 'sim/echo' };
      yield attemptOk;
      const fail = await gate;
      if (fail) throw fail;
      yield done;
    } finally {
      returned++;
    }
  },
};

let gw: LocalGateway;
before(async () => {
  const { config } = parseConfig({});
  gw = await startLocalGateway({ core: { router, listModels: async () => [], config: () => config }, port: 0, log: (l) => lines.push(l) });
});
after(() => gw.close());
beforeEach(() => {
  lines.length = 0;
  routed = 0;
  returned = 0;
});

function post(body: unknown): Promise<{ status: number; type: string; keepAlive: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: gw.port,
        path: '/v1/chat/completions',
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.token}` },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (s: string) => (text += s));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), keepAlive: String(res.headers['keep-alive']), text }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const messages = [{ role: 'user', content: 'hi' }];

// Without the early answer the client and the router would wait on each other: the timeout only ends such a hang.
describe('the local gateway answers at the winning attempt, before the router yields done', { timeout: 20_000 }, () => {
  test('a non-streamed answer arrives whole while the router still holds `done`', async () => {
    const answer = await post({ model: 'sim/echo', messages });
    assert.equal(answer.status, 200);
    const json = JSON.parse(answer.text) as { choices: { message: { content: string }; finish_reason: string }[]; model: string };
    assert.equal(json.choices[0].message.content, 'hello early');
    assert.equal(json.choices[0].finish_reason, 'stop');
    assert.equal(json.model, 'sim/echo');
    assert.equal(returned, 0, 'the router has not finished yet');
    release();
    await waitUntil(() => returned === 1);
    assert.equal(routed, 1);
    assert.deepEqual(lines, []);
  });

  test('a streamed answer ends with [DONE] while the router still holds `done`', async () => {
    const answer = await post({ model: 'sim/echo', messages, stream: true });
    assert.equal(answer.status, 200);
    assert.match(answer.type, /^text\/event-stream/);
    const events = answer.text.split('\n\n').filter(Boolean);
    assert.equal(events.length, 3);
    assert.equal(events[2], 'data: [DONE]');
    const text = events.slice(0, 2).map((e) => (JSON.parse(e.slice('data: '.length)) as ChatCompletionChunk).choices[0].delta.content);
    assert.deepEqual(text, ['hello ', 'early']);
    assert.equal(returned, 0, 'the router has not finished yet');
    release();
    await waitUntil(() => returned === 1);
    assert.deepEqual(lines, []);
  });

  test('a failure after the answer was sent is logged, and the sent answers stand', async () => {
    const plain = await post({ model: 'sim/echo', messages });
    assert.equal(plain.status, 200);
    release(new Error('the ledger could not be written'));
    await waitUntil(() => returned === 1);
    const streamed = await post({ model: 'sim/echo', messages, stream: true });
    assert.match(streamed.text, /data: \[DONE\]\n\n$/);
    release(new Error('the ledger could not be written'));
    await waitUntil(() => returned === 2);
    await waitUntil(() => lines.length === 2);
    for (const l of lines) assert.match(l, /the ledger could not be written/);
    // The server still answers on the same footing.
    const again = await post({ model: 'sim/echo', messages });
    assert.equal(again.status, 200);
    release();
  });
});

describe('the local gateway keeps connections', () => {
  test('an answer tells the client the connection stays open a minute between turns', async () => {
    const answer = await post({ model: 'sim/echo', messages });
    assert.equal(answer.keepAlive, 'timeout=65');
    release();
    await waitUntil(() => returned === 1);
  });
});

/** Polls a condition on the event loop (no deadline of its own: the suite's timeout ends a hang). */
async function waitUntil(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setImmediate(r));
}
