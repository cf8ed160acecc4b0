// Pure aggregation of ledger records for the usage view, the status bar and the CLI. Days and months are local time.
import { clientLabel, isClientId, type ClientId } from '../base/clients';
import { requestCostUsd, type UsageRecord } from './record';

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

/** What one model did on one local day (or, rolled up, in one month). Latencies are kept as histograms. */
export interface ModelTotals {
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
  /** The part of costUsd the upstream billed, and the part counted from estimated tokens (the rest is priced). */
  billedUsd: number;
  estimatedUsd: number;
  firstTokenMs: LatencyHistogram;
  totalMs: LatencyHistogram;
}

/**
 * Latencies rounded by `latencyBucket` → count. One read from the rollup stays in its stored flat form
 * (`[bucket, count, …]`) until a summary needs it, so start-up and budget checks never build it.
 */
export class LatencyHistogram {
  private counts: Map<number, number> | undefined;

  constructor(private stored: readonly number[] = []) {}

  add(ms: number, n = 1): void {
    const counts = this.map();
    const b = latencyBucket(ms);
    counts.set(b, (counts.get(b) ?? 0) + n);
  }

  merge(other: LatencyHistogram): void {
    const counts = this.map();
    other.forEach((b, n) => counts.set(b, (counts.get(b) ?? 0) + n));
  }

  /** Nearest-rank percentile; 0 when empty. */
  percentile(p: number): number {
    const counts = this.map();
    let total = 0;
    for (const c of counts.values()) total += c;
    if (total === 0) return 0;
    const rank = Math.min(total, Math.max(1, Math.ceil((p / 100) * total)));
    let seen = 0;
    for (const b of [...counts.keys()].sort((x, y) => x - y)) {
      seen += counts.get(b)!;
      if (seen >= rank) return b;
    }
    return 0;
  }

  /** The flat stored form. */
  toJSON(): number[] {
    return this.counts ? [...this.counts].flat() : [...this.stored];
  }

  /** Each bucket and its count, without building the map of a histogram still in its stored form. */
  private forEach(fn: (bucket: number, count: number) => void): void {
    if (this.counts) for (const [b, n] of this.counts) fn(b, n);
    else for (let i = 0; i + 1 < this.stored.length; i += 2) if (isPair(this.stored[i], this.stored[i + 1])) fn(this.stored[i], this.stored[i + 1]);
  }

  private map(): Map<number, number> {
    if (!this.counts) {
      const counts = new Map<number, number>();
      this.forEach((b, n) => counts.set(b, (counts.get(b) ?? 0) + n));
      this.counts = counts;
      this.stored = [];
    }
    return this.counts;
  }
}

/** A stored bucket and count are usable (a hand-edited or damaged rollup may hold anything). */
function isPair(bucket: number, count: number): boolean {
  return Number.isFinite(bucket) && Number.isFinite(count) && bucket >= 0 && count > 0;
}

/**
 * Period (`YYYY-MM-DD` day or `YYYY-MM` month) → model and client (`totalsKey`) → totals. Keys of records from before
 * clients were named are the bare model, read as client `unknown`.
 */
export type UsageTotals = Map<string, Map<string, ModelTotals>>;

/** Separates the model from the client in a totals key; no client name contains it. */
const CLIENT_SEPARATOR = '\u0000';

export function totalsKey(model: string, client: string | undefined): string {
  return isClientId(client) && client !== 'unknown' ? `${model}${CLIENT_SEPARATOR}${client}` : model;
}

export function splitTotalsKey(key: string): { model: string; client: ClientId } {
  const at = key.lastIndexOf(CLIENT_SEPARATOR);
  if (at < 0) return { model: key, client: 'unknown' };
  const client = key.slice(at + 1);
  return { model: key.slice(0, at), client: isClientId(client) ? client : 'unknown' };
}

export function emptyModelTotals(): ModelTotals {
  return {
    requests: 0,
    answeredAsFallback: 0,
    failures: 0,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    reasoningTokens: 0,
    estimated: 0,
    costUsd: 0,
    billedUsd: 0,
    estimatedUsd: 0,
    firstTokenMs: new LatencyHistogram(),
    totalMs: new LatencyHistogram(),
  };
}

/**
 * A latency rounded to two significant digits (whole ms below 100 ms): exact for round figures, within 5 % otherwise,
 * and at most a few hundred distinct values, so a day's histogram stays small however many requests it had.
 */
export function latencyBucket(ms: number): number {
  if (!(ms > 0)) return 0;
  if (ms < 100) return Math.round(ms);
  const step = 10 ** (Math.floor(Math.log10(ms)) - 1);
  return Math.round(ms / step) * step;
}

