// What the local gateway writes to its log when a request fails: one line per failure, in which text from the client
// (model names, tool names) cannot forge a line or flood it, and an unexpected error shows what it really was.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { parseConfig } from '../../src/core/config/settings';
import { BudgetError } from '../../src/core/base/errors';
import type { ChatRouter } from '../../src/core/base/types';
import { startLocalGateway, type LocalGateway } from '../../src/gateway/server';
import { parseMessagesRequest } from '../../src/agents/anthropic/request';
import { fromResponsesBody } from '../../src/agents/responses/request';
import { logSafe } from '../../src/agents/untrusted';

const lines: string[] = [];
let failWith: unknown = new BudgetError('The monthly budget is used up.');
let configFails: Error | undefined;
const router: Pick<ChatRouter, 'route'> = {
  // eslint-disable-next-line require-yield
  async *route() {
    throw failWith;
  },
};
let gw: LocalGateway;

before(async () => {
  const { config } = parseConfig({});
  const core = {
    router,
    listModels: async () => [],
    config: () => {
      if (configFails) throw configFails;
      return config;
    },
  };
  gw = await startLocalGateway({ core, port: 0, log: (l) => lines.push(l) });
});
after(() => gw.close());
beforeEach(() => {
  lines.length = 0;
  failWith = new BudgetError('The monthly budget is used up.');
  configFails = undefined;
});

function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: gw.port, path, method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.token}` } },
      (res) => {
        let out = '';
        res.setEncoding('utf8');
        res.on('data', (s: string) => (out += s));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(out) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const FORGED = 'm\r\nlocal gateway: forged line\u001b[2J';
const bodies: [string, unknown][] = [
  ['/v1/chat/completions', { model: FORGED, messages: [{ role: 'user', content: 'x' }] }],
  ['/v1/messages', { model: `a/${FORGED}`, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }],
  ['/v1/responses', { model: `a/${FORGED}`, input: 'x' }],
];

describe('gateway log lines', () => {
  test('a model name with CR/LF and escape sequences is logged on one line, without control characters', async () => {
    for (const [path, body] of bodies) {
      lines.length = 0;
      const r = await post(path, body);
      assert.equal(r.status, 402, path);
      assert.equal(lines.length, 1, `${path}: ${lines.join(' | ')}`);
      assert.ok(!/[\r\n]/.test(lines[0]) && !lines[0].includes('\u001b'), path);
      assert.match(lines[0], /mlocal gateway: forged line\[2J/, path);
    }
  });

  test('logSafe: control characters out, long text cut with an ellipsis', () => {
    assert.equal(logSafe('a\r\nb\u0007c\u2028d'), 'abcd');
    assert.equal(logSafe('x'.repeat(500), 80), 'x'.repeat(79) + '…');
    assert.equal(logSafe('short', 80), 'short');
  });

  test("dropped server tools' names in the routing notes: no control characters, at most 80 characters (both dialects)", () => {
    const name = 'web_search\r\nforged' + 'y'.repeat(500);
    const a = parseMessagesRequest(
      JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'web_search_20250305', name }] }),
    );
    assert.ok(!('status' in a));
    const r = fromResponsesBody({ model: 'm', input: 'x', tools: [{ type: 'web_search', name }] });
    assert.ok(!('message' in r));
    for (const note of [...a.notes, ...r.notes]) {
      assert.doesNotMatch(note, /[\r\n]/);
      assert.ok(note.length < 300, note);
      assert.match(note, /web_searchforgedy{40,70}…/);
    }
  });
});

/** Arrays nested `depth` deep around `inner`, as JSON text (JSON.stringify itself would overflow). */
const nested = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth);

describe('unexpected failures and absurd input', () => {
  const ask: [string, (model: string) => unknown][] = [
    ['/v1/chat/completions', (model) => ({ model, messages: [{ role: 'user', content: 'x' }] })],
    ['/v1/messages', (model) => ({ model, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })],
    ['/v1/responses', (model) => ({ model, input: 'x' })],
  ];

  test('an error that is not a SwitchboardError: the client gets a 500 without details, the log (one line) the real error, redacted', async () => {
    for (const where of ['route', 'handler'] as const) {
      for (const [path, body] of ask) {
        lines.length = 0;
        const real = new TypeError(`the real cause at ${where}, key sk-live-0123456789abcdef`);
        if (where === 'route') failWith = real;
        else configFails = real;
        const r = await post(path, body('a/m'));
        assert.equal(r.status, 500, `${path} ${where}`);
        assert.doesNotMatch(JSON.stringify(r.json), /real cause/, 'internals stay out of the answer');
        assert.equal(lines.length, 1, `${path} ${where}: ${lines.join(' | ')}`);
        assert.match(lines[0], new RegExp(`HTTP 500|→ 500`));
        assert.match(lines[0], new RegExp(`failed unexpectedly: TypeError: the real cause at ${where}, key ‹redacted›`), lines[0]);
        assert.match(lines[0], /\(at .*gatewayLogs\.test\.ts/, 'where it was thrown');
        assert.doesNotMatch(lines[0], /sk-live|[\r\n]/);
      }
    }
  });

  test("100 000 levels of nesting (tool_use input, tool schemas) → 400 in the dialect's shape naming the field, not 500", async () => {
    const deep = nested(100_000);
    const cases: [string, string, RegExp][] = [
      [
        '/v1/messages',
        `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"},{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{"a":${deep}}}]}]}`,
        /^messages\.1\.content\.0\.input\.a…: arrays and objects are nested more than 512 levels deep/,
      ],
      [
        '/v1/messages',
        `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"f","input_schema":{"type":"object","properties":${deep}}}]}`,
        /^tools\.0\.input_schema\.properties\.0\.0…: arrays and objects are nested/,
      ],
      [
        '/v1/chat/completions',
        `{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":${deep}}}]}`,
        /^tools\[0\]\.function\.parameters\[0\]\[0\]…: arrays and objects are nested/,
      ],
      [
        '/v1/responses',
        `{"model":"m","input":"x","tools":[{"type":"function","name":"f","parameters":{"type":"object","properties":${deep}}}]}`,
        /^tools\[0\]\.parameters\.properties\[0\]\[0\]…: arrays and objects are nested/,
      ],
    ];
    for (const [path, text, message] of cases) {
      lines.length = 0;
      const r = await post(path, text);
      assert.equal(r.status, 400, `${path}: ${JSON.stringify(r.json).slice(0, 300)}`);
      const error = r.json.error as { message: string; type: string };
      assert.equal(error.type, 'invalid_request_error');
      assert.match(error.message, message);
      if (path === '/v1/messages') assert.equal(r.json.type, 'error', "Anthropic's shape");
      else assert.equal((error as { param?: string }).param?.slice(0, 5), 'tools');
    }
    // Deep but sane nesting still passes: 500 levels reach the (failing) router, a 402.
    assert.equal((await post('/v1/chat/completions', `{"model":"m","messages":[{"role":"user","content":"x"}],"response_format":${nested(500)}}`)).status, 402);
  });
});
