// The usage ledger: one JSON line per answered (or failed-but-billed) request, built from the router's events
// (records.ts; the line's schema is record.ts).
// The JSONL file is the source of truth, append-only, shared by every Switchboard process on the machine (windows,
// CLI, `serve`). Each append is one synchronous O_APPEND write of one complete line, so lines never interleave and a
// crash can at worst tear the last line. In memory the ledger keeps only per-day totals (see rollup.ts) and the
// byte offset they cover; before a budget decision it reads whatever other processes appended since.
import { chmodSync, closeSync, fstatSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Emitter, DisposableStore, type Event, type IDisposable } from '../base/lifecycle';
import type { RoutingEvent } from '../base/types';
import { usageRecordSchema, type UsageRecord } from './record';
import { RecordsFromEvents } from './records';
import { firstDetailedDay, hashLine, readRollup, rollUpOldDays, writeRollup, type Rollup } from './rollup';
import { addRecord, localDay, spendOf, summarizeTotals, type SpendTotals, type SummaryOptions, type UsageSummary } from './stats';

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
  /** Bytes read at a time, and the longest line read as a record (default 4 MB); injectable for tests. */
  readChunkBytes?: number;
}

/** Records of this session kept for `records()`; older ones are only in the file (and the totals). */
const MAX_SESSION_RECORDS = 10_000;
/** The rollup is rewritten once this many ledger bytes are not yet in it (and on dispose). */
const SAVE_ROLLUP_AFTER_BYTES = 256 * 1024;
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

/** How far the in-memory totals have read the file: always just after a newline. */
interface ReadPosition {
  size: number;
  lines: number;
  lastLine: string;
}

export class UsageLedger implements IDisposable {
  private readonly changed = new Emitter<UsageRecord>();
  /** Fires with each new record, this process's or one another process appended. */
  readonly onDidChange: Event<UsageRecord> = this.changed.event;
  private readonly fromEvents = new RecordsFromEvents({ now: () => this.now(), onRecord: (r) => void this.record(r) });
  private readonly subscriptions = new DisposableStore();
  private readonly session: UsageRecord[] = [];
  /** Counted records whose listeners have not been told yet (see `announce`). */
  private readonly unannounced: UsageRecord[] = [];
  private announcing = false;
  /** Reading through a line too long to be a record: what follows up to its newline is skipped. */
  private inLongLine = false;
  /** Lines this process appended and already counted, until the file is read past them. */
  private readonly ownLines = new Set<string>();
  private totals: Pick<Rollup, 'days' | 'months'>;
  private position: ReadPosition;
  /** Ledger bytes the rollup on disk covers. */
  private savedSize: number;
  private unreadable = false;

  private constructor(
    readonly file: string,
    private readonly opts: LedgerOptions,
    rollup: Rollup | undefined,
    lastLine: string,
  ) {
    this.totals = { days: rollup?.days ?? new Map(), months: rollup?.months ?? new Map() };
    this.position = { size: rollup?.coverage.size ?? 0, lines: rollup?.coverage.lines ?? 0, lastLine };
    this.savedSize = this.position.size;
  }

