// Bad input from every side: invalid settings (each message names the setting), a hostile upstream sending broken
// streams and JSON (a clear error, never a hang or a crash), very large prompts, unicode and RTL text, an
// unreachable gateway and a DNS failure.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { ServerResponse } from 'node:http';
import { parseConfig, SETTINGS, type Config } from '../../src/core/config/settings';
import { Catalog } from '../../src/core/catalog/catalog';
import { ConnectionError, SwitchboardError } from '../../src/core/base/errors';
import { Router } from '../../src/core/routing/router';
import { openChatStream } from '../../src/core/net/transport';
import type { RoutingEvent } from '../../src/core/base/types';
import { startSim, type Sim } from '../sim/server';
import { SSE_HEAD, sendAnswer, sseChunk, sseUsage, startHostileUpstream, type HostileUpstream, type SeenRequest } from './support/hostileUpstream';

const KEY = 'sk-bad-input-test-000000';

describe('invalid settings: each problem names its setting and the default is used', () => {
  const matrix: [string, unknown][] = [
    ['gateway.baseUrl', 'not a url'],
    ['gateway.baseUrl', 42],
    ['gateway.baseUrl', 'ftp://files.example.com/v1'],
    ['gateway.baseUrl', 'https://user:pass@api.example.com/v1'],
    ['gateway.baseUrl', 'http://api.example.com/v1'],
    ['gateway.preset', 'nope'],
    ['gateway.headers', { Authorization: 'Bearer x' }],
    ['gateway.headers', { 'bad header': 'v' }],
    ['gateway.headers', 'x-a: b'],
    ['model', ''],
    ['model', 7],
    ['fallbacks', 'sim/echo'],
    ['fallbacks', { '*': 'sim/echo' }],
    ['fallbacks', { '*': [''] }],
    ['aliases', { fast: 3 }],
    ['smartSelect.tiers', { fast: '' }],
    ['smartSelect.tiers', 'fast'],
    ['timeouts.connectMs', -1],
    ['timeouts.connectMs', 1.5],
    ['timeouts.firstTokenMs', 'soon'],
    ['timeouts.firstTokenMs', 1e12],
    ['timeouts.idleMs', Number.NaN],
    ['timeouts.idleMs', -0.1],
    ['hedgeAfterMs', -5],
    ['hedgeAfterMs', true],
    ['retries', 11],
    ['retries', -1],
    ['retries', 'two'],
    ['budget.monthlyUsd', -1],
    ['budget.monthlyUsd', '10'],
    ['budget.onExceed', 'explode'],
    ['smartSelect.mode', 'remote'],
    ['providers', { 'bad name!': { baseUrl: 'https://x.example/v1' } }],
    ['providers', { p: {} }],
    ['providers', { p: { baseUrl: 'http://remote.example/v1' } }],
    ['providers', []],
    ['localGateway.port', 70_000],
    ['localGateway.port', -1],
    ['localGateway.port', '8080'],
    ['tls.caFile', 42],
    ['agents.models', ['claude-*']],
    ['agents.models', { 'claude-*': '' }],
  ];

  test('the matrix covers every setting', () => {
    const covered = new Set(matrix.map(([k]) => k));
    assert.deepEqual(
      Object.keys(SETTINGS).filter((k) => !covered.has(k)),
      [],
    );
  });

  const defaults = parseConfig({}).config;
  for (const [setting, value] of matrix) {
    test(`switchboard.${setting} = ${JSON.stringify(value) ?? String(value)}`, () => {
      const { config, problems } = parseConfig({ [setting]: value });
      assert.equal(problems.length, 1, `one problem for ${setting}`);
      assert.equal(problems[0].setting, `switchboard.${setting}`);
      assert.ok(problems[0].message.includes(`switchboard.${setting}`), `the message names the setting: ${problems[0].message}`);
      assert.deepEqual(config, defaults, 'an invalid value falls back to the defaults');
    });
  }

  test('an unknown (mistyped) setting is reported by name', () => {
    const { problems } = parseConfig({ 'timeouts.connectMS': 100 });
    assert.equal(problems.length, 1);
    assert.equal(problems[0].setting, 'switchboard.timeouts.connectMS');
    assert.match(problems[0].message, /Unknown setting "switchboard\.timeouts\.connectMS"/);
  });
});

