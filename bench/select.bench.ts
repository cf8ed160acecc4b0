// smart-select: accuracy per tier, confusion matrix and decision time over the labeled prompts
// (test/fixtures/prompts.jsonl). Rows with `holdout` were written after the classifier was frozen.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import type { BenchOptions } from './run';
import { TIERS, selectModel, type SelectInput } from '../src/core/select';
import { defaultConfig } from '../src/core/config';
import type { Tier } from '../src/core/types';

interface Labeled {
  prompt: string;
  tier: Tier;
  selectionChars?: number;
  holdout?: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export default async function selectBench(opts: BenchOptions): Promise<Record<string, unknown>> {
  const rows: Labeled[] = readFileSync(join(__dirname, '..', 'test', 'fixtures', 'prompts.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Labeled);
  const inputs: SelectInput[] = rows.map((r) => ({ messages: [{ role: 'user', content: r.prompt }], selectionChars: r.selectionChars }));
  const config = defaultConfig();

  // Accuracy and confusion matrix (rows: label, columns: decision).
  const confusion = Object.fromEntries(TIERS.map((t) => [t, Object.fromEntries(TIERS.map((u) => [u, 0]))])) as Record<Tier, Record<Tier, number>>;
  const decided = inputs.map((input) => selectModel(input, config).tier);
  rows.forEach((r, i) => confusion[r.tier][decided[i]]++);
  const accuracyOf = (pick: (r: Labeled) => boolean) => {
    const idx = rows.map((r, i) => (pick(r) ? i : -1)).filter((i) => i >= 0);
    return { n: idx.length, accuracy: round(idx.filter((i) => decided[i] === rows[i].tier).length / idx.length) };
  };
  const perTier = Object.fromEntries(TIERS.map((t) => [t, accuracyOf((r) => r.tier === t)]));
  const heldOut = accuracyOf((r) => r.holdout !== undefined);
  const heldOutBatches = Object.fromEntries([1, 2, 3].map((b) => [`batch${b}`, accuracyOf((r) => r.holdout === b)]));
  const strongOrReasoningToFast = confusion.strong.fast + confusion.reasoning.fast;

  // Decision time: every prompt, many passes, each decision timed on its own; warm up first so the JIT settles.
  // The machine is shared, so a single timing can include a preemption: the headline p99 is over the set of prompts,
  // each prompt's time being its median over the passes; the raw p99 over every timing is reported beside it.
  const passes = opts.quick ? 25 : 201;
  for (let w = 0; w < 5; w++) for (const input of inputs) selectModel(input, config);
  const perPrompt: number[][] = inputs.map(() => []);
  for (let p = 0; p < passes; p++) {
    inputs.forEach((input, i) => {
      const t0 = performance.now();
      selectModel(input, config);
      perPrompt[i].push(performance.now() - t0);
    });
  }
  const medians = perPrompt.map((ts) => [...ts].sort((a, b) => a - b)[ts.length >> 1]).sort((a, b) => a - b);
  const times = perPrompt.flat().sort((a, b) => a - b);

  // A long pasted prompt (≈ 60 kB of code and prose) as a worst case.
  const long: SelectInput = {
    messages: [{ role: 'user', content: 'Review this module for concurrency bugs:\n```ts\n' + 'const x = await fetchThing(id); if (!x) throw new Error("missing"); // handle\n'.repeat(700) + '```\n' + rows.map((r) => r.prompt).join('\n').slice(0, 8000) }],
  };
  const longTimes: number[] = [];
  for (let i = 0; i < (opts.quick ? 50 : 300); i++) {
    const t0 = performance.now();
    selectModel(long, config);
    longTimes.push(performance.now() - t0);
  }
  longTimes.sort((a, b) => a - b);

  return {
    prompts: rows.length,
    accuracy: accuracyOf(() => true).accuracy,
    accuracyPerTier: perTier,
    heldOut,
    heldOutBatches,
    strongOrReasoningToFast,
    confusion,
    decisions: times.length,
    p50Ms: round(percentile(medians, 50), 4),
    p99Ms: round(percentile(medians, 99), 4),
    maxMs: round(medians[medians.length - 1], 4),
    rawP50Ms: round(percentile(times, 50), 4),
    rawP99Ms: round(percentile(times, 99), 4),
    loadAverage1m: round(loadavg()[0], 2),
    longPromptChars: (long.messages[0].content as string).length,
    longPromptP50Ms: round(percentile(longTimes, 50), 4),
    longPromptP99Ms: round(percentile(longTimes, 99), 4),
  };
}
