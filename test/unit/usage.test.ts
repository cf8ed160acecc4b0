// The usage ledger: its JSONL storage, attaching to the router, and records from real routed requests.
import { test, describe, beforeEach, afterEach, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageLedger } from '../../src/core/usage/ledger';
import { requestCostUsd, type UsageRecord } from '../../src/core/usage/record';
import { Emitter } from '../../src/core/base/lifecycle';
import type { AttemptEvent, DoneEvent, RoutingEvent, Usage } from '../../src/core/base/types';
import { startSim, type Sim } from '../sim/server';
import { Router } from '../../src/core/routing/router';
import { Catalog } from '../../src/core/catalog/catalog';
import { parseConfig } from '../../src/core/config/settings';
import { costOf } from '../../src/core/catalog/cost';

const USAGE: Usage = { promptTokens: 120, completionTokens: 40, cachedTokens: 100, reasoningTokens: 10, estimated: false };

/** An hour ago, so records fall in the ledger's per-day totals (recent days) and in a 2-day summary window. */
const BASE_AT = Date.now() - 3_600_000;

function rec(i: number, extra: Partial<UsageRecord> = {}): UsageRecord {
  return {
    v: 1,
    at: BASE_AT + i * 1000,
    requestId: `r${i}`,
    requested: 'smart-select',
    answeredBy: 'openai/gpt-4.1-mini',
    endpoint: 'gateway',
    attempts: 1,
    fallback: false,
    otherAttempts: [],
    usage: USAGE,
    costUsd: 0.000123 * (i + 1),
    msToFirstToken: 200 + i,
    msTotal: 900 + i,
    tier: 'fast',
    ...extra,
  };
}

let dir: string;
let file: string;
let warnings: string[];
const open = () => UsageLedger.open(file, { onWarning: (m) => warnings.push(m) });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-ledger-'));
  file = join(dir, 'nested', 'usage.jsonl');
  warnings = [];
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('UsageLedger storage', () => {
  test('records survive a reopen, one JSON line each', async () => {
    const ledger = await open();
    let changes = 0;
    ledger.onDidChange(() => changes++);
    for (let i = 0; i < 3; i++) void ledger.record(rec(i));
    assert.equal(ledger.records().length, 3, 'visible before the write finishes');
    await ledger.flush();
    assert.equal(changes, 3);
    const text = await readFile(file, 'utf8');
    assert.equal(text.split('\n').length, 4);
    assert.ok(text.endsWith('\n'));
    const again = await open();
    assert.deepEqual(await again.readAll(), [rec(0), rec(1), rec(2)]);
    assert.deepEqual(warnings, []);
  });

  test('a torn last line is skipped with a warning, earlier lines are kept, and later appends are clean', async () => {
    await mkdir(join(dir, 'nested'));
    const torn = JSON.stringify(rec(2)).slice(0, 57);
    await writeFile(file, JSON.stringify(rec(0)) + '\n' + JSON.stringify(rec(1)) + '\n' + torn);
    const ledger = await open();
    assert.deepEqual(await ledger.readAll(), [rec(0), rec(1)]);
    assert.equal(ledger.summary({ now: rec(1).at, days: 2 }).totalRequests, 2);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /line 3 .*cut short/);
    await ledger.record(rec(3));
    warnings = [];
    const again = await open();
    assert.deepEqual(await again.readAll(), [rec(0), rec(1), rec(3)]);
    assert.equal(again.summary({ now: rec(3).at, days: 2 }).totalRequests, 3);
    assert.deepEqual(warnings, [], 'the rollup covers the damaged line, so no warning on the next open');
  });

  test('a corrupt middle line is skipped with a warning naming its line number', async () => {
    await mkdir(join(dir, 'nested'));
    const lines = [JSON.stringify(rec(0)), '{"v":1,"at":"not a number"}', 'garbage', JSON.stringify(rec(3))];
    await writeFile(file, lines.join('\n') + '\n');
    const ledger = await open();
    assert.deepEqual(await ledger.readAll(), [rec(0), rec(3)]);
    assert.equal(ledger.summary({ now: rec(3).at, days: 2 }).totalRequests, 2);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /line 2 /);
    assert.match(warnings[1], /line 3 /);
  });

  test('a complete last line without a newline is kept and the next record starts on its own line', async () => {
    await mkdir(join(dir, 'nested'));
    await writeFile(file, JSON.stringify(rec(0)) + '\n' + JSON.stringify(rec(1)));
    const ledger = await open();
    await ledger.record(rec(2));
    assert.deepEqual(await (await open()).readAll(), [rec(0), rec(1), rec(2)]);
    assert.deepEqual(warnings, []);
  });

  test('concurrent records never interleave and keep their order', async () => {
    const ledger = await open();
    // Large lines make a torn or interleaved write visible if appends were not serialised.
    const records = Array.from({ length: 200 }, (_, i) => rec(i, { requested: `model-${i}-${'x'.repeat(20_000)}` }));
    await Promise.all(records.map((r) => ledger.record(r)));
    const lines = (await readFile(file, 'utf8')).split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, 200);
    lines.forEach((line, i) => assert.equal((JSON.parse(line) as UsageRecord).requestId, `r${i}`));
    assert.deepEqual(await (await open()).readAll(), records);
    assert.deepEqual(warnings, []);
  });

  test('a failed write warns naming the file and never rejects', async () => {
    const ledger = await open();
    await mkdir(file); // the ledger path is now a directory: appendFile fails with EISDIR
    await ledger.record(rec(0));
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0].includes(file), warnings[0]);
    assert.equal(ledger.records().length, 1, 'kept in memory');
  });

  test('a line whose multi-byte characters straddle a read boundary is read whole, and so are the lines after it', async () => {
    const first = JSON.stringify(rec(0, { requested: 'a'.repeat(600) })) + '\n';
    const wide = rec(1, { requested: 'café 😀'.repeat(40) });
    const line = JSON.stringify(wide) + '\n';
    // The read boundary falls 2 bytes into the first emoji (4 bytes in UTF-8).
    const readChunkBytes = Buffer.byteLength(first) + Buffer.byteLength(line.slice(0, line.indexOf('😀'))) + 2;
    assert.ok(readChunkBytes > Buffer.byteLength(line), 'every line fits in one read');
    const ledger = await UsageLedger.open(file, { onWarning: (m) => warnings.push(m), readChunkBytes });
    await writeFile(file, first + line + JSON.stringify(rec(2)) + '\n');
    ledger.sync();
    assert.deepEqual(
      ledger.records().map((r) => r.requestId),
      ['r0', 'r1', 'r2'],
    );
    assert.equal(ledger.records()[1].requested, wide.requested);
    await ledger.record(rec(3));
    assert.deepEqual(warnings, []);
    assert.equal(ledger.summary({ now: Date.now() }).totalRequests, 4);
    ledger.dispose();
    const reopened = await UsageLedger.open(file, { onWarning: (m) => warnings.push(m), readChunkBytes });
    assert.equal(reopened.summary({ now: Date.now() }).totalRequests, 4);
    assert.deepEqual(warnings, []);
    reopened.dispose();
  });

  test('records() filters by time window and by model (answered or tried)', async () => {
    const ledger = await open();
    const failed = rec(2, { answeredBy: 'b', fallback: true, otherAttempts: [{ model: 'c', endpoint: 'gateway', outcome: 'error', status: 503, msTotal: 5 }] });
    for (const r of [rec(0, { answeredBy: 'a' }), rec(1, { answeredBy: 'b' }), failed]) void ledger.record(r);
    await ledger.flush();
    assert.deepEqual(
      ledger.records({ model: 'b' }).map((r) => r.requestId),
      ['r1', 'r2'],
    );
    assert.deepEqual(
      ledger.records({ model: 'c' }).map((r) => r.requestId),
      ['r2'],
    );
    assert.deepEqual(
      ledger.records({ since: rec(1).at, until: rec(2).at }).map((r) => r.requestId),
      ['r1'],
    );
  });
});