/** Broken upstream behaviours, by model name. */
function hostile(seen: SeenRequest, res: ServerResponse): void {
  const chunk = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
  const base = { id: 'x', object: 'chat.completion.chunk', created: 0, model: 'm' };
  switch (seen.model) {
    case 'random-bytes': {
      res.writeHead(200, SSE_HEAD);
      let x = 12345;
      const bytes = Buffer.alloc(64 * 1024, 0).map(() => ((x = (x * 1103515245 + 12345) >>> 0) >>> 24) & 0xff);
      return void res.end(bytes);
    }
    case 'random-bytes-in-data':
      res.writeHead(200, SSE_HEAD);
      return void res.end(Buffer.concat([Buffer.from('data: '), Buffer.from([0xff, 0xfe, 0x00, 0x9c, 0x80, 0x0a, 0x7b]), Buffer.from('\n\n')]));
    case 'truncated-line':
      res.writeHead(200, SSE_HEAD);
      return void res.end('data: {"id":"x","choices":[{"index":0,"delta":{"content":"hel');
    case 'huge-line':
      res.writeHead(200, SSE_HEAD);
      return void res.end(`data: {"choices": "${'x'.repeat(5 * 1024 * 1024)}\n\n`);
    case 'missing-choices':
      res.writeHead(200, SSE_HEAD);
      return void res.end(chunk(base) + 'data: [DONE]\n\n');
    case 'choices-not-array':
      res.writeHead(200, SSE_HEAD);
      return void res.end(chunk({ ...base, choices: 'abc' }) + 'data: [DONE]\n\n');
    case 'choice-null':
      res.writeHead(200, SSE_HEAD);
      return void res.end(chunk({ ...base, choices: [null] }) + 'data: [DONE]\n\n');
    case 'content-number':
      res.writeHead(200, SSE_HEAD);
      return void res.end(chunk({ ...base, choices: [{ index: 0, delta: { content: 5 }, finish_reason: null }] }) + 'data: [DONE]\n\n');
    case 'json-array':
      res.writeHead(200, SSE_HEAD);
      return void res.end('data: [1,2,3]\n\n');
    case 'html-200':
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end('<html><body>Gateway maintenance</body></html>');
    case 'empty-200':
      res.writeHead(200, SSE_HEAD);
      return void res.end();
    case 'json-not-json':
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"choices": [');
    case 'json-no-choices':
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"id": "x", "object": "chat.completion"}');
    case 'json-wrong-types':
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"choices": [{"message": "hello", "index": "zero"}]}');
    case 'error-body-huge':
      res.writeHead(500, { 'content-type': 'text/plain' });
      return void res.end('E'.repeat(2 * 1024 * 1024));
    case 'split-utf8': {
      // One multi-byte character cut across two TCP writes.
      res.writeHead(200, SSE_HEAD);
      const frame = Buffer.from(sseChunk('ok 🌍 שלום') + sseChunk(null, 'stop') + sseUsage(1, 3) + 'data: [DONE]\n\n');
      const cut = frame.indexOf(Buffer.from('🌍')) + 2;
      res.write(frame.subarray(0, cut));
      setTimeout(() => res.end(frame.subarray(cut)), 20);
      return;
    }
    case 'huge-valid-chunk':
      return sendAnswer(res, 'y'.repeat(5 * 1024 * 1024));
    default:
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: { message: `no model ${seen.model}` } }));
  }
}

function config(url: string): Config {
  const { config: c, problems } = parseConfig({
    'gateway.preset': 'custom',
    'gateway.baseUrl': url,
    retries: 0,
    'timeouts.connectMs': 3_000,
    'timeouts.firstTokenMs': 5_000,
    'timeouts.idleMs': 5_000,
  });
  assert.deepEqual(problems, []);
  return c;
}