function modelIn(period: Map<string, ModelTotals>, model: string): ModelTotals {
  let m = period.get(model);
  if (!m) period.set(model, (m = emptyModelTotals()));
  return m;
}

/** Adds one ledger record to the totals of `period` (its local day, or its month once days are rolled up). */
export function addRecord(totals: UsageTotals, r: UsageRecord, period: string = localDay(r.at)): void {
  let p = totals.get(period);
  if (!p) totals.set(period, (p = new Map()));
  if (!r.error) {
    // Grouped by the model that served: what the user paid for.
    const m = modelIn(p, totalsKey(r.served ?? r.answeredBy, r.client));
    m.requests++;
    if (r.fallback) m.answeredAsFallback++;
    m.promptTokens += r.usage.promptTokens;
    m.completionTokens += r.usage.completionTokens;
    m.cachedTokens += r.usage.cachedTokens;
    m.reasoningTokens += r.usage.reasoningTokens;
    if (r.usage.estimated) m.estimated++;
    m.costUsd += r.costUsd;
    const source = r.costSource ?? (r.usage.estimated ? 'estimated' : 'priced');
    if (source === 'billed') m.billedUsd += r.costUsd;
    else if (source === 'estimated') m.estimatedUsd += r.costUsd;
    m.firstTokenMs.add(r.msToFirstToken);
    m.totalMs.add(r.msTotal);
  }
  for (const a of r.otherAttempts) {
    const m = modelIn(p, totalsKey(a.model, r.client));
    if (FAILED.has(a.outcome)) m.failures++;
    if (a.usage) {
      m.promptTokens += a.usage.promptTokens;
      m.completionTokens += a.usage.completionTokens;
      m.cachedTokens += a.usage.cachedTokens;
      m.reasoningTokens += a.usage.reasoningTokens;
    }
    m.costUsd += a.costUsd ?? 0;
    m.estimatedUsd += a.costUsd ?? 0; // attempts that did not answer are always counted locally
  }
}

/** Adds `from` into `into` (histograms merged). */
export function mergeModelTotals(into: ModelTotals, from: ModelTotals): void {
  into.requests += from.requests;
  into.answeredAsFallback += from.answeredAsFallback;
  into.failures += from.failures;
  into.promptTokens += from.promptTokens;
  into.completionTokens += from.completionTokens;
  into.cachedTokens += from.cachedTokens;
  into.reasoningTokens += from.reasoningTokens;
  into.estimated += from.estimated;
  into.costUsd += from.costUsd;
  into.billedUsd += from.billedUsd;
  into.estimatedUsd += from.estimatedUsd;
  into.firstTokenMs.merge(from.firstTokenMs);
  into.totalMs.merge(from.totalMs);
}

export function totalsOf(records: readonly UsageRecord[]): UsageTotals {
  const totals: UsageTotals = new Map();
  for (const r of records) addRecord(totals, r);
  return totals;
}

export function spendTotals(records: readonly UsageRecord[], now: number): SpendTotals {
  return spendOf(totalsOf(records), now);
}

/** Today's and this month's spend from per-day totals. */
export function spendOf(totals: UsageTotals, now: number): SpendTotals {
  const today = localDay(now);
  const month = today.slice(0, 7);
  let todaySpentUsd = 0;
  let monthSpentUsd = 0;
  for (const [period, models] of totals) {
    if (period.length !== 10 || !period.startsWith(month)) continue;
    let cost = 0;
    for (const m of models.values()) cost += m.costUsd;
    monthSpentUsd += cost;
    if (period === today) todaySpentUsd += cost;
  }
  return { todaySpentUsd, monthSpentUsd };
}

/** One model's totals over a summary's window, latencies as percentiles (to two significant digits, see `latencyBucket`). */
export type ModelStats = { model: string } & Omit<ModelTotals, 'firstTokenMs' | 'totalMs'> & {
    p50FirstTokenMs: number;
    p95FirstTokenMs: number;
    p50TotalMs: number;
    p95TotalMs: number;
  };

export interface DayModelStats {
  day: string;
  model: string;
  costUsd: number;
  tokens: number;
  requests: number;
}

