// Pure aggregation of ledger records for the usage view, the status bar and the CLI. Days and months are local time.
import { requestCostUsd, type UsageRecord } from './usage';

/** `YYYY-MM-DD` of `ms` in local time. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `YYYY-MM` of `ms` in local time. */
export function localMonth(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Nearest-rank percentile (p in 0..100) of `values`; 0 for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface SpendTotals {
  todaySpentUsd: number;
  monthSpentUsd: number;
}

export function spendTotals(records: readonly UsageRecord[], now: number): SpendTotals {
  // Compare timestamps with local midnight boundaries instead of formatting a date per record.
  const d = new Date(now);
  const dayStart = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const dayEnd = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
  const monthStart = new Date(d.getFullYear(), d.getMonth(), 1).getTime();
  const monthEnd = new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime();
  let todaySpentUsd = 0;
  let monthSpentUsd = 0;
  for (const r of records) {
    if (r.at < monthStart || r.at >= monthEnd) continue;
    const cost = requestCostUsd(r);
    monthSpentUsd += cost;
    if (r.at >= dayStart && r.at < dayEnd) todaySpentUsd += cost;
  }
  return { todaySpentUsd, monthSpentUsd };
}

export interface ModelStats {
  model: string;
  /** Answers this model gave. */
  requests: number;
  /** Of those, how many came after another model failed. */
  answeredAsFallback: number;
  /** Attempts of this model that failed (error, timeout, broken stream, breaker open) so the request moved on. */
  failures: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** Answers whose tokens were counted locally because the upstream sent no usage. */
  estimated: number;
  /** Including billed attempts that did not answer (lost hedges, broken streams). */
  costUsd: number;
  p50FirstTokenMs: number;
  p95FirstTokenMs: number;
  p50TotalMs: number;
  p95TotalMs: number;
}

export interface DayModelStats {
  day: string;
  model: string;
  costUsd: number;
  tokens: number;
  requests: number;
}

export interface UsageSummary {
  /** Every local day in the window, oldest first, so charts show gaps as zero. */
  days: string[];
  perDay: DayModelStats[];
  /** Sorted by cost, then requests, descending. */
  perModel: ModelStats[];
  totalCostUsd: number;
  totalRequests: number;
  totalTokens: number;
  todaySpentUsd: number;
  monthSpentUsd: number;
}

export interface SummaryOptions {
  now: number;
  /** Window of local days ending today; default 30. */
  days?: number;
}

const FAILED: ReadonlySet<string> = new Set(['error', 'timeout', 'broken-after-tokens', 'skipped-breaker-open']);

interface ModelAcc extends Omit<ModelStats, 'p50FirstTokenMs' | 'p95FirstTokenMs' | 'p50TotalMs' | 'p95TotalMs'> {
  firstTokenMs: number[];
  totalMs: number[];
}

/** Aggregates the records that fall in the window (the last `days` local days, today included). */
export function summarizeUsage(records: readonly UsageRecord[], opts: SummaryOptions): UsageSummary {
  const { days, starts } = dayWindow(opts.now, opts.days ?? 30);
  const models = new Map<string, ModelAcc>();
  const perDay = new Map<string, DayModelStats>();
  const model = (id: string): ModelAcc => {
    let m = models.get(id);
    if (!m) {
      m = { model: id, requests: 0, answeredAsFallback: 0, failures: 0, promptTokens: 0, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0, estimated: 0, costUsd: 0, firstTokenMs: [], totalMs: [] };
      models.set(id, m);
    }
    return m;
  };
  const dayModel = (day: string, id: string): DayModelStats => {
    const key = `${day}\u0000${id}`;
    let d = perDay.get(key);
    if (!d) {
      d = { day, model: id, costUsd: 0, tokens: 0, requests: 0 };
      perDay.set(key, d);
    }
    return d;
  };

  let totalCostUsd = 0;
  let totalRequests = 0;
  let totalTokens = 0;
  for (const r of records) {
    const day = dayOf(r.at, days, starts);
    if (day === undefined) continue;
    if (!r.error) {
      const m = model(r.answeredBy);
      const tokens = r.usage.promptTokens + r.usage.completionTokens;
      m.requests++;
      if (r.fallback) m.answeredAsFallback++;
      m.promptTokens += r.usage.promptTokens;
      m.completionTokens += r.usage.completionTokens;
      m.cachedTokens += r.usage.cachedTokens;
      m.reasoningTokens += r.usage.reasoningTokens;
      if (r.usage.estimated) m.estimated++;
      m.costUsd += r.costUsd;
      m.firstTokenMs.push(r.msToFirstToken);
      m.totalMs.push(r.msTotal);
      const d = dayModel(day, r.answeredBy);
      d.requests++;
      d.tokens += tokens;
      d.costUsd += r.costUsd;
      totalRequests++;
      totalTokens += tokens;
      totalCostUsd += r.costUsd;
    }
    for (const a of r.otherAttempts) {
      const m = model(a.model);
      if (FAILED.has(a.outcome)) m.failures++;
      const cost = a.costUsd ?? 0;
      const tokens = a.usage ? a.usage.promptTokens + a.usage.completionTokens : 0;
      if (a.usage) {
        m.promptTokens += a.usage.promptTokens;
        m.completionTokens += a.usage.completionTokens;
        m.cachedTokens += a.usage.cachedTokens;
        m.reasoningTokens += a.usage.reasoningTokens;
      }
      if (cost > 0 || tokens > 0) {
        m.costUsd += cost;
        const d = dayModel(day, a.model);
        d.costUsd += cost;
        d.tokens += tokens;
        totalCostUsd += cost;
        totalTokens += tokens;
      }
    }
  }

  const perModel: ModelStats[] = [...models.values()]
    .map(({ firstTokenMs, totalMs, ...m }) => ({
      ...m,
      p50FirstTokenMs: percentile(firstTokenMs, 50),
      p95FirstTokenMs: percentile(firstTokenMs, 95),
      p50TotalMs: percentile(totalMs, 50),
      p95TotalMs: percentile(totalMs, 95),
    }))
    .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || a.model.localeCompare(b.model));

  return {
    days,
    perDay: [...perDay.values()].sort((a, b) => a.day.localeCompare(b.day) || a.model.localeCompare(b.model)),
    perModel,
    totalCostUsd,
    totalRequests,
    totalTokens,
    ...spendTotals(records, opts.now),
  };
}

