// The usage rollup: per-day (recent) and per-month (older) totals kept beside the JSONL ledger, so opening the ledger
// reads a few kilobytes instead of a year of lines. It is derived data: it names the ledger bytes it covers (size,
// line count and a hash of the last covered line), is ignored when the ledger no longer matches, and can be deleted
// at any time — the ledger is re-read and the rollup rebuilt.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { emptyModelTotals, LatencyHistogram, localDay, mergeModelTotals, type ModelTotals, type UsageTotals } from './stats';

/** Which bytes of the ledger the totals include. */
export interface Coverage {
  /** Bytes of the ledger folded in (always just after a newline). */
  size: number;
  /** Lines folded in, so later warnings can name line numbers. */
  lines: number;
  /** sha256 of the last folded line (without its newline); '' when size is 0. */
  lastLineHash: string;
}

export interface Rollup {
  coverage: Coverage;
  /** `YYYY-MM-DD` → model → totals, for the current and the previous month. */
  days: UsageTotals;
  /** `YYYY-MM` → model → totals (histograms dropped), for older months. */
  months: UsageTotals;
}

export function rollupFileFor(ledgerFile: string): string {
  return ledgerFile.replace(/\.jsonl$/, '') + '.rollup.json';
}

export function hashLine(line: string): string {
  return createHash('sha256').update(line).digest('base64');
}

/** The first day kept per day: the 1st of the month 31 days ago (so a window of up to 31 days always fits). */
export function firstDetailedDay(now: number): string {
  const d = new Date(now);
  const back = new Date(d.getFullYear(), d.getMonth(), d.getDate() - 31);
  return localDay(new Date(back.getFullYear(), back.getMonth(), 1).getTime());
}

/** Moves days before `firstDetailedDay(now)` into their month. */
export function rollUpOldDays(rollup: Pick<Rollup, 'days' | 'months'>, now: number): void {
  const first = firstDetailedDay(now);
  for (const [day, models] of rollup.days) {
    if (day >= first) continue;
    const month = day.slice(0, 7);
    let m = rollup.months.get(month);
    if (!m) rollup.months.set(month, (m = new Map()));
    for (const [model, t] of models) {
      let into = m.get(model);
      if (!into) m.set(model, (into = emptyModelTotals()));
      mergeModelTotals(into, { ...t, firstTokenMs: new LatencyHistogram(), totalMs: new LatencyHistogram() });
    }
    rollup.days.delete(day);
  }
}

/**
 * The rollup stored for `ledgerFile`, if it still describes that ledger: the ledger is at least as long as what it
 * covers and its last covered line is the same. Anything else (missing, damaged, another version, a rewritten
 * ledger) is undefined, and the caller re-reads the ledger.
 */
export function readRollup(ledgerFile: string, ledgerSize: number): Rollup | undefined {
  let rollup: Rollup | undefined;
  try {
    rollup = fromJson(JSON.parse(readFileSync(rollupFileFor(ledgerFile), 'utf8')) as unknown);
  } catch {
    return undefined;
  }
  if (!rollup || rollup.coverage.size > ledgerSize) return undefined;
  return rollup.coverage.size === 0 || lastLineHashAt(ledgerFile, rollup.coverage.size) === rollup.coverage.lastLineHash ? rollup : undefined;
}

/** Writes the rollup atomically (temp file + rename), readable by the user only. Failures are the caller's to ignore. */
export function writeRollup(ledgerFile: string, rollup: Rollup): void {
  const target = rollupFileFor(ledgerFile);
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(toJson(rollup)), { mode: 0o600 });
  renameSync(temp, target);
}

/** Hash of the line that ends just before byte `end` of the file (lines are short; reads back at most 64 KB). */
function lastLineHashAt(file: string, end: number): string | undefined {
  const length = Math.min(end, 65_536);
  const buf = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, buf, 0, length, end - length) !== length) return undefined;
  } finally {
    closeSync(fd);
  }
  if (buf[length - 1] !== 0x0a) return undefined;
  const start = buf.lastIndexOf(0x0a, length - 2) + 1;
  return hashLine(buf.subarray(start, length - 1).toString('utf8'));
}

// On disk: totals as arrays of numbers and histograms as flat [bucket, count, …] lists, to stay compact.
const FIELDS = [
  'requests',
  'answeredAsFallback',
  'failures',
  'promptTokens',
  'completionTokens',
  'cachedTokens',
  'reasoningTokens',
  'estimated',
  'costUsd',
  'billedUsd',
  'estimatedUsd',
] as const;
// 2: billed and estimated cost kept apart; an older rollup is rebuilt from the JSONL.
// 3: totals written by a ledger that counted each of its own answers twice (issue 24) are not trusted; opening
// rebuilds them once from the JSONL, which is the truth.
const VERSION = 3;

type StoredTotals = [number[], number[], number[]];
type StoredPeriods = Record<string, Record<string, StoredTotals>>;

function toJson(r: Rollup): { v: number; coverage: Coverage; days: StoredPeriods; months: StoredPeriods } {
  const periods = (totals: UsageTotals): StoredPeriods => {
    // Null-prototype objects: a model named "__proto__" by an upstream is a key like any other.
    const out: StoredPeriods = Object.create(null) as StoredPeriods;
    for (const [period, models] of totals) {
      const p: Record<string, StoredTotals> = (out[period] = Object.create(null) as Record<string, StoredTotals>);
      for (const [model, t] of models) p[model] = [FIELDS.map((f) => t[f]), t.firstTokenMs.toJSON(), t.totalMs.toJSON()];
    }
    return out;
  };
  return { v: VERSION, coverage: r.coverage, days: periods(r.days), months: periods(r.months) };
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
const isObject = (o: unknown): o is Record<string, unknown> => typeof o === 'object' && o !== null && !Array.isArray(o);

/** Parses the stored form; undefined when anything is off (the rollup is then rebuilt, never trusted half-way). */
function fromJson(raw: unknown): Rollup | undefined {
  if (!isObject(raw) || raw.v !== VERSION || !isObject(raw.coverage)) return undefined;
  const { size, lines, lastLineHash } = raw.coverage;
  if (!isCount(size) || !isCount(lines) || typeof lastLineHash !== 'string') return undefined;
  const days = periodsFrom(raw.days);
  const months = periodsFrom(raw.months);
  return days && months ? { coverage: { size, lines, lastLineHash }, days, months } : undefined;
}

function periodsFrom(raw: unknown): UsageTotals | undefined {
  if (!isObject(raw)) return undefined;
  const totals: UsageTotals = new Map();
  for (const [period, models] of Object.entries(raw)) {
    if (!isObject(models)) return undefined;
    const p = new Map<string, ModelTotals>();
    for (const [model, stored] of Object.entries(models)) {
      const t = totalsFrom(stored);
      if (!t) return undefined;
      p.set(model, t);
    }
    totals.set(period, p);
  }
  return totals;
}

function totalsFrom(stored: unknown): ModelTotals | undefined {
  if (!Array.isArray(stored) || stored.length !== 3) return undefined;
  const [values, first, total] = stored as unknown[];
  if (!Array.isArray(values) || values.length !== FIELDS.length || !values.every(isCount)) return undefined;
  if (!Array.isArray(first) || !Array.isArray(total)) return undefined;
  const t = emptyModelTotals();
  FIELDS.forEach((f, i) => (t[f] = values[i] as number));
  // Checked pair by pair when a summary first needs them.
  t.firstTokenMs = new LatencyHistogram(first as number[]);
  t.totalMs = new LatencyHistogram(total as number[]);
  return t;
}