describe('UsageLedger.attach', () => {
  const attempt = (a: Partial<AttemptEvent>): AttemptEvent => ({
    type: 'attempt',
    requestId: 'q1',
    index: 0,
    model: 'm',
    endpoint: 'gateway',
    role: 'primary',
    outcome: 'ok',
    msTotal: 10,
    ...a,
  });
  const done = (d: Partial<DoneEvent>): DoneEvent => ({
    type: 'done',
    requestId: 'q1',
    at: 1_700_000_000_000,
    requested: 'smart-select',
    answeredBy: 'b',
    served: 'b',
    endpoint: 'gateway',
    attempts: 2,
    fallback: true,
    usage: USAGE,
    costUsd: 0.0042,
    costSource: 'priced',
    msToFirstToken: 300,
    msTotal: 1200,
    selection: { tier: 'balanced', model: 'a', confidence: 0.8, reasons: ['has code'] },
    ...d,
  });

  test('a done event becomes one record with the failed attempts, no message text', async () => {
    const ledger = await open();
    const events = new Emitter<RoutingEvent>();
    ledger.attach(events.event);
    const secretish = 'upstream said: invalid key sk-test-1234567890';
    events.fire(attempt({ model: 'a', outcome: 'error', status: 503, errorCode: 'upstream_5xx', message: secretish, msTotal: 40 }));
    events.fire(attempt({ model: 'b', index: 1, role: 'fallback', outcome: 'ok', msTotal: 1200, costUsd: 0.0042 }));
    events.fire({ type: 'attempt', requestId: 'other', index: 0, model: 'z', endpoint: 'gateway', role: 'primary', outcome: 'ok', msTotal: 1 });
    events.fire(done({}));
    await ledger.flush();
    const [r] = ledger.records();
    assert.equal(ledger.records().length, 1);
    assert.equal(r.answeredBy, 'b');
    assert.equal(r.requested, 'smart-select');
    assert.equal(r.tier, 'balanced');
    assert.equal(r.fallback, true);
    assert.deepEqual(r.otherAttempts, [{ model: 'a', endpoint: 'gateway', outcome: 'error', status: 503, errorCode: 'upstream_5xx', msTotal: 40 }]);
    assert.deepEqual(r.usage, USAGE);
    assert.equal(r.costUsd, 0.0042);
    const text = await readFile(file, 'utf8');
    assert.ok(!text.includes('sk-test') && !text.includes('upstream said'), 'attempt messages are not stored');
  });

  test('a lost hedge keeps its own cost in the request total', async () => {
    const ledger = await open();
    const events = new Emitter<RoutingEvent>();
    ledger.attach(events.event);
    events.fire(attempt({ model: 'a', outcome: 'hedge-lost', costUsd: 0.001, usage: { ...USAGE, completionTokens: 3, reasoningTokens: 0 } }));
    events.fire(attempt({ model: 'b', index: 1, role: 'hedge', outcome: 'ok', costUsd: 0.0042 }));
    events.fire(done({ fallback: false }));
    const [r] = ledger.records();
    assert.equal(r.otherAttempts[0].outcome, 'hedge-lost');
    assert.ok(Math.abs(requestCostUsd(r) - 0.0052) < 1e-12);
  });

  test('a failed request is recorded only when some attempt was billed', async () => {
    const ledger = await open();
    const events = new Emitter<RoutingEvent>();
    const sub = ledger.attach(events.event);
    events.fire(attempt({ model: 'a', outcome: 'error', status: 503 }));
    events.fire({ type: 'error', requestId: 'q1', requested: 'a', code: 'all_failed', message: 'every candidate failed' });
    assert.equal(ledger.records().length, 0);
    events.fire(attempt({ requestId: 'q2', model: 'a', outcome: 'broken-after-tokens', costUsd: 0.0003 }));
    events.fire({ type: 'error', requestId: 'q2', requested: 'a', code: 'stream_broken', message: 'x' });
    const [r] = ledger.records();
    assert.equal(r.error, 'stream_broken');
    assert.equal(requestCostUsd(r), 0.0003);
    sub.dispose();
    events.fire(done({ requestId: 'q3' }));
    assert.equal(ledger.records().length, 1, 'no records after the subscription is disposed');
    await ledger.flush();
  });
});