  /**
   * Opens `file` (creating its directory, 0700): the rollup beside it if it still matches, then every line after
   * it. Damaged lines are skipped with a warning that names the line. A last line without its newline (a write cut
   * short, or one still in progress in another process) gets one appended, so no later line is glued onto it; no
   * byte of the file is ever removed.
   */
  static async open(file: string, opts: LedgerOptions = {}): Promise<UsageLedger> {
    const warn = opts.onWarning ?? (() => {});
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const size = endWithNewline(file);
      const rollup = readRollup(file, size);
      const ledger = new UsageLedger(file, opts, rollup, '');
      ledger.readNew(false);
      rollUpOldDays(ledger.totals, ledger.now());
      if (ledger.position.size - ledger.savedSize >= SAVE_ROLLUP_AFTER_BYTES || (!rollup && ledger.position.size > 0)) ledger.saveRollup();
      return ledger;
    } catch (err) {
      // An unreadable ledger must not stop anyone from asking: count from zero, and each append will say if it fails.
      warn(`Could not read the usage ledger ${file}: ${err instanceof Error ? err.message : String(err)}. Usage and budgets count from now on.`);
      const ledger = new UsageLedger(file, opts, undefined, '');
      ledger.unreadable = true;
      return ledger;
    }
  }

  /** Records every answer (and billed failures) the router reports. */
  attach(onEvent: Event<RoutingEvent>): IDisposable {
    return this.subscriptions.add(onEvent((e) => this.fromEvents.onEvent(e)));
  }

  /** Adds a record; it is counted at once and on disk once `flush()` resolves. Never rejects. */
  record(r: UsageRecord): Promise<void> {
    this.sync(); // others' appends first, so `records()` keeps the file's order
    const line = JSON.stringify(r);
    const appended = this.append(line + '\n');
    this.count(r);
    if (appended && !this.unreadable) {
      if (appended.endSize === this.position.size + appended.bytes) this.advance(appended.bytes, line);
      else {
        // Another process appended too: read up to and past our line, counting theirs and skipping ours.
        this.ownLines.add(line);
        this.sync();
      }
    }
    this.announce();
    return Promise.resolve();
  }

  /** Resolves when every record so far is on disk (appends are synchronous, so at once). */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  /** Reads what other processes appended since the last look (a `stat` when nothing changed). */
  sync(): void {
    if (this.unreadable) return;
    try {
      this.readNew(true);
      if (this.position.size - this.savedSize >= SAVE_ROLLUP_AFTER_BYTES) this.saveRollup();
    } catch (err) {
      this.unreadable = true;
      this.warn(
        `Could not read the usage ledger ${this.file}: ${err instanceof Error ? err.message : String(err)}. ` +
          'Usage from other Switchboard processes is no longer counted until restart.',
      );
    }
    this.announce();
  }

  /** Today's and this month's spend by every process on the machine, after reading their latest appends. */
  spend(now: number = this.now()): SpendTotals {
    this.sync();
    return spendOf(this.totals.days, now);
  }

  /** Per-model and per-day totals of a window of at most 31 days ending today (older days are kept per month). */
  summary(opts: SummaryOptions): UsageSummary {
    this.sync();
    return summarizeTotals(this.totals.days, opts);
  }

  /** Records added since this ledger was opened (by this or another process), oldest first; the last 10 000. */
  records(filter: UsageFilter = {}): readonly UsageRecord[] {
    const { since, until, model } = filter;
    if (since === undefined && until === undefined && model === undefined) return this.session.slice();
    return this.session.filter(
      (r) =>
        (since === undefined || r.at >= since) &&
        (until === undefined || r.at < until) &&
        (model === undefined || r.answeredBy === model || r.otherAttempts.some((a) => a.model === model)),
    );
  }

  /** Every valid record in the file, oldest first (for an export: reads the whole file). */
  async readAll(): Promise<UsageRecord[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const records: UsageRecord[] = [];
    for (const line of text.split('\n')) {
      const parsed = line.trim() === '' ? undefined : parseLine(line);
      if (parsed) records.push(parsed.record);
    }
    return records;
  }

  dispose(): void {
    this.subscriptions.dispose();
    this.changed.dispose();
    this.fromEvents.clear();
    this.closeFile();
    if (!this.unreadable && this.position.size > this.savedSize) this.saveRollup();
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Counts a record in the totals and the session list; listeners hear of it from `announce`. */
  private count(r: UsageRecord): void {
    const day = localDay(r.at);
    if (day >= firstDetailedDay(this.now())) addRecord(this.totals.days, r, day);
    else addRecord(this.totals.months, r, day.slice(0, 7));
    this.session.push(r);
    if (this.session.length > MAX_SESSION_RECORDS) this.session.splice(0, this.session.length - MAX_SESSION_RECORDS);
    this.unannounced.push(r);
  }

  /**
   * Tells listeners about counted records, only once the read position covers them (the end of `record` and
   * `sync`), so a listener may call anything — `spend()`, `sync()`, even `record()` — and nothing is counted twice.
   * A call from inside a listener leaves its records to the loop already running.
   */
  private announce(): void {
    if (this.announcing) return;
    this.announcing = true;
    try {
      for (let r = this.unannounced.shift(); r !== undefined; r = this.unannounced.shift()) this.changed.fire(r);
    } finally {
      this.announcing = false;
    }
  }

  private advance(bytes: number, line: string): void {
    this.position = { size: this.position.size + bytes, lines: this.position.lines + 1, lastLine: line };
  }

  /**
   * Counts the complete lines between the read position and the end of the file. A file shorter than the position
   * was replaced or truncated by someone: its totals are read again from the start.
   */
  private readNew(announce: boolean): void {
    const stat = statSync(this.file, { throwIfNoEntry: false });
    // Not there (yet), or not a file (then appending fails and says so).
    const size = stat?.isFile() ? stat.size : 0;
    if (size === this.position.size) return;
    if (size < this.position.size) {
      this.warn(`The usage ledger ${this.file} got shorter (replaced or truncated by another program); its totals were read again.`);
      this.totals = { days: new Map(), months: new Map() };
      this.position = { size: 0, lines: 0, lastLine: '' };
      this.savedSize = -1;
    }
    const chunkBytes = this.opts.readChunkBytes ?? READ_CHUNK_BYTES;
    const fd = openSync(this.file, 'r');
    try {
      const buf = Buffer.alloc(Math.min(chunkBytes, size - this.position.size));
      // Lines are cut at 0x0a in the bytes and each is decoded whole: a character split between two reads would
      // decode as U+FFFD and shift the byte position. Each read starts at the position, so an unfinished line is read again.
      while (this.position.size < size) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, size - this.position.size), this.position.size);
        if (n === 0) break;
        let start = 0;
        if (this.inLongLine) {
          const nl = buf.subarray(0, n).indexOf(0x0a);
          this.position = { size: this.position.size + (nl < 0 ? n : nl + 1), lines: this.position.lines + (nl < 0 ? 0 : 1), lastLine: '' };
          if (nl < 0) continue;
          this.inLongLine = false;
          this.warn(
            `Skipped line ${this.position.lines} of the usage ledger ${this.file}: it is longer than ${chunkBytes} bytes, ` +
              'so it is not a usage record. The other lines were read.',
          );
          start = nl + 1;
        }
        for (let nl = buf.indexOf(0x0a, start); nl >= 0 && nl < n; nl = buf.indexOf(0x0a, start)) {
          this.readLine(buf.toString('utf8', start, nl), nl - start + 1, announce);
          start = nl + 1;
        }
        if (start === 0 && n === chunkBytes) {
          // No record is this long: skip to the line's end (perhaps in a later read) and go on with the next one.
          this.inLongLine = true;
          this.position = { ...this.position, size: this.position.size + n, lastLine: '' };
        } else if (start === 0) break; // the last line is not complete yet
      }
    } finally {
      closeSync(fd);
    }
  }

  private readLine(line: string, bytes: number, announce: boolean): void {
    this.advance(bytes, line);
    if (line.trim() === '' || this.ownLines.delete(line)) return;
    const parsed = parseLine(line);
    if (!parsed) {
      this.warn(
        `Skipped line ${this.position.lines} of the usage ledger ${this.file}: it is not a valid usage record ` +
          '(perhaps a write cut short by a crash). The other lines were read.',
      );
      return;
    }
    // A record glued onto a torn fragment is recovered; if it is one of ours, it is already counted.
    if (parsed.text !== line && this.ownLines.delete(parsed.text)) return;
    if (announce) this.count(parsed.record);
    else {
      const day = localDay(parsed.record.at);
      addRecord(this.totals.days, parsed.record, day);
    }
  }

  private saveRollup(): void {
    try {
      rollUpOldDays(this.totals, this.now());
      const { size, lines, lastLine } = this.position;
      writeRollup(this.file, { coverage: { size, lines, lastLineHash: size === 0 ? '' : hashLine(lastLine) }, ...this.totals });
      this.savedSize = size;
    } catch {
      // Only start-up speed depends on the rollup; the next open reads the ledger and tries again.
    }
  }

  /**
   * One descriptor in append mode for the ledger's life, and one synchronous write per record (as pino does for
   * logs): a complete line reaches the file before the answer is reported done, appends can never interleave, and a
   * ~300-byte local write costs less than the promise machinery of an asynchronous one.
   */
  private fd: number | undefined;

  private append(line: string): { bytes: number; endSize: number } | undefined {
    try {
      this.fd ??= openAppend(this.file);
      const buf = Buffer.from(line);
      writeSync(this.fd, buf);
      return { bytes: buf.length, endSize: fstatSync(this.fd).size };
    } catch (err) {
      this.closeFile();
      this.warn(
        `Could not write the usage ledger ${this.file}: ${err instanceof Error ? err.message : String(err)}. ` +
          "This request's usage is kept only until VS Code restarts.",
      );
      return undefined;
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

  private warn(message: string): void {
    this.opts.onWarning?.(message);
  }
}

/** Opens the ledger for appending, readable by the user only (an older, looser file is tightened). */
function openAppend(file: string): number {
  const fd = openSync(file, 'a', 0o600);
  if ((fstatSync(fd).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return fd;
}

/** Ends a last line that has no newline (see `open`), and returns the file's size afterwards (0 if missing). */
function endWithNewline(file: string): number {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  try {
    const size = fstatSync(fd).size;
    const last = Buffer.alloc(1);
    if (size === 0 || (readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 0x0a)) return size;
  } finally {
    closeSync(fd);
  }
  const append = openAppend(file);
  try {
    writeSync(append, '\n');
    return fstatSync(append).size;
  } finally {
    closeSync(append);
  }
}

/**
 * A record from one line. A line that is not one may be a torn fragment with a complete record glued after it (a
 * crash, then another process's append): the last `{"v":1,` in it is tried too, so no complete record is lost.
 */
function parseLine(line: string): { record: UsageRecord; text: string } | undefined {
  const whole = parseRecord(line);
  if (whole) return { record: whole, text: line };
  const start = line.lastIndexOf('{"v":1,');
  if (start <= 0) return undefined;
  const text = line.slice(start);
  const glued = parseRecord(text);
  return glued ? { record: glued, text } : undefined;
}

function parseRecord(text: string): UsageRecord | undefined {
  try {
    const parsed = usageRecordSchema().safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
