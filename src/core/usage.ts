// The usage ledger: one JSON line per answered (or failed-but-billed) request, built from the router's events.
// Each append is one synchronous write of one complete line, so a crash can at worst tear the last line; on open a
// torn last line is dropped (with a warning) and every earlier line is kept.
import { closeSync, openSync, writeSync } from 'node:fs';
import { appendFile, mkdir, readFile, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod/mini';
import { Emitter, DisposableStore, type Event, type IDisposable } from './lifecycle';
import type { AttemptEvent, AttemptOutcome, RoutingEvent, Usage } from './types';

const OUTCOMES = ['ok', 'error', 'timeout', 'skipped-breaker-open', 'cancelled', 'hedge-lost', 'broken-after-tokens'] as const satisfies readonly AttemptOutcome[];
const TIERS = ['fast', 'balanced', 'strong', 'reasoning'] as const;

/** The ledger line's schema, built on first read (not at extension load). */
function buildSchemas() {
  const count = z.int().check(z.minimum(0));
  const nonNegative = z.number().check(z.minimum(0));
  const usageSchema = z.object({
    promptTokens: count,
    completionTokens: count,
    cachedTokens: count,
    reasoningTokens: count,
    estimated: z.boolean(),
  });

  /** An attempt of the request that did not produce the answer (failed, skipped, cancelled or lost a hedge race). */
  const otherAttemptSchema = z.object({
    model: z.string(),
    endpoint: z.string(),
    outcome: z.enum(OUTCOMES),
    status: z.optional(z.int()),
    errorCode: z.optional(z.string()),
    msTotal: nonNegative,
    usage: z.optional(usageSchema),
    /** What this attempt cost on its own (a hedge that lost, a stream broken after tokens); not in `costUsd`. */
    costUsd: z.optional(nonNegative),
  });

  const usageRecordSchema = z.object({
    v: z.literal(1),
    /** Epoch ms when the request finished. */
    at: z.number(),
    requestId: z.string(),
    /** What the caller asked for (`smart-select`, an alias, a model id). */
    requested: z.string(),
    /** The model that answered; for a failed request, the last model tried. */
    answeredBy: z.string(),
    endpoint: z.string(),
    attempts: count,
    /** True when the answer came from a model other than the first candidate. */
    fallback: z.boolean(),
    otherAttempts: z.array(otherAttemptSchema),
    /** Tokens of the answering attempt. Cached tokens are inside promptTokens, reasoning inside completionTokens. */
    usage: usageSchema,
    /** Cost of the answering attempt in USD. The request's full cost is `requestCostUsd(record)`. */
    costUsd: nonNegative,
    msToFirstToken: nonNegative,
    msTotal: nonNegative,
    tier: z.optional(z.enum(TIERS)),
    /** Set when no candidate answered (the record exists because some attempt was billed). */
    error: z.optional(z.string()),
  });
  return { usageRecordSchema, otherAttemptSchema };
}

let schemas: ReturnType<typeof buildSchemas> | undefined;
export const usageRecordSchema = () => (schemas ??= buildSchemas()).usageRecordSchema;

export type UsageRecord = z.infer<ReturnType<typeof buildSchemas>['usageRecordSchema']>;
export type OtherAttempt = z.infer<ReturnType<typeof buildSchemas>['otherAttemptSchema']>;

/** Everything the request cost: the answer plus attempts that were billed without answering. */
export function requestCostUsd(r: UsageRecord): number {
  let total = r.costUsd;
  for (const a of r.otherAttempts) total += a.costUsd ?? 0;
  return total;
}

export interface UsageFilter {
  /** Inclusive, epoch ms. */
  since?: number;
  /** Exclusive, epoch ms. */
  until?: number;
  /** Records where this model answered or was tried. */
  model?: string;
}

export interface LedgerOptions {
  now?: () => number;
  onWarning?: (message: string) => void;
}

/** Requests whose attempts are kept while waiting for their done/error event; beyond this the oldest are dropped. */
const MAX_PENDING_REQUESTS = 1000;

const ZERO_USAGE: Usage = { promptTokens: 0, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0, estimated: false };

export class UsageLedger implements IDisposable {
  private readonly changed = new Emitter<UsageRecord>();
  /** Fires with each new record. */
  readonly onDidChange: Event<UsageRecord> = this.changed.event;
  private readonly pending = new Map<string, AttemptEvent[]>();
  private readonly subscriptions = new DisposableStore();

  private constructor(
    readonly file: string,
    private readonly all: UsageRecord[],
    private readonly opts: LedgerOptions,
  ) {}

  /** Reads `file` (creating its directory), skipping damaged lines with a warning that names the line. */
  static async open(file: string, opts: LedgerOptions = {}): Promise<UsageLedger> {
    const warn = opts.onWarning ?? (() => {});
    try {
      await mkdir(dirname(file), { recursive: true });
      return new UsageLedger(file, await readLedger(file, warn), opts);
    } catch (err) {
      // An unreadable ledger must not stop anyone from asking: count from zero, and each append will say if it fails.
      warn(`Could not read the usage ledger ${file}: ${err instanceof Error ? err.message : String(err)}. Usage and budgets count from now on.`);
      return new UsageLedger(file, [], opts);
    }
  }

  /** Records every answer (and billed failures) the router reports. */
  attach(onEvent: Event<RoutingEvent>): IDisposable {
    return this.subscriptions.add(onEvent((e) => this.onEvent(e)));
  }

  /** Adds a record; it is visible in `records()` at once and on disk once `flush()` resolves. Never rejects. */
  record(r: UsageRecord): Promise<void> {
    this.all.push(r);
    this.append(JSON.stringify(r) + '\n');
    this.changed.fire(r);
    return Promise.resolve();
  }

  /** Resolves when every record so far is on disk (appends are synchronous, so at once). */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  records(filter: UsageFilter = {}): readonly UsageRecord[] {
    const { since, until, model } = filter;
    if (since === undefined && until === undefined && model === undefined) return this.all.slice();
    return this.all.filter(
      (r) =>
        (since === undefined || r.at >= since) &&
        (until === undefined || r.at < until) &&
        (model === undefined || r.answeredBy === model || r.otherAttempts.some((a) => a.model === model)),
    );
  }

  dispose(): void {
    this.subscriptions.dispose();
    this.changed.dispose();
    this.pending.clear();
    this.closeFile();
  }

  /**
   * One descriptor in append mode for the ledger's life, and one synchronous write per record (as pino does for
   * logs): a complete line reaches the file before the answer is reported done, appends can never interleave, and a
   * ~300-byte local write costs less than the promise machinery of an asynchronous one.
   */
  private fd: number | undefined;

  private append(line: string): void {
    try {
      this.fd ??= openSync(this.file, 'a');
      writeSync(this.fd, line);
    } catch (err) {
      this.closeFile();
      this.warn(`Could not write the usage ledger ${this.file}: ${err instanceof Error ? err.message : String(err)}. This request's usage is kept only until VS Code restarts.`);
    }
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
    this.fd = undefined;
  }


  private onEvent(e: RoutingEvent): void {
    switch (e.type) {
      case 'attempt': {
        let list = this.pending.get(e.requestId);
        if (!list) {
          if (this.pending.size >= MAX_PENDING_REQUESTS) this.pending.delete(this.pending.keys().next().value as string);
          list = [];
          this.pending.set(e.requestId, list);
        }
        list.push(e);
        return;
      }
      case 'done': {
        const attempts = this.takePending(e.requestId);
        // The answering attempt is the last `ok` one for the answering model; everything else is an "other" attempt.
        const winner = findLastIndex(attempts, (a) => a.outcome === 'ok' && a.model === e.answeredBy);
        void this.record({
          v: 1,
          at: e.at,
          requestId: e.requestId,
          requested: e.requested,
          answeredBy: e.answeredBy,
          endpoint: e.endpoint,
          attempts: e.attempts,
          fallback: e.fallback,
          otherAttempts: attempts.filter((_, i) => i !== winner).map(toOtherAttempt),
          usage: e.usage,
          costUsd: e.costUsd,
          msToFirstToken: e.msToFirstToken,
          msTotal: e.msTotal,
          ...(e.selection ? { tier: e.selection.tier } : {}),
        });
        return;
      }
      case 'error': {
        const attempts = this.takePending(e.requestId);
        // A request that failed still costs money when an attempt was billed (e.g. broken after tokens).
        if (!attempts.some((a) => (a.costUsd ?? 0) > 0)) return;
        const last = attempts[attempts.length - 1];
        void this.record({
          v: 1,
          at: (this.opts.now ?? Date.now)(),
          requestId: e.requestId,
          requested: e.requested,
          answeredBy: last.model,
          endpoint: last.endpoint,
          attempts: attempts.length,
          fallback: attempts.length > 1,
          otherAttempts: attempts.map(toOtherAttempt),
          usage: ZERO_USAGE,
          costUsd: 0,
          msToFirstToken: 0,
          msTotal: attempts.reduce((t, a) => Math.max(t, a.msTotal), 0),
          error: e.code,
        });
        return;
      }
      default:
        return;
    }
  }

  private takePending(requestId: string): AttemptEvent[] {
    const list = this.pending.get(requestId) ?? [];
    this.pending.delete(requestId);
    return list;
  }

  private warn(message: string): void {
    this.opts.onWarning?.(message);
  }
}

function toOtherAttempt(a: AttemptEvent): OtherAttempt {
  return {
    model: a.model,
    endpoint: a.endpoint,
    outcome: a.outcome,
    ...(a.status !== undefined ? { status: a.status } : {}),
    ...(a.errorCode !== undefined ? { errorCode: a.errorCode } : {}),
    msTotal: a.msTotal,
    ...(a.usage ? { usage: a.usage } : {}),
    ...(a.costUsd ? { costUsd: a.costUsd } : {}),
  };
}

function findLastIndex<T>(items: readonly T[], pred: (t: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (pred(items[i])) return i;
  return -1;
}

async function readLedger(file: string, warn: (message: string) => void): Promise<UsageRecord[]> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const records: UsageRecord[] = [];
  // Bytes after the last newline are a line whose write did not finish (or a hand edit without a final newline).
  const completeEnd = buf.lastIndexOf(0x0a) + 1;
  const lines = buf.subarray(0, completeEnd).toString('utf8').split('\n');
  lines.pop(); // the empty string after the final newline
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const r = parseLine(line);
    if (r) records.push(r);
    else warn(`Skipped line ${i + 1} of the usage ledger ${file}: it is not a valid usage record. The other lines were read.`);
  });
  if (completeEnd < buf.length) {
    const tail = parseLine(buf.subarray(completeEnd).toString('utf8'));
    const lineNo = lines.length + 1;
    if (tail) {
      records.push(tail);
      // Keep it, and end it so the next append starts on its own line.
      await appendFile(file, '\n', 'utf8');
    } else {
      // A torn write: drop it so the next append does not glue onto it.
      await truncate(file, completeEnd);
      warn(`Skipped the incomplete last line (line ${lineNo}) of the usage ledger ${file}, probably from a crash while writing; ${records.length} earlier record(s) were kept.`);
    }
  }
  return records;
}

function parseLine(line: string): UsageRecord | undefined {
  try {
    const parsed = usageRecordSchema().safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
