// Usage statistics: percentiles, totals by local day and by model, CSV export (RFC 4180, formulas neutralised).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { percentile, summarizeUsage, spendTotals, toCsv, localDay } from '../../src/core/usage/stats';
import type { UsageRecord } from '../../src/core/usage/record';

const at = (month: number, day: number, hour: number, minute = 0) => new Date(2026, month - 1, day, hour, minute).getTime();

function rec(extra: Partial<UsageRecord>): UsageRecord {
  return {
    v: 1,
    at: at(11, 4, 12),
    requestId: 'r',
    requested: 'smart-select',
    answeredBy: 'a',
    endpoint: 'gateway',
    attempts: 1,
    fallback: false,
    otherAttempts: [],
    usage: { promptTokens: 100, completionTokens: 50, cachedTokens: 0, reasoningTokens: 0, estimated: false },
    costUsd: 0.01,
    msToFirstToken: 100,
    msTotal: 1000,
    ...extra,
  };
}

describe('percentile (nearest rank)', () => {
  test('known values', () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i); // 20..1, unsorted on purpose
    assert.equal(percentile(values, 50), 10);
    assert.equal(percentile(values, 95), 19);
    assert.equal(percentile(values, 100), 20);
    assert.equal(percentile(values, 0), 1);
    assert.equal(percentile([7], 95), 7);
    assert.equal(percentile([], 50), 0);
    assert.equal(percentile([1, 2, 3, 4], 50), 2);
    assert.deepEqual(values[0], 20, 'input not mutated');
  });
});

describe('summarizeUsage', () => {
  const now = at(11, 4, 15);
  const records: UsageRecord[] = [
    rec({ at: at(11, 3, 23, 30), answeredBy: 'a', costUsd: 0.01, msToFirstToken: 100, msTotal: 1000 }),
    rec({ at: at(11, 4, 0, 30), answeredBy: 'a', costUsd: 0.02, msToFirstToken: 300, msTotal: 3000 }),
    rec({
      at: at(11, 4, 9),
      answeredBy: 'b',
      costUsd: 0.005,
      fallback: true,
      attempts: 3,
      msToFirstToken: 50,
      msTotal: 500,
      usage: { promptTokens: 10, completionTokens: 5, cachedTokens: 2, reasoningTokens: 1, estimated: true },
      otherAttempts: [
        { model: 'a', endpoint: 'gateway', outcome: 'error', status: 503, msTotal: 20 },
        {
          model: 'c',
          endpoint: 'gateway',
          outcome: 'broken-after-tokens',
          msTotal: 80,
          costUsd: 0.001,
          usage: { promptTokens: 10, completionTokens: 2, cachedTokens: 0, reasoningTokens: 0, estimated: false },
        },
      ],
    }),
    rec({ at: at(10, 20, 12), answeredBy: 'old', costUsd: 5 }), // outside the 3-day window and last month
    rec({ at: at(11, 1, 8), answeredBy: 'early', costUsd: 1 }), // outside the window, same month
  ];
  const s = summarizeUsage(records, { now, days: 3 });

  test('groups by local day: 23:30 and 00:30 fall on different days', () => {
    assert.deepEqual(s.days, ['2026-11-02', '2026-11-03', '2026-11-04']);
    const a = s.perDay.filter((d) => d.model === 'a');
    assert.deepEqual(
      a.map((d) => [d.day, d.requests, d.costUsd, d.tokens]),
      [
        ['2026-11-03', 1, 0.01, 150],
        ['2026-11-04', 1, 0.02, 150],
      ],
    );
    const c = s.perDay.find((d) => d.model === 'c');
    assert.deepEqual(c && [c.day, c.requests, c.costUsd, c.tokens], ['2026-11-04', 0, 0.001, 12]);
  });

  test('per model: requests, tokens, cost, fallbacks, latency percentiles', () => {
    const byId = new Map(s.perModel.map((m) => [m.model, m]));
    assert.deepEqual([...byId.keys()], ['a', 'b', 'c'], 'records outside the window are left out; sorted by cost');
    const a = byId.get('a')!;
    assert.equal(a.requests, 2);
    assert.equal(a.failures, 1);
    assert.equal(a.promptTokens, 200);
    assert.ok(Math.abs(a.costUsd - 0.03) < 1e-12);
    assert.equal(a.p50FirstTokenMs, 100);
    assert.equal(a.p95FirstTokenMs, 300);
    assert.equal(a.p50TotalMs, 1000);
    assert.equal(a.p95TotalMs, 3000);
    const b = byId.get('b')!;
    assert.deepEqual([b.requests, b.answeredAsFallback, b.failures, b.estimated, b.cachedTokens, b.reasoningTokens], [1, 1, 0, 1, 2, 1]);
    const c = byId.get('c')!;
    assert.deepEqual([c.requests, c.failures, c.costUsd, c.promptTokens], [0, 1, 0.001, 10]);
    assert.equal(s.totalRequests, 3);
    assert.ok(Math.abs(s.totalCostUsd - 0.036) < 1e-12);
  });

  test('today and this month use local calendar boundaries and every billed attempt', () => {
    assert.ok(Math.abs(s.todaySpentUsd - 0.026) < 1e-12, String(s.todaySpentUsd));
    assert.ok(Math.abs(s.monthSpentUsd - 1.036) < 1e-12, String(s.monthSpentUsd));
    assert.deepEqual(spendTotals(records, at(12, 1, 0, 1)), { todaySpentUsd: 0, monthSpentUsd: 0 });
    assert.equal(localDay(at(11, 4, 0, 0)), '2026-11-04');
  });
});

