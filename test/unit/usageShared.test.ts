// The usage ledger as several processes share it: one monthly budget for all, files only the user can read, and a
// torn-line repair that never removes another process's line.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs, { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type Sim } from '../sim/server';
import { parseConfig } from '../../src/core/config/settings';
import { createCore, type Core } from '../../src/core/createCore';
import { UsageLedger } from '../../src/core/usage/ledger';
import { requestCostUsd, type UsageRecord } from '../../src/core/usage/record';
import { firstDetailedDay, rollupFileFor } from '../../src/core/usage/rollup';
import { usageRecord } from './support/usageRecord';

const AN_HOUR_AGO = Date.now() - 3_600_000;
const rec = (i: number, extra: Partial<UsageRecord> = {}): UsageRecord => usageRecord({ at: AN_HOUR_AGO + i, requestId: `r${i}`, costUsd: 0.001, ...extra });
const line = (r: UsageRecord) => JSON.stringify(r) + '\n';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sb-shared-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('one monthly budget for every process sharing the ledger', () => {
  const KEY = 'sk-shared-budget';
  let sim: Sim;
  before(async () => (sim = await startSim({ key: KEY })));
  after(() => sim.close());

  async function core(file: string, monthlyUsd: number): Promise<Core> {
    const { config } = parseConfig({
      'gateway.preset': 'custom',
      'gateway.baseUrl': sim.url,
      retries: 0,
      'budget.monthlyUsd': monthlyUsd,
      'budget.onExceed': 'block',
    });
    const c = await createCore({ config, userSetBaseUrl: true, keys: async () => KEY, usageFile: file });
    await c.listModels({ waitForGateway: true }); // the simulator's prices
    return c;
  }
  const ask = async (c: Core): Promise<boolean> => {
    try {
      for await (const _ of c.router.route({ model: 'sim/echo', messages: [{ role: 'user', content: 'spend a little money please' }] })) {
        /* drain */
      }
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'budget') return false;
      throw err;
    }
  };

  test('two cores taking turns stop at the budget plus the one request that crossed it', async () => {
    const file = join(dir, 'usage.jsonl');
    const probe = await core(file, 0);
    await ask(probe);
    const oneRequest = requestCostUsd(probe.ledger.records()[0]);
    probe.dispose();
    assert.ok(oneRequest > 0, 'the simulator prices sim/echo');
    rmSync(file);
    rmSync(rollupFileFor(file), { force: true });

    const budget = oneRequest * 6.5;
    const [a, b] = [await core(file, budget), await core(file, budget)];
    let answered = 0;
    for (let turn = 0; turn < 40; turn++) if (await ask(turn % 2 === 0 ? a : b)) answered++;
    const spent = (await a.ledger.readAll()).reduce((t, r) => t + requestCostUsd(r), 0);
    assert.ok(spent <= budget + oneRequest * 1.01, `spent ${spent} with a budget of ${budget} (one request ${oneRequest}); ${answered} answers`);
    assert.equal(a.budget().action, 'block');
    assert.ok(Math.abs(a.budget().monthSpentUsd - b.budget().monthSpentUsd) < 1e-12, 'both see the same month');
    a.dispose();
    b.dispose();
  });
});

describe('ledger files', () => {
  test('a new ledger is 0600 in a 0700 directory, and so is its rollup; an older 0644 ledger is tightened', async () => {
    const file = join(dir, 'new', 'usage.jsonl');
    const ledger = await UsageLedger.open(file);
    await ledger.record(rec(0));
    ledger.dispose();
    assert.equal(statSync(join(dir, 'new')).mode & 0o777, 0o700);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(rollupFileFor(file)).mode & 0o777, 0o600);

    const old = join(dir, 'old.jsonl');
    writeFileSync(old, line(rec(1)), { mode: 0o644 });
    const again = await UsageLedger.open(old);
    await again.record(rec(2));
    again.dispose();
    assert.equal(statSync(old).mode & 0o777, 0o600);
  });
});