describe('UsageLedger with the real router and simulator', () => {
  const KEY = 'sk-ledger-secret-123';
  let sim: Sim;
  before(async () => (sim = await startSim({ key: KEY })));
  after(() => sim.close());

  test('two asks, one after a 503 fallback: exact usage and cost, stored and reopened, no key', async () => {
    const pricing = { input: 2e-6, output: 8e-6, cachedInput: 0.5e-6 };
    const { config } = parseConfig({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url, retries: 0, fallbacks: { 'sim/fail?status=503': ['sim/echo'] } });
    const router = new Router({
      config,
      keys: async () => KEY,
      catalog: new Catalog({ extraModels: [{ id: 'sim/echo', provider: 'sim', pricing, contextWindow: 100_000, tags: [], source: 'builtin' }] }),
      retryBaseMs: 1,
      refreshCatalog: false,
    });
    const ledger = await open();
    ledger.attach(router.onEvent);
    const ask = async (model: string, text: string) => {
      for await (const _ of router.route({ model, messages: [{ role: 'user', content: text }] })) {
        /* drain */
      }
    };
    await ask('sim/fail?status=503', 'one two three');
    await ask('sim/echo', 'four five');
    await ledger.flush();

    const [first, second] = ledger.records();
    assert.equal(ledger.records().length, 2);
    assert.deepEqual([first.requested, first.answeredBy, first.fallback, first.attempts], ['sim/fail?status=503', 'sim/echo', true, 2]);
    assert.deepEqual(
      first.otherAttempts.map((a) => [a.model, a.outcome, a.status]),
      [['sim/fail?status=503', 'error', 503]],
    );
    assert.deepEqual([second.requested, second.answeredBy, second.fallback, second.otherAttempts.length], ['sim/echo', 'sim/echo', false, 0]);
    for (const r of [first, second]) {
      assert.equal(r.usage.estimated, false);
      assert.ok(r.usage.promptTokens > 0 && r.usage.completionTokens > 0);
      assert.ok(Math.abs(r.costUsd - costOf(r.usage, pricing)) < 1e-12);
      assert.ok(r.costUsd > 0);
      assert.ok(r.msTotal >= r.msToFirstToken && r.msToFirstToken > 0);
    }
    const text = await readFile(file, 'utf8');
    assert.ok(!text.includes(KEY) && !text.includes('one two three'), 'no key and no prompt text on disk');
    assert.deepEqual(await (await open()).readAll(), [first, second]);
    router.dispose();
  });
});

test('an unreadable ledger (a directory where the file should be) still opens, empty, with a warning naming the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sb-ledger-unreadable-'));
  const file = join(dir, 'usage.jsonl');
  await mkdir(file);
  const warnings: string[] = [];
  const ledger = await UsageLedger.open(file, { onWarning: (m) => warnings.push(m) });
  assert.equal(ledger.records().length, 0);
  assert.equal(warnings.length, 1);
  assert.ok(warnings[0].includes(file), warnings[0]);
  ledger.dispose();
  await rm(dir, { recursive: true, force: true });
});
