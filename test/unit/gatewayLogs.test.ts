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
const router: Pick<ChatRouter, 'route'> = {
  // eslint-disable-next-line require-yield
  async *route() {
    throw failWith;
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
  failWith = new BudgetError('The monthly budget is used up.');
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