describe('a torn last line', () => {
  test('the repair never removes a line another process appended after the ledger read the file', async () => {
    const file = join(dir, 'usage.jsonl');
    writeFileSync(file, line(rec(0)) + line(rec(1)) + JSON.stringify(rec(2)).slice(0, 40));
    const theirs = line(rec(3, { requestId: 'appended-by-another-process' }));
    // Another process appends at the worst moment: after this one read the file, just before any repair.
    let appended = false;
    const appendFirst =
      <A extends unknown[], R>(real: (...args: A) => R) =>
      (...args: A): R => {
        if (!appended) {
          appended = true;
          appendFileSync(file, theirs);
        }
        return real(...args);
      };
    const saved = { truncate: fsp.truncate, truncateSync: fs.truncateSync, ftruncateSync: fs.ftruncateSync };
    fsp.truncate = appendFirst(saved.truncate);
    fs.truncateSync = appendFirst(saved.truncateSync);
    fs.ftruncateSync = appendFirst(saved.ftruncateSync);
    syncBuiltinESMExports();
    const warnings: string[] = [];
    try {
      (await UsageLedger.open(file, { onWarning: (m) => warnings.push(m) })).dispose();
    } finally {
      Object.assign(fsp, { truncate: saved.truncate });
      Object.assign(fs, { truncateSync: saved.truncateSync, ftruncateSync: saved.ftruncateSync });
      syncBuiltinESMExports();
    }
    if (!appended) appendFileSync(file, theirs); // no repair ran in that window: it arrives now
    assert.ok(readFileSync(file, 'utf8').includes(theirs), 'the other process line is still in the file');
    const ids = (await (await UsageLedger.open(file)).readAll()).map((r) => r.requestId);
    assert.deepEqual(ids, ['r0', 'r1', 'appended-by-another-process']);
    assert.equal(warnings.length, 1, warnings.join('\n'));
  });

  test('a complete record glued onto a torn fragment (a crash, then another append) is still counted', async () => {
    const file = join(dir, 'usage.jsonl');
    writeFileSync(file, line(rec(0)) + JSON.stringify(rec(1)).slice(0, 40) + line(rec(2)));
    const ledger = await UsageLedger.open(file);
    assert.deepEqual(
      (await ledger.readAll()).map((r) => r.requestId),
      ['r0', 'r2'],
    );
    assert.equal(ledger.summary({ now: Date.now(), days: 2 }).totalRequests, 2);
    ledger.dispose();
  });
});

describe('the rollup beside the ledger', () => {
  const summaryOf = async (file: string) => {
    const ledger = await UsageLedger.open(file);
    const s = ledger.summary({ now: Date.now(), days: 30 });
    ledger.dispose();
    return s;
  };

  test('written on close; deleting it loses nothing; a ledger that no longer matches it is re-read', async () => {
    const file = join(dir, 'usage.jsonl');
    const records = Array.from({ length: 50 }, (_, i) => rec(i, { answeredBy: `m${i % 3}`, costUsd: 0.001 * (i + 1), msTotal: 900 + i * 10 }));
    writeFileSync(file, records.map(line).join(''));
    const fromLedger = await summaryOf(file);
    assert.equal(fromLedger.totalRequests, 50);
    assert.ok(statSync(rollupFileFor(file)).size > 0, 'rollup written');

    // With the rollup, and with a line appended by another tool after it was written.
    appendFileSync(file, line(rec(50, { answeredBy: 'm0' })));
    const withTail = await summaryOf(file);
    assert.equal(withTail.totalRequests, 51);

    rmSync(rollupFileFor(file));
    assert.deepEqual(await summaryOf(file), withTail, 'the same totals re-read from the ledger');

    // The ledger replaced by a shorter one: the rollup covers bytes it no longer has.
    writeFileSync(file, line(rec(0)));
    assert.equal((await summaryOf(file)).totalRequests, 1);
    // Replaced by one of the same length whose last line differs.
    const same = line(rec(0, { requestId: 'rX' }));
    writeFileSync(file, same);
    assert.equal((await summaryOf(file)).totalRequests, 1);
    writeFileSync(rollupFileFor(file), '{ not json');
    assert.equal((await summaryOf(file)).totalRequests, 1, 'a damaged rollup is rebuilt');
  });

  test('another process appending while a ledger is open is counted before the next budget decision', async () => {
    const file = join(dir, 'usage.jsonl');
    mkdirSync(dir, { recursive: true });
    const ledger = await UsageLedger.open(file);
    await ledger.record(rec(0, { costUsd: 1 }));
    appendFileSync(file, line(rec(1, { costUsd: 2 })));
    await ledger.record(rec(2, { costUsd: 4 }));
    appendFileSync(file, line(rec(3, { costUsd: 8 })));
    assert.equal(ledger.spend(AN_HOUR_AGO).monthSpentUsd, 15, 'each record once: ours are not counted twice');
    assert.deepEqual(
      ledger.records().map((r) => r.requestId),
      ['r0', 'r1', 'r2', 'r3'],
    );
    ledger.dispose();
  });
});

test('per-day totals always cover a 31-day window (on March 1 it reaches back into January)', () => {
  assert.equal(firstDetailedDay(new Date(2026, 2, 1, 12).getTime()), '2026-01-01');
  assert.equal(firstDetailedDay(new Date(2026, 2, 31, 12).getTime()), '2026-02-01');
  assert.equal(firstDetailedDay(new Date(2026, 0, 15, 12).getTime()), '2025-12-01');
});