/** What one client (Codex, Claude Code, the chat view, …) spent over a summary's window. */
export interface ClientStats {
  client: ClientId;
  /** As the user reads it ("Claude Code", "vscode.lm"). */
  label: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

export interface UsageSummary {
  /** Every local day in the window, oldest first, so charts show gaps as zero. */
  days: string[];
  perDay: DayModelStats[];
  /** Sorted by cost, then requests, descending. */
  perModel: ModelStats[];
  /** Sorted by cost, then requests, descending. */
  byClient: ClientStats[];
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

/** Aggregates the records that fall in the window (the last `days` local days, today included). */
export function summarizeUsage(records: readonly UsageRecord[], opts: SummaryOptions): UsageSummary {
  return summarizeTotals(totalsOf(records), opts);
}

/** The same from per-day totals: work in proportion to the window, not to the history. */
export function summarizeTotals(totals: UsageTotals, opts: SummaryOptions): UsageSummary {
  const days = dayWindow(opts.now, opts.days ?? 30);
  const models = new Map<string, ModelTotals>();
  const perDay: DayModelStats[] = [];
  let totalCostUsd = 0;
  let totalRequests = 0;
  let totalTokens = 0;
  const clients = new Map<ClientId, ClientStats>();
  for (const day of days) {
    const dayModels = new Map<string, DayModelStats>();
    for (const [key, t] of totals.get(day) ?? []) {
      const { model, client } = splitTotalsKey(key);
      let m = models.get(model);
      if (!m) models.set(model, (m = emptyModelTotals()));
      mergeModelTotals(m, t);
      const tokens = t.promptTokens + t.completionTokens;
      if (t.requests > 0 || t.costUsd > 0 || tokens > 0) {
        const d = dayModels.get(model);
        if (d) {
          d.costUsd += t.costUsd;
          d.tokens += tokens;
          d.requests += t.requests;
        } else dayModels.set(model, { day, model, costUsd: t.costUsd, tokens, requests: t.requests });
        let c = clients.get(client);
        if (!c) clients.set(client, (c = { client, label: clientLabel(client), requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 }));
        c.requests += t.requests;
        c.promptTokens += t.promptTokens;
        c.completionTokens += t.completionTokens;
        c.costUsd += t.costUsd;
      }
      totalCostUsd += t.costUsd;
      totalRequests += t.requests;
      totalTokens += tokens;
    }
    perDay.push(...dayModels.values());
  }
  const perModel: ModelStats[] = [...models]
    .map(([model, { firstTokenMs, totalMs, ...m }]) => ({
      model,
      ...m,
      p50FirstTokenMs: firstTokenMs.percentile(50),
      p95FirstTokenMs: firstTokenMs.percentile(95),
      p50TotalMs: totalMs.percentile(50),
      p95TotalMs: totalMs.percentile(95),
    }))
    .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || byCodeUnits(a.model, b.model));

  return {
    days,
    perDay: perDay.sort((a, b) => byCodeUnits(a.day, b.day) || byCodeUnits(a.model, b.model)),
    perModel,
    byClient: [...clients.values()].sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || byCodeUnits(a.client, b.client)),
    totalCostUsd,
    totalRequests,
    totalTokens,
    ...spendOf(totals, opts.now),
  };
}

/** Plain string order: `localeCompare` would load ICU's collator, ~50 ms in a fresh CLI process. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The last `count` local days ending with the day of `now`, oldest first. Steps by calendar day, so days of 23 or
 * 25 hours (DST) are handled. */
function dayWindow(now: number, count: number): string[] {
  const d = new Date(now);
  const days: string[] = [];
  for (let i = count - 1; i >= 0; i--) days.push(localDay(new Date(d.getFullYear(), d.getMonth(), d.getDate() - i).getTime()));
  return days;
}

const CSV_COLUMNS = [
  'time',
  'request_id',
  'requested',
  'answered_by',
  'served',
  'cost_source',
  'endpoint',
  'tier',
  'attempts',
  'fallback',
  'other_attempts',
  'prompt_tokens',
  'completion_tokens',
  'cached_tokens',
  'reasoning_tokens',
  'tokens_estimated',
  'cost_usd',
  'request_cost_usd',
  'ms_to_first_token',
  'ms_total',
  'error',
  'client',
] as const;

/** RFC 4180 CSV (CRLF line ends, fields with `"` `,` CR or LF quoted, quotes doubled), one row per record. */
export function toCsv(records: readonly UsageRecord[]): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const r of records) {
    const other = r.otherAttempts.map((a) => `${a.model} ${a.status ?? a.outcome}`).join('; ');
    const cells: (string | number | boolean)[] = [
      new Date(r.at).toISOString(),
      r.requestId,
      r.requested,
      r.answeredBy,
      r.served ?? r.answeredBy,
      r.costSource ?? (r.usage.estimated ? 'estimated' : 'priced'),
      r.endpoint,
      r.tier ?? '',
      r.attempts,
      r.fallback,
      other,
      r.usage.promptTokens,
      r.usage.completionTokens,
      r.usage.cachedTokens,
      r.usage.reasoningTokens,
      r.usage.estimated,
      r.costUsd,
      requestCostUsd(r),
      r.msToFirstToken,
      r.msTotal,
      r.error ?? '',
      isClientId(r.client) ? r.client : 'unknown',
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
