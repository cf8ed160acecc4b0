// Issue 21 finding 6: the ledger does not trust the upstream's numbers and names. Token counts that are not whole
// numbers from 0 up are replaced by an estimate (and marked so), a served model id is capped and cleaned, a model
// named "__proto__" is counted like any other after a reload, and a line too long to be a record is skipped while the
// rest of the ledger is still read.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { parseConfig } from '../../src/core/config/settings';
import { createCore } from '../../src/core/createCore';
import { UsageLedger } from '../../src/core/usage/ledger';
import type { UsageRecord } from '../../src/core/usage/record';
import { SSE_HEAD, startHostileUpstream, type HostileUpstream } from './support/hostileUpstream';

const KEY = 'sk-ledger-trust-0123456789';
let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sb-ledger-trust-'));
  file = join(dir, 'usage.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function answerWith(res: ServerResponse, model: string, usage: Record<string, unknown>): void {
  const chunk = (extra: Record<string, unknown>) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model, ...extra })}\n\n`;
  res.writeHead(200, SSE_HEAD);
  res.end(
    chunk({ choices: [{ index: 0, delta: { content: 'four words of answer' }, finish_reason: null }] }) +
      chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) +
      chunk({ choices: [], usage }) +
      'data: [DONE]\n\n',
  );
}

async function askThrough(upstream: HostileUpstream): Promise<UsageRecord> {
  const { config } = parseConfig({ 'gateway.preset': 'custom', 'gateway.baseUrl': upstream.url, retries: 0 });
  const core = await createCore({ config, userSetBaseUrl: true, keys: async () => KEY, usageFile: file });
  try {
    for await (const _ of core.router.route({ model: 'hostile/model', messages: [{ role: 'user', content: 'hello' }] })) {
      /* drain */
    }
    return core.ledger.records()[0];
  } finally {
    core.dispose();
  }
}

describe('numbers and names from the upstream', () => {
  test('negative, fractional or absurd token counts are not believed: the answer is estimated and costs ≥ 0', async () => {
    for (const usage of [
      { prompt_tokens: -400_000_000, completion_tokens: 5 },
      { prompt_tokens: 1.5, completion_tokens: 5 },
      { prompt_tokens: 10, completion_tokens: 1e300 },
    ]) {
      const upstream = await startHostileUpstream((_seen, res) => answerWith(res, 'hostile/model', usage));
      try {
        const r = await askThrough(upstream);
        assert.equal(r.usage.estimated, true, JSON.stringify(usage));
        assert.ok(r.usage.promptTokens >= 0 && Number.isSafeInteger(r.usage.promptTokens) && r.usage.completionTokens < 1000, JSON.stringify(r.usage));
        assert.ok(r.costUsd >= 0);
      } finally {
        await upstream.close();
      }
      rmSync(file, { force: true });
    }
  });

  test('a billed cost is believed only up to $1000 an answer, and only beside token counts that are believed', async () => {
    for (const [usage, costSource] of [
      [{ prompt_tokens: 10, completion_tokens: 5, cost: 3 }, 'billed'],
      [{ prompt_tokens: 10, completion_tokens: 5, cost: 1e12 }, 'priced'],
      [{ prompt_tokens: 10, completion_tokens: 5, cost: '1001' }, 'priced'],
      [{ prompt_tokens: -400_000_000, completion_tokens: 5, cost: 3 }, 'estimated'],
    ] as const) {
      const upstream = await startHostileUpstream((_seen, res) => answerWith(res, 'hostile/model', usage));
      try {
        const r = await askThrough(upstream);
        assert.equal(r.costSource, costSource, JSON.stringify(usage));
        assert.equal(r.costUsd, costSource === 'billed' ? 3 : 0, JSON.stringify(usage)); // hostile/model has no price
      } finally {
        await upstream.close();
      }
      rmSync(file, { force: true });
    }
  });

  test('a served model id is stripped of control characters and capped at 300 characters', async () => {
    const upstream = await startHostileUpstream((_seen, res) =>
      answerWith(res, `evil\u001b]0;x\u0007/${'m'.repeat(5 * 1024 * 1024)}`, { prompt_tokens: 1, completion_tokens: 4 }),
    );
    try {
      const r = await askThrough(upstream);
      assert.ok(r.served !== undefined && r.served.length <= 300, `served is ${r.served?.length} characters`);
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(r.served, /[\u0000-\u001f\u007f-\u009f]/);
      assert.ok(r.served.startsWith('evil]0;x/mmm'));
    } finally {
      await upstream.close();
    }
  });
});

const record = (i: number, served?: string): UsageRecord => ({
  v: 1,
  at: Date.now() - 60_000 + i,
  requestId: `r${i}`,
  requested: 'm',
  answeredBy: 'm',
  ...(served ? { served } : {}),
  endpoint: 'gateway',
  attempts: 1,
  fallback: false,
  otherAttempts: [],
  usage: { promptTokens: 10, completionTokens: 5, cachedTokens: 0, reasoningTokens: 0, estimated: false },
  costUsd: 5,
  msToFirstToken: 100,
  msTotal: 1000,
});

test('a model named "__proto__" keeps its spend through the saved rollup', async () => {
  const first = await UsageLedger.open(file);
  for (let i = 0; i < 3; i++) await first.record(record(i, '__proto__'));
  first.dispose();
  const reopened = await UsageLedger.open(file);
  const summary = reopened.summary({ now: Date.now() });
  assert.equal(summary.totalRequests, 3);
  assert.equal(summary.totalCostUsd, 15);
  reopened.dispose();
});

test('a line longer than any record is skipped and counted as skipped; the records after it still count', async () => {
  const warnings: string[] = [];
  const ledger = await UsageLedger.open(file, { onWarning: (w) => warnings.push(w) });
  await ledger.record(record(0));
  // Another process (or a hostile upstream's name) appended a 9 MB line, then more records.
  appendFileSync(file, JSON.stringify(record(1, 'x'.repeat(9 * 1024 * 1024))) + '\n');
  appendFileSync(file, JSON.stringify(record(2)) + '\n' + JSON.stringify(record(3)) + '\n');
  assert.equal(Math.round(ledger.spend().monthSpentUsd), 15);
  assert.ok(
    warnings.some((w) => /Skipped line 2 .* longer than/.test(w)),
    warnings.join('\n'),
  );
  appendFileSync(file, JSON.stringify(record(4)) + '\n');
  assert.equal(Math.round(ledger.spend().monthSpentUsd), 20, 'later appends are still read');
  ledger.dispose();
  const reopened = await UsageLedger.open(file);
  assert.equal(reopened.summary({ now: Date.now() }).totalRequests, 4);
  reopened.dispose();
});

test('a ledger line costing more than any answer (or with such an attempt) is skipped like other invalid lines', async () => {
  const warnings: string[] = [];
  const ledger = await UsageLedger.open(file, { onWarning: (w) => warnings.push(w) });
  await ledger.record(record(0));
  const hugeAttempt = { model: 'm', endpoint: 'gateway', outcome: 'hedge-lost', msTotal: 1, costUsd: 1e12 };
  appendFileSync(file, JSON.stringify({ ...record(1), costUsd: 1e12 }) + '\n');
  appendFileSync(file, JSON.stringify({ ...record(2), otherAttempts: [hugeAttempt] }) + '\n');
  appendFileSync(file, JSON.stringify(record(3)) + '\n');
  assert.equal(Math.round(ledger.spend().monthSpentUsd), 10);
  assert.ok(warnings.some((w) => /Skipped line 2\b/.test(w)) && warnings.some((w) => /Skipped line 3\b/.test(w)), warnings.join('\n'));
  ledger.dispose();
  const reopened = await UsageLedger.open(file);
  assert.equal(reopened.summary({ now: Date.now() }).totalRequests, 2);
  reopened.dispose();
});
