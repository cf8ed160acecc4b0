// Every ledger record names its client: the gateway maps User-Agent + route onto a closed set of names (the raw
// header is never kept), the router passes the caller's client into the done event, the ledger stores it, and
// summaries total spend per client; lines written before clients existed still read, as "unknown".
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientLabel } from '../../src/core/base/clients';
import { UsageLedger } from '../../src/core/usage/ledger';
import type { UsageRecord } from '../../src/core/usage/record';
import { summarizeUsage, toCsv } from '../../src/core/usage/stats';
import { clientOf } from '../../src/gateway/clientName';

describe('clientOf (route + User-Agent → client name)', () => {
  const cases: [string, string | undefined, string][] = [
    ['/v1/responses', 'codex_exec/0.169.0 (Debian 12.0.0; x86_64) xterm (codex_exec; 0.169.0)', 'codex'],
    ['/v1/responses', 'codex_cli_rs/0.50.0 (Mac OS 15.1; arm64)', 'codex'],
    ['/v1/messages', 'claude-cli/2.1.3 (external, cli)', 'claude-code'],
    ['/v1/chat/completions', 'OpenAI/JS 7.57.0', 'openai-sdk'],
    ['/v1/responses', 'OpenAI/Python 1.99.0', 'openai-sdk'],
    ['/v1/messages', 'Anthropic/JS 0.60.0', 'anthropic-sdk'],
    ['/v1/messages/count_tokens', 'Anthropic/Python 0.60.0', 'anthropic-sdk'],
    // An SDK's name on the other dialect's route is not that SDK.
    ['/v1/chat/completions', 'Anthropic/JS 0.60.0', 'other'],
    ['/v1/messages', 'OpenAI/JS 7.57.0', 'other'],
    ['/v1/chat/completions', 'curl/8.5.0', 'other'],
    ['/v1/chat/completions', undefined, 'other'],
    ['/v1/chat/completions', '<script>alert(1)</script>', 'other'],
    ['/v1/chat/completions', 'x'.repeat(100_000), 'other'],
  ];
  for (const [route, ua, expected] of cases) {
    test(`${route} ${JSON.stringify(ua?.slice(0, 40))} → ${expected}`, () => assert.equal(clientOf(route, ua), expected));
  }
});

const USAGE = { promptTokens: 10, completionTokens: 5, cachedTokens: 0, reasoningTokens: 0, estimated: false };

function rec(extra: Partial<UsageRecord>): UsageRecord {
  return {
    v: 1,
    at: Date.now() - 60_000,
    requestId: 'r',
    requested: 'smart-select',
    answeredBy: 'm1',
    endpoint: 'gateway',
    attempts: 1,
    fallback: false,
    otherAttempts: [],
    usage: USAGE,
    costUsd: 0.01,
    msToFirstToken: 10,
    msTotal: 20,
    ...extra,
  };
}

describe('spend per client', () => {
  test('summaries total requests, tokens and cost per client, and per model across clients', () => {
    const s = summarizeUsage(
      [rec({ client: 'codex', costUsd: 0.5 }), rec({ client: 'codex', costUsd: 0.25, answeredBy: 'm2' }), rec({ client: 'claude-code', costUsd: 1 }), rec({})],
      { now: Date.now() },
    );
    assert.deepEqual(
      s.byClient.map((c) => [c.client, c.label, c.requests, c.promptTokens + c.completionTokens, c.costUsd]),
      [
        ['claude-code', 'Claude Code', 1, 15, 1],
        ['codex', 'Codex', 2, 30, 0.75],
        ['unknown', 'unknown', 1, 15, 0.01],
      ],
    );
    // m1 answered three clients: one row per model, one bar per model and day.
    assert.deepEqual(
      s.perModel.map((m) => [m.model, m.requests]),
      [
        ['m1', 3],
        ['m2', 1],
      ],
    );
    assert.equal(s.perDay.filter((d) => d.model === 'm1').length, 1);
    assert.equal(s.totalRequests, 4);
  });

  test('a client name the ledger does not know reads as unknown; the CSV has a client column', () => {
    assert.equal(clientLabel('not-a-client'), 'unknown');
    const s = summarizeUsage([rec({ client: 'not-a-client' })], { now: Date.now() });
    assert.deepEqual(
      s.byClient.map((c) => c.client),
      ['unknown'],
    );
    const csv = toCsv([rec({ client: 'codex' }), rec({})])
      .trim()
      .split('\r\n');
    assert.ok(csv[0].endsWith(',client'));
    assert.ok(csv[1].endsWith(',codex'));
    assert.ok(csv[2].endsWith(',unknown'));
  });
});

describe('the ledger file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sb-clients-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a record keeps its client across a reopen, and an old line without one still counts', async () => {
    const file = join(dir, 'usage.jsonl');
    const { client: _none, ...old } = rec({});
    appendFileSync(file, JSON.stringify(old) + '\n');
    const ledger = await UsageLedger.open(file);
    await ledger.record(rec({ client: 'vscode-lm', costUsd: 2 }));
    ledger.dispose();
    assert.match(readFileSync(file, 'utf8'), /"client":"vscode-lm"/);
    const again = await UsageLedger.open(file);
    const s = again.summary({ now: Date.now() });
    again.dispose();
    assert.deepEqual(
      s.byClient.map((c) => [c.client, c.costUsd]),
      [
        ['vscode-lm', 2],
        ['unknown', 0.01],
      ],
    );
  });
});