async function route(router: Router, model: string, content = 'hi'): Promise<{ text: string; error?: unknown; ms: number }> {
  const t0 = performance.now();
  let text = '';
  try {
    for await (const y of router.route({ model, messages: [{ role: 'user', content }] })) if (y.type === 'chunk') text += y.text;
    return { text, ms: performance.now() - t0 };
  } catch (error) {
    return { text, error, ms: performance.now() - t0 };
  }
}

describe('a hostile upstream: malformed streams and JSON end in a clear error, never a hang or a crash', () => {
  let upstream: HostileUpstream;
  let router: Router;
  const events: RoutingEvent[] = [];
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  before(async () => {
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    upstream = await startHostileUpstream(hostile);
    router = new Router({ config: config(upstream.url), keys: async () => KEY, catalog: new Catalog(), refreshCatalog: false });
    router.onEvent((e) => events.push(e));
  });
  after(async () => {
    router.dispose();
    await upstream.close();
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  });

  const broken: [model: string, code: RegExp, says: RegExp][] = [
    ['random-bytes', /malformed|connection/, /stream|ended|malformed/],
    ['random-bytes-in-data', /malformed/, /malformed stream/],
    ['truncated-line', /malformed|connection/, /malformed|ended before/],
    ['huge-line', /malformed/, /malformed stream/],
    ['missing-choices', /malformed/, /malformed stream/],
    ['choices-not-array', /malformed/, /malformed stream/],
    ['choice-null', /malformed/, /malformed stream/],
    ['content-number', /malformed/, /malformed stream/],
    ['json-array', /malformed/, /malformed stream/],
    ['html-200', /malformed|connection/, /ended|event stream|malformed/],
    ['empty-200', /malformed/, /empty body/],
    ['json-not-json', /malformed/, /not JSON/],
    ['json-no-choices', /malformed/, /malformed answer \(JSON without "choices"\)/],
    ['json-wrong-types', /malformed/, /malformed answer \(a choice's "message" is not an object\)/],
    ['error-body-huge', /unavailable/, /HTTP 500/],
  ];
  for (const [model, code, says] of broken) {
    test(`${model} → a ${code.source} error naming the model`, { timeout: 15_000 }, async () => {
      const r = await route(router, model);
      assert.ok(r.error instanceof SwitchboardError, `a SwitchboardError, got ${String(r.error)}`);
      const attempt = events.filter((e) => e.type === 'attempt' && e.model === model).at(-1);
      assert.ok(attempt && attempt.type === 'attempt', 'an attempt event was recorded');
      assert.match(attempt.errorCode ?? '', code, `attempt error code (${attempt.message})`);
      assert.match(attempt.message ?? '', says);
      assert.ok(r.error.message.includes(model), `the message names the model: ${r.error.message.slice(0, 300)}`);
      assert.ok(r.error.message.length < 2_000, `the message stays readable (${r.error.message.length} chars)`);
      assert.notEqual(attempt.errorCode, 'timeout', `no hang: settled by the data, not a timer (${Math.round(r.ms)} ms)`);
    });
  }

  test('a 5 MB content chunk that is valid arrives whole', { timeout: 15_000 }, async () => {
    const r = await route(router, 'huge-valid-chunk');
    assert.equal(r.error, undefined);
    assert.equal(r.text.length, 5 * 1024 * 1024);
  });

  test('a multi-byte character split across TCP writes is decoded intact', async () => {
    const r = await route(router, 'split-utf8');
    assert.equal(r.error, undefined);
    assert.equal(r.text, 'ok 🌍 שלום');
  });

  test('no uncaught exception or unhandled rejection on any of these', () => {
    assert.deepEqual(uncaught.map(String), []);
  });
});

describe('prompts: very large, unicode and RTL text round-trip through sim/echo', () => {
  let sim: Sim;
  let router: Router;
  before(async () => {
    sim = await startSim();
    router = new Router({ config: config(sim.url), keys: async () => KEY, catalog: new Catalog(), refreshCatalog: false });
  });
  after(async () => {
    router.dispose();
    await sim.close();
  });

  const texts: [string, string][] = [
    ['Arabic (RTL)', 'مرحبا بالعالم، كيف حالك اليوم؟'],
    ['Hebrew with numbers', 'שלום עולם 123 מה שלומך'],
    ['mixed direction with overrides', 'abc \u202Eevil.exe\u202C def \u2067نص\u2069 ghi'],
    ['emoji ZWJ sequences and flags', '👩‍👩‍👧‍👦 🏳️‍🌈 🇯🇵 👍🏽'],
    ['combining marks and zalgo', 'e\u0301 n\u0303 Z\u0351\u0352\u0353a\u0354l\u0355g\u0356o'],
    ['CJK and astral plane', '漢字かなカナ 한국어 𠀋𡈽𡌛'],
    ['control-ish characters', 'tab\there zero\u200Bwidth bom\uFEFF nbsp\u00A0x'],
    ['lone surrogate-free but odd whitespace', 'a\u2028b\u2029c'],
  ];
  for (const [name, text] of texts) {
    test(name, async () => {
      const r = await route(router, 'sim/echo', text);
      assert.equal(r.error, undefined);
      assert.equal(r.text, text.trimStart());
    });
  }

  test('a 2 MB prompt is sent whole and answered', { timeout: 30_000 }, async () => {
    const words = Array.from({ length: 300_000 }, (_, i) => `w${i}`).join(' ');
    assert.ok(words.length > 2_000_000);
    sim.reset();
    const r = await route(router, 'sim/lorem?tokens=3', words);
    assert.equal(r.error, undefined);
    assert.equal(r.text.split(' ').length, 3);
    assert.equal(sim.stats().promptTokens, 300_000, 'the simulator received every word');
  });

  test('a 5 000-word prompt is echoed back exactly', { timeout: 30_000 }, async () => {
    const words = Array.from({ length: 5_000 }, (_, i) => (i % 3 ? `w${i}` : `שלום${i}`)).join(' ');
    const r = await route(router, 'sim/echo', words);
    assert.equal(r.error, undefined);
    assert.equal(r.text, words);
  });
});

describe('unreachable endpoints fail fast with a ConnectionError that says what to check', () => {
  async function closedPort(): Promise<number> {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  }

  async function firstError(baseUrl: string): Promise<unknown> {
    const s = openChatStream({
      endpoint: { id: 'gateway', baseUrl, headers: {}, secretName: 'switchboard.apiKey' },
      key: KEY,
      upstreamModel: 'm',
      body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
      timeouts: { connectMs: 10_000 },
    });
    try {
      for await (const c of s) void c;
      return undefined;
    } catch (e) {
      return e;
    }
  }

  test('a closed port on 127.0.0.1', { timeout: 15_000 }, async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const e = await firstError(url);
    assert.ok(e instanceof ConnectionError, String(e));
    assert.match(e.message, /127\.0\.0\.1:\d+ refused the connection \(ECONNREFUSED\)\. Check the base URL and that the server is running/);
    const router = new Router({ config: config(url), keys: async () => KEY, catalog: new Catalog(), refreshCatalog: false });
    const r = await route(router, 'some/model');
    router.dispose();
    assert.ok(r.error instanceof SwitchboardError);
    assert.match(r.error.message, /some\/model: connection — .*ECONNREFUSED/);
  });

  test('a DNS failure (.invalid host)', { timeout: 20_000 }, async () => {
    const e = await firstError('https://switchboard-test.invalid/v1');
    assert.ok(e instanceof ConnectionError, String(e));
    assert.match(
      e.message,
      /the host name of switchboard-test\.invalid could not be resolved \(DNS (ENOTFOUND|EAI_AGAIN)\)\. Check the base URL for typos and your network/,
    );
  });
});
