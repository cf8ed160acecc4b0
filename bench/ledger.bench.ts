// Start-up that does not grow with history: the same operations with an empty usage ledger and with a year of it
// (200 000 records, generated here), interleaved, median of each. The ledger with history is opened once first so
// its rollup exists (steady state); that one-time rebuild is reported too. Times are CPU time (process.cpuUsage),
// in-process and of the CLI process, because wall time on the shared 2-core machine is mostly waiting for a core.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseConfig } from '../src/core/config/settings';
import { createCore } from '../src/core/createCore';
import { UsageLedger } from '../src/core/usage/ledger';
import { type UsageRecord } from '../src/core/usage/record';
import type { BenchOptions } from './run';

const ROOT = join(__dirname, '..');
const MODELS = ['openai/gpt-4.1-mini', 'openai/gpt-4.1', 'anthropic/claude-sonnet-4', 'google/gemini-2.5-flash', 'deepseek/deepseek-r1'];

/** `count` records spread evenly over the year before `now`, one in ten after a failed first attempt. */
export function yearOfRecords(count: number, now: number): string {
  const step = (365 * 86_400_000) / count;
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const answeredBy = MODELS[i % MODELS.length];
    const failed = i % 10 === 0;
    const r: UsageRecord = {
      v: 1,
      at: Math.round(now - 365 * 86_400_000 + i * step),
      requestId: `req-${i.toString(36)}-${(i * 7919).toString(36)}`,
      requested: 'smart-select',
      answeredBy,
      endpoint: 'gateway',
      attempts: failed ? 2 : 1,
      fallback: failed,
      otherAttempts: failed
        ? [{ model: MODELS[(i + 1) % MODELS.length], endpoint: 'gateway', outcome: 'error', status: 503, errorCode: 'upstream_5xx', msTotal: 40 + (i % 50) }]
        : [],
      usage: { promptTokens: 800 + (i % 900), completionTokens: 200 + (i % 400), cachedTokens: i % 300, reasoningTokens: 0, estimated: false },
      costUsd: 0.0001 + (i % 97) * 0.00003,
      msToFirstToken: 150 + (i % 700),
      msTotal: 900 + (i % 4000),
      tier: 'balanced',
    };
    lines.push(JSON.stringify(r));
  }
  return lines.join('\n') + '\n';
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, digits = 3) => +x.toFixed(digits);

/** CPU time (user + system) of this process, in ms: on a shared, loaded machine wall time is mostly waiting. */
async function timed<T>(fn: () => T | Promise<T>): Promise<[number, T]> {
  const t0 = process.cpuUsage();
  const value = await fn();
  const d = process.cpuUsage(t0);
  return [(d.user + d.system) / 1000, value];
}

export default async function ledger(opts: BenchOptions): Promise<Record<string, unknown>> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const dir = mkdtempSync(join(tmpdir(), 'sb-ledger-bench-'));
  try {
    const count = opts.quick ? 20_000 : 200_000;
    const now = Date.now();
    const empty = join(dir, 'empty', 'usage.jsonl');
    const full = join(dir, 'full', 'usage.jsonl');
    UsageLedger.open(empty).then(
      (l) => l.dispose(),
      () => undefined,
    );
    (await UsageLedger.open(full)).dispose(); // creates the directory
    writeFileSync(full, yearOfRecords(count, now));
    const [rebuildMs] = await timed(async () => (await UsageLedger.open(full)).dispose());

    const { config } = parseConfig({ 'gateway.preset': 'custom', 'gateway.baseUrl': 'http://127.0.0.1:9/v1', 'budget.monthlyUsd': 100 });
    const openCore = (file: string) => createCore({ config, userSetBaseUrl: true, keys: async () => undefined, usageFile: file });

    // In-process: the core build (3 s after start-up, or on the first request), the first answer's budget check,
    // and the summary the usage view posts when it opens.
    const samples = opts.quick ? 7 : 21;
    const m = {
      core: { empty: [] as number[], full: [] as number[] },
      budget: { empty: [] as number[], full: [] as number[] },
      view: { empty: [] as number[], full: [] as number[] },
    };
    for (let i = 0; i < samples * 2; i++) {
      const which = i % 2 === 0 ? 'empty' : 'full';
      const file = which === 'empty' ? empty : full;
      const [coreMs, core] = await timed(() => openCore(file));
      const [budgetMs] = await timed(() => core.budget());
      const [viewMs] = await timed(() =>
        JSON.stringify({ type: 'usage', summary: core.ledger.summary({ now: Date.now(), days: 30 }), budget: core.budget(), windowDays: 30 }),
      );
      core.dispose();
      m.core[which].push(coreMs);
      m.budget[which].push(budgetMs);
      m.view[which].push(viewMs);
    }

    // The ledger's memory: heap after opening it, minus the heap before.
    const heapOf = async (file: string) => {
      gc();
      const before = process.memoryUsage().heapUsed;
      const l = await UsageLedger.open(file);
      l.summary({ now: Date.now(), days: 30 });
      gc();
      const after = process.memoryUsage().heapUsed;
      l.dispose();
      return after - before;
    };
    const heapEmpty = await heapOf(empty);
    const heapFull = await heapOf(full);

    // `switchboard usage`: a fresh CLI process each time; its CPU time, reported by the process itself on exit.
    const cli = join(ROOT, 'dist', 'cli.js');
    const reportCpu = join(dir, 'report-cpu.js');
    writeFileSync(
      reportCpu,
      "process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('\\ncpu ' + (u.user + u.system) / 1000 + '\\n'); });",
    );
    const cliMs = { empty: [] as number[], full: [] as number[] };
    const cliSamples = opts.quick ? 5 : 11;
    for (let i = 0; i < cliSamples * 2; i++) {
      const which = i % 2 === 0 ? 'empty' : 'full';
      const run = spawnSync(process.execPath, ['-r', reportCpu, cli, 'usage', '--usage-file', which === 'empty' ? empty : full], {
        encoding: 'utf8',
        env: { ...process.env, SWITCHBOARD_API_KEY: '' },
      });
      const cpu = /\ncpu ([\d.]+)/.exec(run.stderr);
      if (run.status !== 0 || !cpu) throw new Error(`switchboard usage failed: ${run.stderr.slice(-300)}`);
      cliMs[which].push(Number(cpu[1]));
    }

    const pair = (x: { empty: number[]; full: number[] }) => ({
      emptyMs: round(median(x.empty)),
      fullMs: round(median(x.full)),
      ratio: round(median(x.full) / median(x.empty), 2),
    });
    return {
      records: count,
      ledgerMB: round(statSync(full).size / 1e6, 1),
      rollupRebuildOnceMs: round(rebuildMs, 0),
      coreOpen: pair(m.core),
      firstBudget: pair(m.budget),
      usageViewSummary: pair(m.view),
      cliUsage: pair(cliMs),
      ledgerHeapMB: { empty: round(heapEmpty / 1e6, 2), full: round(heapFull / 1e6, 2) },
      goals: { ratio: 1.2, heapMB: 20 },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
