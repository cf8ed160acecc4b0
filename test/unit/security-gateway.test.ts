// The local gateway against clients that send too much or the wrong thing: a refused request is answered, drained to
// a cap and closed; a too-large one reaches fetch and the openai SDK as a 413; bad message shapes are 400s naming the
// field; loopback Host forms are accepted. Real core over the simulator, real clients over loopback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import OpenAI from 'openai';
import type { Sim } from '../sim/server';
import { startGatewayHarness, type GatewayHarness } from './support/gatewayHarness';
import type { Core } from '../../src/core/createCore';
import { createGuard } from '../../src/gateway/guard';
import { startLocalGateway, type LocalGateway } from '../../src/gateway/server';
import { MAX_MODEL_ID_LENGTH } from '../../src/protocol';

const SIM_KEY = 'sk-sim-upstream-secret';
/** Small, so the drain cap (16 × this) is quick to reach. */
const BODY_LIMIT = 256 * 1024;
let harness: GatewayHarness;
let sim: Sim;
let core: Core;
let gw: LocalGateway;
let big: LocalGateway;

before(async () => {
  harness = await startGatewayHarness({
    simKey: SIM_KEY,
    dirPrefix: 'sb-sec-gateway-',
    settings: (upstream) => ({ 'gateway.preset': 'custom', 'gateway.baseUrl': upstream, retries: 0 }),
    gateway: { maxBodyBytes: BODY_LIMIT },
  });
  ({ sim, core, gw } = harness);
  big = await startLocalGateway({ core, port: 0 });
});
after(async () => {
  await big.close();
  await harness.close();
});

interface RawAnswer {
  /** e.g. `HTTP/1.1 413 Payload Too Large`; empty when the socket broke first. */
  statusLine: string;
  headers: string;
  body: string;
  /** Body bytes handed to the socket before it broke, or all of them. */
  sent: number;
  /** The socket error (EPIPE, ECONNRESET) if the gateway cut the connection while the client was sending. */
  error?: string;
  /** Resolves when the gateway closed the connection. */
  closed: Promise<void>;
}

/**
 * A raw HTTP/1.1 client that sends its whole body (`total` bytes, with a content-length) before it reads a byte of
 * the answer, as fetch does on a busy machine. Resolves with the complete answer, or when the socket breaks.
 */
function sendAllThenRead(opts: { port: number; path: string; headers: Record<string, string>; total: number }): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(opts.port, '127.0.0.1');
    socket.pause();
    let got = '';
    let sent = 0;
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    const answer = (error?: string): RawAnswer => {
      const split = got.indexOf('\r\n\r\n');
      const head = split >= 0 ? got.slice(0, split) : '';
      return { statusLine: head.split('\r\n')[0], headers: head.toLowerCase(), body: split >= 0 ? got.slice(split + 4) : '', sent, error, closed };
    };
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(answer(e.code ?? e.message)));
    socket.on('end', () => resolve(answer()));
    socket.on('data', (b: Buffer) => {
      got += b.toString('utf8');
      const a = answer();
      const length = /content-length: (\d+)/.exec(a.headers);
      if (length && Buffer.byteLength(a.body) >= Number(length[1])) resolve(a);
    });
    const head = Object.entries({ host: `127.0.0.1:${opts.port}`, 'content-length': String(opts.total), ...opts.headers }).map(([k, v]) => `${k}: ${v}\r\n`);
    socket.write(`POST ${opts.path} HTTP/1.1\r\n${head.join('')}\r\n`);
    const piece = Buffer.alloc(64 * 1024, 'x');
    const pump = () => {
      while (sent < opts.total) {
        sent += piece.length;
        if (!socket.write(piece)) return void socket.once('drain', pump);
      }
      socket.resume();
    };
    pump();
  });
}

const auth = () => ({ authorization: `Bearer ${gw.token}`, 'content-type': 'application/json' });

async function postChat(body: unknown): Promise<{ status: number; error: { message: string; param: string | null; code: string | null } }> {
  const r = await fetch(`${gw.url}/chat/completions`, { method: 'POST', headers: auth(), body: JSON.stringify(body) });
  return { status: r.status, error: ((await r.json()) as { error: { message: string; param: string | null; code: string | null } }).error };
}

describe('refused requests are answered, drained to a cap, and closed (finding 6)', () => {
  const drainCap = 16 * BODY_LIMIT;
  for (const [what, path, headers, status] of [
    ['a wrong token', '/v1/chat/completions', { authorization: 'Bearer wrong' }, 401],
    ['a foreign Host', '/v1/chat/completions', { host: 'evil.example', authorization: 'Bearer x' }, 403],
    ['an unknown route', '/v1/nowhere', {}, 404],
  ] as const) {
    const send = (total: number) => sendAllThenRead({ port: gw.port, path, headers: { ...(path === '/v1/nowhere' ? auth() : {}), ...headers }, total });

    test(`${what} → ${status} with connection: close, and the gateway closes the connection`, { timeout: 20_000 }, async () => {
      const r = await send(drainCap / 2);
      assert.equal(r.error, undefined);
      assert.match(r.statusLine, new RegExp(`^HTTP/1.1 ${status} `));
      assert.match(r.headers, /^connection: close$/m);
      await r.closed;
    });

    test(`${what}: a body far past the drain cap is cut off`, async () => {
      const total = 8 * drainCap;
      const r = await send(total);
      assert.ok(r.error, `the client sent all ${total / 1048576} MB and read ${r.statusLine}`);
      assert.ok(r.sent < total / 2, `the client sent ${r.sent / 1048576} MB of ${total / 1048576} MB`);
    });
  }
});