test('day boundaries follow local calendar days across a DST change (run with TZ=America/New_York to exercise it)', () => {
  const records = [rec({ at: at(11, 1, 0, 10), costUsd: 1 }), rec({ at: at(11, 1, 23, 50), costUsd: 2 }), rec({ at: at(11, 2, 0, 10), costUsd: 4 })];
  // `npm run test:dst` sets TZ so the clocks really change between these records.
  if (process.env.TZ === 'America/New_York') assert.notEqual(new Date(at(11, 1, 0, 10)).getTimezoneOffset(), new Date(at(11, 2, 12)).getTimezoneOffset());
  const s = summarizeUsage(records, { now: at(11, 2, 12), days: 2 });
  assert.deepEqual(s.days, ['2026-11-01', '2026-11-02']);
  assert.deepEqual(
    s.perDay.map((d) => [d.day, d.costUsd]),
    [
      ['2026-11-01', 3],
      ['2026-11-02', 4],
    ],
  );
  assert.deepEqual(spendTotals(records, at(11, 2, 12)), { todaySpentUsd: 4, monthSpentUsd: 7 });
});

describe('toCsv', () => {
  test('RFC 4180: header, CRLF rows, quoting of comma, quote and newline', () => {
    const csv = toCsv([rec({ requestId: 'x1', requested: 'team "fast", v2', answeredBy: 'line\nbreak', at: Date.UTC(2026, 10, 4, 12) })]);
    const lines = csv.split('\r\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '');
    assert.ok(lines[0].startsWith('time,request_id,requested,answered_by,served,cost_source,endpoint,'));
    assert.ok(lines[1].startsWith('2026-11-04T12:00:00.000Z,x1,"team ""fast"", v2","line\nbreak","line\nbreak",priced,gateway,'), lines[1]);
  });

  test('other attempts are listed; text that a spreadsheet would run as a formula is neutralised', () => {
    const csv = toCsv([
      rec({
        requested: '=HYPERLINK("http://x")',
        otherAttempts: [
          { model: 'a', endpoint: 'gateway', outcome: 'error', status: 503, msTotal: 1 },
          { model: 'b', endpoint: 'gateway', outcome: 'timeout', msTotal: 2 },
        ],
      }),
    ]);
    const row = csv.split('\r\n')[1];
    assert.ok(row.includes(`"'=HYPERLINK(""http://x"")"`), row);
    assert.ok(row.includes(',a 503; b timeout,'), row);
    assert.ok(row.includes(',0.01,0.01,100,1000,'), row);
  });

  test('no records: just the header', () => {
    assert.equal(toCsv([]).split('\r\n').length, 2);
  });
});
