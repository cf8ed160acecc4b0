// A hostile upstream on loopback sends far more than any cap: a non-streamed answer, a model list, an error body, an
// event stream line without end. Each attempt fails as a malformed answer (or its status error), the socket is
// closed before the flood ends, and the process's memory stays within a small multiple of the cap.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { MalformedResponseError, UnavailableError } from '../../src/core/base/errors';
import { MAX_SSE_EVENT_CHARS } from '../../src/core/net/sse';
import { getJson, MAX_UPSTREAM_BODY_BYTES, openChatStream } from '../../src/core/net/transport';
import { startHostileUpstream, type HostileUpstream } from './support/hostileUpstream';

const KEY = 'sk-limits-canary-0123456789';
const FLOOD_BYTES = 8 * MAX_UPSTREAM_BODY_BYTES;

interface Flood {
  sent: number;
  /** Resolves true when the client closed the connection before the flood ended. */
  cutShort: Promise<boolean>;
}

/** Writes `head` then `filler` up to FLOOD_BYTES, honouring backpressure, until done or the client goes away. */
function flood(res: ServerResponse, status: number, contentType: string, head: string, filler = 'x'): Flood {
  const piece = Buffer.from(filler.repeat(Math.ceil((64 * 1024) / filler.length)));
  const f: Flood = { sent: 0, cutShort: new Promise((resolve) => res.on('close', () => resolve(!res.writableFinished))) };
  res.writeHead(status, { 'content-type': contentType });
  res.write(head);
  const pump = () => {
    while (f.sent < FLOOD_BYTES) {
      if (res.destroyed) return;
      f.sent += piece.length;
      if (!res.write(piece)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
  return f;
}

/** Highest rss growth while `run` runs, sampled every few milliseconds. */
async function peakRssGrowth(run: () => Promise<unknown>): Promise<number> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    await run();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, process.memoryUsage().rss) - base;
}

let upstream: HostileUpstream;
let current: Flood | undefined;
after(() => upstream?.close());

async function start(handler: (res: ServerResponse) => Flood): Promise<string> {
  await upstream?.close();
  upstream = await startHostileUpstream((_seen, res) => (current = handler(res)));
  return upstream.url;
}

const endpointAt = (baseUrl: string) => ({ id: 'hostile', baseUrl, headers: {}, secretName: 'switchboard.apiKey' });

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => assert.fail('expected the attempt to fail'),
    (e: unknown) => e,
  );
}

async function drainStream(baseUrl: string, nonStreaming: boolean): Promise<unknown> {
  return failure(async () => {
    for await (const _ of openChatStream({
      endpoint: endpointAt(baseUrl),
      key: KEY,
      upstreamModel: 'm',
      body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
      nonStreaming,
    }))
      void _;
  });
}

describe('caps on what an upstream sends', () => {
  test(`a non-streamed answer larger than ${MAX_UPSTREAM_BODY_BYTES / 1024 / 1024} MB is a malformed answer; memory stays bounded`, async (t) => {
    const url = await start((res) => flood(res, 200, 'application/json', '{"id": "'));
    let err: unknown;
    const growth = await peakRssGrowth(async () => (err = await drainStream(url, true)));
    assert.ok(err instanceof MalformedResponseError, String(err));
    assert.equal(err.retryable, true);
    assert.match(err.message, /larger than 32 MB/);
    assert.equal(await current!.cutShort, true, 'the socket is closed before the flood ends');
    t.diagnostic(`peak rss growth ${(growth / 1048576).toFixed(1)} MB for ${FLOOD_BYTES / 1048576} MB offered`);
    assert.ok(growth < 3 * MAX_UPSTREAM_BODY_BYTES, `rss grew ${(growth / 1048576).toFixed(0)} MB while ${FLOOD_BYTES / 1048576} MB were offered`);
  });

  test('a model list larger than the cap is a malformed answer; memory stays bounded', async (t) => {
    const url = await start((res) => flood(res, 200, 'application/json', '{"data": ["'));
    let err: unknown;
    const growth = await peakRssGrowth(async () => (err = await failure(() => getJson({ url: url + '/models', key: KEY }))));
    assert.ok(err instanceof MalformedResponseError, String(err));
    assert.equal(await current!.cutShort, true);
    t.diagnostic(`peak rss growth ${(growth / 1048576).toFixed(1)} MB for ${FLOOD_BYTES / 1048576} MB offered`);
    assert.ok(growth < 3 * MAX_UPSTREAM_BODY_BYTES, `rss grew ${(growth / 1048576).toFixed(0)} MB while ${FLOOD_BYTES / 1048576} MB were offered`);
  });

  test('an endless error body: the status error comes from its start, and the socket is closed', async () => {
    const url = await start((res) => flood(res, 503, 'text/plain', `overloaded; you sent ${KEY} `));
    const err = await drainStream(url, false);
    assert.ok(err instanceof UnavailableError, String(err));
    assert.match(err.message, /overloaded/);
    assert.ok(!err.message.includes(KEY.slice(0, 12)), err.message);
    assert.equal(await current!.cutShort, true, 'the rest of the error body is not read');
  });

  test(`an event stream line longer than ${MAX_SSE_EVENT_CHARS / 1024 / 1024} MB is a malformed stream; memory stays bounded`, async (t) => {
    const url = await start((res) => flood(res, 200, 'text/event-stream', 'data: {"x": "'));
    let err: unknown;
    const growth = await peakRssGrowth(async () => (err = await drainStream(url, false)));
    assert.ok(err instanceof MalformedResponseError, String(err));
    assert.match(err.message, /an event longer than/);
    assert.equal(await current!.cutShort, true);
    t.diagnostic(`peak rss growth ${(growth / 1048576).toFixed(1)} MB for ${FLOOD_BYTES / 1048576} MB offered`);
    assert.ok(growth < 8 * MAX_SSE_EVENT_CHARS, `rss grew ${(growth / 1048576).toFixed(0)} MB while ${FLOOD_BYTES / 1048576} MB were offered`);
  });

  test('short data lines that never end their event are capped the same way', async (t) => {
    const url = await start((res) => flood(res, 200, 'text/event-stream', '', 'data: ' + 'y'.repeat(58) + '\n'));
    let err: unknown;
    const growth = await peakRssGrowth(async () => (err = await drainStream(url, false)));
    assert.ok(err instanceof MalformedResponseError, String(err));
    assert.equal(await current!.cutShort, true);
    t.diagnostic(`peak rss growth ${(growth / 1048576).toFixed(1)} MB for ${FLOOD_BYTES / 1048576} MB offered`);
    assert.ok(growth < 8 * MAX_SSE_EVENT_CHARS, `rss grew ${(growth / 1048576).toFixed(0)} MB while ${FLOOD_BYTES / 1048576} MB were offered`);
  });
});