describe('a too-large request is a 413 the client can read (finding 15)', () => {
  const tenMb = 'x'.repeat(10 * 1024 * 1024);
  const body = JSON.stringify({ model: 'sim/echo', messages: [{ role: 'user', content: tenMb }] });
  const limitMessage = /larger than the local gateway's limit of 4 MB/;

  test('10 MB through the openai SDK', async () => {
    const client = new OpenAI({ baseURL: big.url, apiKey: big.token, maxRetries: 0 });
    const err = await client.chat.completions.create({ model: 'sim/echo', messages: [{ role: 'user', content: tenMb }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof OpenAI.APIError, String(err));
    assert.equal(err.status, 413);
    assert.match(err.message, limitMessage);
  });

  test('10 MB through fetch, with a length and streamed without one', async () => {
    const headers = { authorization: `Bearer ${big.token}`, 'content-type': 'application/json' };
    const withLength = await fetch(`${big.url}/chat/completions`, { method: 'POST', headers, body });
    assert.equal(withLength.status, 413);
    assert.match(await withLength.text(), limitMessage);
    const streamed = await fetch(`${big.url}/chat/completions`, { method: 'POST', headers, body: new Blob([body]).stream(), duplex: 'half' } as RequestInit);
    assert.equal(streamed.status, 413);
    assert.match(await streamed.text(), limitMessage);
  });

  test('10 MB from a client that reads the answer only once it has sent everything (fetch on a busy machine)', async () => {
    const r = await sendAllThenRead({
      port: big.port,
      path: '/v1/chat/completions',
      headers: { authorization: `Bearer ${big.token}` },
      total: 10 * 1024 * 1024,
    });
    assert.equal(r.error, undefined, 'the gateway closed the socket while the client was still sending');
    assert.match(r.statusLine, /^HTTP\/1\.1 413 /);
    assert.match(r.body, limitMessage);
  });
});

describe('message shapes and model ids are checked before routing (finding 8)', () => {
  for (const [what, messages, param] of [
    ['content 5', [{ role: 'user', content: 5 }], 'messages[0].content'],
    ['content [null]', [{ role: 'user', content: [null] }], 'messages[0].content[0]'],
    ['messages [null]', [null], 'messages[0]'],
    ['a second message without a role', [{ role: 'user', content: 'hi' }, { content: 'x' }], 'messages[1].role'],
    ['a text part whose text is a number', [{ role: 'user', content: [{ type: 'text', text: 7 }] }], 'messages[0].content[0].text'],
  ] as const) {
    test(`${what} → 400 naming ${param}`, async () => {
      const r = await postChat({ model: 'sim/echo', messages });
      assert.equal(r.status, 400, r.error.message);
      assert.equal(r.error.param, param);
      assert.ok(r.error.message.includes(param), r.error.message);
    });
  }

  test(`a model id longer than ${MAX_MODEL_ID_LENGTH} characters → 400 naming model, and nothing is routed`, async () => {
    sim.reset();
    const records = core.ledger.records().length;
    const r = await postChat({ model: 'x'.repeat(100_000), messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(r.status, 400);
    assert.equal(r.error.param, 'model');
    assert.match(r.error.message, new RegExp(`at most ${MAX_MODEL_ID_LENGTH} characters`));
    assert.equal(sim.stats().requests, 0);
    assert.equal(core.ledger.records().length, records);
  });

  test('well-formed contents still pass: a string, parts, and an assistant message with null content', async () => {
    const r = await fetch(`${gw.url}/chat/completions`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({
        model: 'sim/echo',
        messages: [
          { role: 'assistant', content: null },
          { role: 'user', content: [{ type: 'text', text: 'parts work' }] },
        ],
      }),
    });
    assert.equal(r.status, 200, await r.clone().text());
    const j = (await r.json()) as { choices: { message: { content: string } }[] };
    assert.equal(j.choices[0].message.content, 'parts work');
  });
});

describe('the Host guard accepts loopback names with and without the default port (finding 11)', () => {
  const token = 'sb-local-' + 'k'.repeat(43);
  const check = (port: number, host: string) => createGuard({ port, token }).check({ host, authorization: `Bearer ${token}` });

  test('on port 80: 127.0.0.1, localhost and [::1], with or without :80', () => {
    for (const host of ['127.0.0.1', 'localhost', '[::1]', '127.0.0.1:80', 'localhost:80', '[::1]:80', 'LOCALHOST'])
      assert.equal(check(80, host), undefined, host);
  });

  test('on another port: the names with that port; without it (port 80 implied) or another name → 403', () => {
    for (const host of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080']) assert.equal(check(8080, host), undefined, host);
    for (const host of ['127.0.0.1', 'localhost', '127.0.0.1:80', 'evil.example:8080', '127.0.0.2:8080']) assert.equal(check(8080, host)?.status, 403, host);
  });

  test('a real request with Host [::1]:PORT is served', async () => {
    const r = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: gw.port, path: '/v1/models', headers: { host: `[::1]:${gw.port}`, authorization: `Bearer ${gw.token}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(r, 200);
  });
});