/** The last `count` local days ending with the day of `now`, oldest first, with each day's local midnight and one
 * more boundary at the end. Steps by calendar day, so days of 23 or 25 hours (DST) are handled. */
function dayWindow(now: number, count: number): { days: string[]; starts: number[] } {
  const d = new Date(now);
  const days: string[] = [];
  const starts: number[] = [];
  for (let i = count - 1; i >= -1; i--) {
    const start = new Date(d.getFullYear(), d.getMonth(), d.getDate() - i).getTime();
    starts.push(start);
    if (i >= 0) days.push(localDay(start));
  }
  return { days, starts };
}

/** The window day containing `at`, by binary search over the day boundaries; undefined outside the window. */
function dayOf(at: number, days: readonly string[], starts: readonly number[]): string | undefined {
  if (at < starts[0] || at >= starts[starts.length - 1]) return undefined;
  let lo = 0;
  let hi = days.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return days[lo];
}

const CSV_COLUMNS = [
  'time', 'request_id', 'requested', 'answered_by', 'endpoint', 'tier', 'attempts', 'fallback', 'other_attempts',
  'prompt_tokens', 'completion_tokens', 'cached_tokens', 'reasoning_tokens', 'tokens_estimated',
  'cost_usd', 'request_cost_usd', 'ms_to_first_token', 'ms_total', 'error',
] as const;

/** RFC 4180 CSV (CRLF line ends, fields with `"` `,` CR or LF quoted, quotes doubled), one row per record. */
export function toCsv(records: readonly UsageRecord[]): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const r of records) {
    const other = r.otherAttempts.map((a) => `${a.model} ${a.status ?? a.outcome}`).join('; ');
    const cells: (string | number | boolean)[] = [
      new Date(r.at).toISOString(), r.requestId, r.requested, r.answeredBy, r.endpoint, r.tier ?? '', r.attempts,
      r.fallback, other, r.usage.promptTokens, r.usage.completionTokens, r.usage.cachedTokens, r.usage.reasoningTokens,
      r.usage.estimated, r.costUsd, requestCostUsd(r), r.msToFirstToken, r.msTotal, r.error ?? '',
    ];
    rows.push(cells.map(csvField).join(','));
  }
  return rows.join('\r\n') + '\r\n';
}

function csvField(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  // A text cell starting with = + - @ would run as a formula in a spreadsheet; a leading ' keeps it text.
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
