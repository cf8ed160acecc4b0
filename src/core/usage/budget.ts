// Monthly budget: where spend stands against `switchboard.budget.monthlyUsd`, and when to tell the user.
import type { Config } from '../config/settings';
import type { BudgetStatus } from '../base/types';
import type { UsageRecord } from './record';
import { localMonth, spendTotals, type SpendTotals } from './stats';
import { formatUsd } from '../base/format';

export const WARN_FRACTION = 0.8;

/** Status from ledger records (or already-summed totals) at `now` (epoch ms); month and day are local time. */
export function budgetStatus(spend: readonly UsageRecord[] | SpendTotals, budget: Config['budget'], now: number = Date.now()): BudgetStatus {
  const { monthSpentUsd, todaySpentUsd } = isTotals(spend) ? spend : spendTotals(spend, now);
  const limitUsd = budget.monthlyUsd > 0 ? budget.monthlyUsd : 0;
  const fraction = limitUsd > 0 ? monthSpentUsd / limitUsd : 0;
  const action: BudgetStatus['action'] = limitUsd === 0 || fraction < WARN_FRACTION ? 'ok' : fraction < 1 ? 'warn' : budget.onExceed;
  return { monthSpentUsd, todaySpentUsd, limitUsd, fraction, action };
}

function isTotals(spend: readonly UsageRecord[] | SpendTotals): spend is SpendTotals {
  return !Array.isArray(spend);
}

/** What has been shown this month; persist it (e.g. in globalState) so alerts survive restarts. */
export interface BudgetAlertState {
  /** `YYYY-MM`, local time. */
  month: string;
  warned: boolean;
  exceeded: boolean;
}

export interface BudgetAlert {
  level: 'warn' | 'exceeded';
  message: string;
}

/**
 * The alert to show now, if any: the 80 % warning once per month and the 100 % notice once per month (a jump past
 * 100 % shows only the 100 % one). Returns the state to store; it starts fresh each local month.
 */
export function nextBudgetAlert(
  status: BudgetStatus,
  state: BudgetAlertState | undefined,
  now: number = Date.now(),
): { alert?: BudgetAlert; state: BudgetAlertState } {
  const month = localMonth(now);
  const current: BudgetAlertState = state && state.month === month ? state : { month, warned: false, exceeded: false };
  if (status.limitUsd === 0) return { state: current };
  if (status.fraction >= 1 && !current.exceeded) {
    return { alert: { level: 'exceeded', message: exceededMessage(status) }, state: { ...current, warned: true, exceeded: true } };
  }
  if (status.fraction >= WARN_FRACTION && status.fraction < 1 && !current.warned) {
    return { alert: { level: 'warn', message: warnMessage(status) }, state: { ...current, warned: true } };
  }
  return { state: current };
}

/**
 * Spend and limit with as many decimals as it takes to tell them apart (at least cents, at most 6), so a blocked
 * request never reads "$0.01 of $0.01".
 */
export function formatSpentAndLimit(spentUsd: number, limitUsd: number): [spent: string, limit: string] {
  let decimals = 2;
  while (decimals < 6 && spentUsd !== limitUsd && spentUsd.toFixed(decimals) === limitUsd.toFixed(decimals)) decimals++;
  const format = (usd: number) => (decimals === 2 ? formatUsd(usd) : `$${usd.toFixed(decimals)}`);
  return [format(spentUsd), format(limitUsd)];
}

/** The message of a request refused because the month's budget is used up (`onExceed: "block"`). */
export function budgetBlockedMessage(status: BudgetStatus): string {
  const [spentUsd, limitUsd] = formatSpentAndLimit(status.monthSpentUsd, status.limitUsd);
  return (
    `The monthly budget is used up (${spentUsd} of ${limitUsd}), and switchboard.budget.onExceed is "block". ` +
    `Raise switchboard.budget.monthlyUsd or set switchboard.budget.onExceed to "warn" or "downgrade" to continue.`
  );
}

function spent(status: BudgetStatus): string {
  const [spentUsd, limitUsd] = formatSpentAndLimit(status.monthSpentUsd, status.limitUsd);
  return `${spentUsd} of your ${limitUsd} monthly budget (${Math.floor(status.fraction * 100)} %)`;
}

function warnMessage(status: BudgetStatus): string {
  return `Switchboard has spent ${spent(status)} this month. Raise "switchboard.budget.monthlyUsd" if that is expected.`;
}

function exceededMessage(status: BudgetStatus): string {
  const what =
    status.action === 'block'
      ? 'New requests are blocked until next month'
      : status.action === 'downgrade'
        ? 'smart-select now moves requests to a cheaper tier'
        : 'Requests continue';
  return (
    `Switchboard has spent ${spent(status)} this month. ${what} ("switchboard.budget.onExceed": "${status.action}"); ` +
    'raise "switchboard.budget.monthlyUsd" to change the limit.'
  );
}
