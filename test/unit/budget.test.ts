// The monthly budget: status from spend, the 80 % and 100 % alerts once a month, the blocked message.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { budgetBlockedMessage, budgetStatus, nextBudgetAlert, type BudgetAlertState } from '../../src/core/usage/budget';
import { formatUsd } from '../../src/core/base/format';
import type { UsageRecord } from '../../src/core/usage/record';
import type { BudgetStatus } from '../../src/core/base/types';

const NOW = new Date(2026, 10, 15, 12).getTime();
const totals = (monthSpentUsd: number) => ({ monthSpentUsd, todaySpentUsd: 0 });

describe('budgetStatus', () => {
  for (const onExceed of ['warn', 'downgrade', 'block'] as const) {
    test(`onExceed=${onExceed}: ok at 79 %, warn at 80 %, ${onExceed} at 100 % and beyond`, () => {
      const budget = { monthlyUsd: 10, onExceed };
      assert.equal(budgetStatus(totals(7.9), budget, NOW).action, 'ok');
      assert.equal(budgetStatus(totals(7.99), budget, NOW).action, 'ok');
      assert.equal(budgetStatus(totals(8), budget, NOW).action, 'warn');
      assert.equal(budgetStatus(totals(9.99), budget, NOW).action, 'warn');
      assert.equal(budgetStatus(totals(10), budget, NOW).action, onExceed);
      assert.equal(budgetStatus(totals(25), budget, NOW).action, onExceed);
    });
  }

  test('no budget (0) is always ok with fraction 0', () => {
    assert.deepEqual(budgetStatus(totals(1000), { monthlyUsd: 0, onExceed: 'block' }, NOW), {
      monthSpentUsd: 1000,
      todaySpentUsd: 0,
      limitUsd: 0,
      fraction: 0,
      action: 'ok',
    });
  });

  test('from records: only this local month counts, today is separate, billed failed attempts count', () => {
    const r = (at: Date, costUsd: number, extra = 0): UsageRecord => ({
      v: 1,
      at: at.getTime(),
      requestId: 'r',
      requested: 'm',
      answeredBy: 'm',
      endpoint: 'gateway',
      attempts: 1,
      fallback: false,
      otherAttempts: extra ? [{ model: 'h', endpoint: 'gateway', outcome: 'hedge-lost', msTotal: 1, costUsd: extra }] : [],
      usage: { promptTokens: 1, completionTokens: 1, cachedTokens: 0, reasoningTokens: 0, estimated: false },
      costUsd,
      msToFirstToken: 1,
      msTotal: 1,
    });
    const records = [
      r(new Date(2026, 9, 31, 23, 59), 100), // last month
      r(new Date(2026, 10, 1, 0, 0), 3), // first minute of this month
      r(new Date(2026, 10, 15, 0, 1), 4, 1), // today, with a lost hedge
    ];
    const s = budgetStatus(records, { monthlyUsd: 10, onExceed: 'block' }, NOW);
    assert.deepEqual([s.monthSpentUsd, s.todaySpentUsd, s.limitUsd, s.fraction, s.action], [8, 5, 10, 0.8, 'warn']);
  });
});

describe('nextBudgetAlert', () => {
  const status = (fraction: number, action: BudgetStatus['action'] = 'block'): BudgetStatus => ({
    monthSpentUsd: fraction * 10,
    todaySpentUsd: 0,
    limitUsd: 10,
    fraction,
    action: fraction >= 1 ? action : fraction >= 0.8 ? 'warn' : 'ok',
  });

  test('warns once at 80 % and acts once at 100 % per month, then again next month', () => {
    let state: BudgetAlertState | undefined;
    const step = (fraction: number, now = NOW) => {
      const out = nextBudgetAlert(status(fraction), state, now);
      state = out.state;
      return out.alert?.level;
    };
    assert.equal(step(0.5), undefined);
    assert.equal(step(0.79), undefined);
    assert.equal(step(0.8), 'warn');
    assert.equal(step(0.85), undefined);
    assert.equal(step(1), 'exceeded');
    assert.equal(step(1.3), undefined);
    const december = new Date(2026, 11, 1, 9).getTime();
    assert.equal(step(0.9, december), 'warn');
    assert.equal(state?.month, '2026-12');
  });

  test('a jump straight past 100 % shows only the 100 % notice, naming the setting and action', () => {
    const first = nextBudgetAlert(status(1.2, 'downgrade'), undefined, NOW);
    assert.equal(first.alert?.level, 'exceeded');
    assert.match(first.alert!.message, /\$12\.00 of your \$10\.00 monthly budget \(120 %\)/);
    assert.match(first.alert!.message, /"switchboard\.budget\.onExceed": "downgrade"/);
    assert.equal(nextBudgetAlert(status(0.95), first.state, NOW).alert, undefined);
  });

  test('no budget, no alerts', () => {
    const s: BudgetStatus = { monthSpentUsd: 50, todaySpentUsd: 0, limitUsd: 0, fraction: 0, action: 'ok' };
    assert.equal(nextBudgetAlert(s, undefined, NOW).alert, undefined);
  });
});

test('formatUsd: cents from $1, three significant digits below so small costs never read as $0.00', () => {
  assert.deepEqual([0, 0.2, 0.072, 0.00018, 1.2e-7, 12.345, 1234.5].map(formatUsd), [
    '$0.00',
    '$0.20',
    '$0.072',
    '$0.00018',
    '$0.00000012',
    '$12.35',
    '$1234.50',
  ]);
});

describe('the blocked message', () => {
  const blocked = (monthSpentUsd: number, limitUsd: number): BudgetStatus => ({
    monthSpentUsd,
    todaySpentUsd: 0,
    limitUsd,
    fraction: monthSpentUsd / limitUsd,
    action: 'block',
  });

  test('shows spend and limit to the digit where they differ, never "$0.01 of $0.01"', () => {
    assert.match(budgetBlockedMessage(blocked(0.012, 0.005)), /\(\$0\.012 of \$0\.005\)/);
    assert.match(budgetBlockedMessage(blocked(0.0104, 0.01)), /\(\$0\.0104 of \$0\.0100\)/);
    assert.match(budgetBlockedMessage(blocked(10.004, 10)), /\(\$10\.004 of \$10\.000\)/);
    assert.match(budgetBlockedMessage(blocked(12, 10)), /\(\$12\.00 of \$10\.00\)/);
    assert.match(budgetBlockedMessage(blocked(12, 10)), /switchboard\.budget\.monthlyUsd/);
  });
});
