// Issue 24 item 1: one answer, one count — whatever a listener does inside `onDidChange` (VS Code's services read the
// budget there), in every process sharing the ledger, and in rollups a doubling ledger saved before; a stopped
// answer's streamed tokens are spend too.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim } from '../sim/server';
import { parseConfig } from '../../src/core/config/settings';
import { createCore } from '../../src/core/createCore';
import { consumeRoute } from '../../src/core/routing/consumeRoute';
import { UsageLedger } from '../../src/core/usage/ledger';
import type { UsageRecord } from '../../src/core/usage/record';
import { rollupFileFor } from '../../src/core/usage/rollup';
import { usageRecord } from './support/usageRecord';

const NOW = Date.now();
const rec = (i: number): UsageRecord => usageRecord({ at: NOW - 60_000 + i, requestId: `r${i}`, costUsd: 0.01 });
const requestsIn = (l: UsageLedger) => l.summary({ now: Date.now() }).totalRequests;

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sb-once-'));
  file = join(dir, 'usage.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a listener that reads spend inside onDidChange', () => {
  test('three answers are three requests in the totals, the spend and the listener`s own view', async () => {
    const ledger = await UsageLedger.open(file);
    const seenInListener: number[] = [];
    ledger.onDidChange(() => {
      ledger.spend(); // what services.ts does: the budget, read while the event is delivered
      seenInListener.push(requestsIn(ledger));
    });
    for (let i = 0; i < 3; i++) await ledger.record(rec(i));
    assert.deepEqual(seenInListener, [1, 2, 3]);
    assert.equal(requestsIn(ledger), 3);
    assert.equal(Math.round(ledger.spend().monthSpentUsd * 100), 3);
    assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 3);
    ledger.dispose();
    const reopened = await UsageLedger.open(file);
    assert.equal(requestsIn(reopened), 3, 'the saved rollup holds single counts');
    reopened.dispose();
  });

  test('a listener that records from inside the event (re-entrant) still counts each record once', async () => {
    const ledger = await UsageLedger.open(file);
    let echoed = false;
    const heard: string[] = [];
    ledger.onDidChange((r) => {
      heard.push(r.requestId);
      if (!echoed) {
        echoed = true;
        void ledger.record(rec(99));
      }
      ledger.sync();
    });
    await ledger.record(rec(0));
    assert.deepEqual(heard, ['r0', 'r99']);
    assert.equal(requestsIn(ledger), 2);
    ledger.dispose();
  });

  test('two processes sharing the file, each reading spend in its listener, both count every answer once', async () => {
    const a = await UsageLedger.open(file);
    const b = await UsageLedger.open(file);
    for (const l of [a, b]) l.onDidChange(() => void l.spend());
    for (let i = 0; i < 6; i++) await (i % 2 ? a : b).record(rec(i));
    assert.equal(requestsIn(a), 6);
    assert.equal(requestsIn(b), 6);
    a.dispose();
    b.dispose();
  });
});

test('a rollup saved with doubled totals by the old ledger is rebuilt once from the JSONL', async () => {
  const first = await UsageLedger.open(file);
  for (let i = 0; i < 3; i++) await first.record(rec(i));
  first.dispose();
  // What a doubling ledger of the previous version left: the same coverage, every count twice.
  const saved = JSON.parse(readFileSync(rollupFileFor(file), 'utf8')) as { v: number; days: Record<string, Record<string, [number[], unknown, unknown]>> };
  saved.v = 2;
  for (const models of Object.values(saved.days)) for (const t of Object.values(models)) t[0] = t[0].map((n) => n * 2);
  writeFileSync(rollupFileFor(file), JSON.stringify(saved));
  const reopened = await UsageLedger.open(file);
  assert.equal(requestsIn(reopened), 3);
  reopened.dispose();
});

test('a stopped answer is recorded with the tokens it streamed, estimated and marked as cancelled', async () => {
  const sim = await startSim({ key: 'k' });
  try {
    const { config } = parseConfig({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url, retries: 0 });
    const core = await createCore({ config, userSetBaseUrl: true, keys: async () => 'k', usageFile: file });
    const ac = new AbortController();
    let chunks = 0;
    await assert.rejects(async () => {
      for await (const y of core.router.route(
        { model: 'sim/lorem?tokens=400&chunkMs=5', messages: [{ role: 'user', content: 'write a lot' }] },
        { signal: ac.signal },
      ))
        if (y.type === 'chunk' && ++chunks === 5) ac.abort();
    }, /cancelled/);
    const [r] = core.ledger.records();
    assert.ok(r, 'the stopped answer has a ledger record');
    assert.equal(r.error, 'cancelled');
    const streamed = r.otherAttempts.reduce((n, a) => n + (a.usage?.completionTokens ?? 0), 0);
    assert.ok(streamed > 0, 'its streamed tokens are counted');
    assert.ok(
      r.otherAttempts.every((a) => a.usage?.estimated),
      'and marked as estimated',
    );
    core.dispose();
  } finally {
    await sim.close();
  }
});

test('through consumeRoute (every surface): a stopped answer is one cancelled record, a done or broken answer one record each', async () => {
  const sim = await startSim({ key: 'k' });
  try {
    const { config } = parseConfig({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url, retries: 0 });
    const core = await createCore({ config, userSetBaseUrl: true, keys: async () => 'k', usageFile: file });
    const ask = (model: string, signal?: AbortSignal, onChunk?: () => void) =>
      consumeRoute(
        core.router,
        { model, messages: [{ role: 'user', content: 'write a lot' }] },
        { ...(signal ? { signal } : {}), ...(onChunk ? { onChunk } : {}) },
      );

    const ac = new AbortController();
    let chunks = 0;
    const stopped = await ask('sim/lorem?tokens=3000&chunkMs=20', ac.signal, () => {
      if (++chunks === 5) ac.abort();
    });
    assert.equal(stopped.outcome, 'stopped');
    assert.ok(stopped.text.length > 0);
    const [r, ...more] = core.ledger.records();
    assert.equal(more.length, 0, 'exactly one record');
    assert.ok(r, 'the stopped answer has a ledger record');
    assert.equal(r.error, 'cancelled');
    const streamed = r.otherAttempts.reduce((n, a) => n + (a.usage?.completionTokens ?? 0), 0);
    assert.ok(streamed > 0, 'its streamed tokens are counted');
    assert.ok(r.otherAttempts.every((a) => a.usage?.estimated && a.outcome === 'cancelled'));

    const done = await ask('sim/lorem?tokens=20');
    assert.equal(done.outcome, 'done');
    assert.equal(core.ledger.records().length, 2, 'a done answer: one record');
    assert.equal(core.ledger.records()[1].error, undefined);

    const broken = await ask('sim/reset?after=3&tokens=20');
    assert.equal(broken.outcome, 'broken');
    assert.equal(core.ledger.records().length, 3, 'a broken answer: one record');
    assert.equal(core.ledger.records()[2].error, 'stream-broken');

    const failed = await ask('sim/fail?status=400');
    assert.equal(failed.outcome, 'failed');
    assert.equal(core.ledger.records().length, 3, 'a failure nothing was billed for: no record');
    assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 3);
    core.dispose();
  } finally {
    await sim.close();
  }
});
