// smart-select: accuracy per language and tier, decision time, and cost against always-strong and an oracle.
// Data: test/fixtures/select/{train,heldout}/<lang>.jsonl (15 languages, see test/fixtures/select/README.md) and the
// English fixture set test/fixtures/prompts.jsonl. Decision time is compared with the English-only selector of
// commit aaf227f (bench/baseline/selectV1.ts), timed in the same run on the same prompts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import type { BenchOptions } from './run';
import { selectModel, type SelectInput } from '../src/core/select/select';
import { TIERS } from '../src/core/base/types';
import { selectModel as selectModelV1 } from './baseline/selectV1';
import { defaultConfig, DEFAULT_TIERS } from '../src/core/config/settings';
import { BUILTIN_MODELS } from '../src/core/catalog/snapshot';
import { costOf } from '../src/core/catalog/cost';
import { estimateTokens } from '../src/core/prompt/tokens';
import type { Tier } from '../src/core/base/types';

interface Labeled {
  prompt: string;
  tier: Tier;
  lang: string;
  selectionChars?: number;
}

const root = join(__dirname, '..', 'test', 'fixtures');
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function readJsonl(file: string, lang?: string): Labeled[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => ({ lang, ...(JSON.parse(l) as Omit<Labeled, 'lang'>) }) as Labeled);
}

function readSplit(split: 'train' | 'heldout'): Labeled[] {
  const dir = join(root, 'select', split);
  return readdirSync(dir)
    .sort()
    .flatMap((f) => readJsonl(join(dir, f)));
}

const inputOf = (r: Labeled): SelectInput => ({ messages: [{ role: 'user', content: r.prompt }], selectionChars: r.selectionChars });

/** Completion tokens assumed per labelled tier; the same for every strategy, so only the prices differ. */
const COMPLETION_TOKENS: Record<Tier, number> = { fast: 100, balanced: 600, strong: 1500, reasoning: 2500 };

function accuracyByLang(rows: Labeled[], decided: Tier[]) {
  const out: Record<string, { n: number; accuracy: number; strongOrReasoningToFast: number }> = {};
  const langs = [...new Set(rows.map((r) => r.lang))].sort();
  for (const lang of langs) {
    const idx = rows.map((r, i) => (r.lang === lang ? i : -1)).filter((i) => i >= 0);
    out[lang] = {
      n: idx.length,
      accuracy: round(idx.filter((i) => decided[i] === rows[i].tier).length / idx.length),
      strongOrReasoningToFast: idx.filter((i) => (rows[i].tier === 'strong' || rows[i].tier === 'reasoning') && decided[i] === 'fast').length,
    };
  }
  return out;
}

function confusion(rows: Labeled[], decided: Tier[]): Record<Tier, Record<Tier, number>> {
  const m = Object.fromEntries(TIERS.map((t) => [t, Object.fromEntries(TIERS.map((u) => [u, 0]))])) as Record<Tier, Record<Tier, number>>;
  rows.forEach((r, i) => m[r.tier][decided[i]]++);
  return m;
}

/** Each prompt's median decision time over `passes`, for the new and the old selector interleaved. */
function decisionTimes(inputs: SelectInput[], passes: number): { current: number[]; baseline: number[] } {
  const config = defaultConfig();
  for (let w = 0; w < 5; w++) {
    for (const input of inputs) {
      selectModel(input, config);
      selectModelV1(input, config);
    }
  }
  const cur: number[][] = inputs.map(() => []);
  const base: number[][] = inputs.map(() => []);
  for (let p = 0; p < passes; p++) {
    inputs.forEach((input, i) => {
      let t0 = performance.now();
      selectModel(input, config);
      cur[i].push(performance.now() - t0);
      t0 = performance.now();
      selectModelV1(input, config);
      base[i].push(performance.now() - t0);
    });
  }
  return { current: cur.map(median), baseline: base.map(median) };
}

export default async function selectBench(opts: BenchOptions): Promise<Record<string, unknown>> {
  const config = defaultConfig();
  const train = readSplit('train');
  const heldout = readSplit('heldout');
  const english = readJsonl(join(root, 'prompts.jsonl'), 'en-fixture');
  const decide = (rows: Labeled[]) => rows.map((r) => selectModel(inputOf(r), config).tier);
  const [trainTiers, heldoutTiers, englishTiers] = [decide(train), decide(heldout), decide(english)];
  const total = (rows: Labeled[], d: Tier[]) => round(d.filter((t, i) => t === rows[i].tier).length / rows.length);

  // Decision time for prompts up to 2000 characters, per language (the prompt's median over the passes).
  const short = [...train, ...heldout].filter((r) => r.prompt.length <= 2000);
  const times = decisionTimes(short.map(inputOf), opts.quick ? 15 : 101);
  const timeByLang: Record<string, { p50Ms: number; p99Ms: number; baselineP99Ms: number }> = {};
  for (const lang of [...new Set(short.map((r) => r.lang))].sort()) {
    const idx = short.map((r, i) => (r.lang === lang ? i : -1)).filter((i) => i >= 0);
    const cur = idx.map((i) => times.current[i]).sort((a, b) => a - b);
    const base = idx.map((i) => times.baseline[i]).sort((a, b) => a - b);
    timeByLang[lang] = { p50Ms: round(percentile(cur, 50), 4), p99Ms: round(percentile(cur, 99), 4), baselineP99Ms: round(percentile(base, 99), 4) };
  }
  const allCur = [...times.current].sort((a, b) => a - b);
  const allBase = [...times.baseline].sort((a, b) => a - b);

  // Cost on the labelled mix (every multilingual prompt): same token counts, prices of the default tier models.
  const price = (tier: Tier) => BUILTIN_MODELS.find((m) => m.id === DEFAULT_TIERS[tier])?.pricing;
  const mix = [...train, ...heldout];
  const mixTiers = [...trainTiers, ...heldoutTiers];
  let smart = 0;
  let strong = 0;
  let oracle = 0;
  mix.forEach((r, i) => {
    const usage = {
      promptTokens: estimateTokens(r.prompt) + 6,
      completionTokens: COMPLETION_TOKENS[r.tier],
      cachedTokens: 0,
      reasoningTokens: 0,
      estimated: true,
    };
    smart += costOf(usage, price(mixTiers[i]));
    strong += costOf(usage, price('strong'));
    oracle += costOf(usage, price(r.tier));
  });

  return {
    prompts: { train: train.length, heldout: heldout.length, englishFixture: english.length },
    heldoutAccuracy: total(heldout, heldoutTiers),
    heldoutByLanguage: accuracyByLang(heldout, heldoutTiers),
    heldoutConfusion: confusion(heldout, heldoutTiers),
    trainAccuracy: total(train, trainTiers),
    trainByLanguage: Object.fromEntries(Object.entries(accuracyByLang(train, trainTiers)).map(([k, v]) => [k, v.accuracy])),
    strongOrReasoningToFastEverywhere: [...train, ...heldout, ...english].filter(
      (r, i) => (r.tier === 'strong' || r.tier === 'reasoning') && [...trainTiers, ...heldoutTiers, ...englishTiers][i] === 'fast',
    ).length,
    englishFixtureAccuracy: total(english, englishTiers),
    decisionPromptsUpTo2000Chars: short.length,
    p50Ms: round(percentile(allCur, 50), 4),
    p99Ms: round(percentile(allCur, 99), 4),
    baselineP99Ms: round(percentile(allBase, 99), 4),
    p99RatioToBaseline: round(percentile(allCur, 99) / percentile(allBase, 99), 2),
    timeByLanguage: timeByLang,
    loadAverage1m: round(loadavg()[0], 2),
    costUsd: { smartSelect: round(smart, 4), alwaysStrong: round(strong, 4), oracle: round(oracle, 4) },
    costSmartVsAlwaysStrong: round(smart / strong, 3),
    costSmartVsOracle: round(smart / oracle, 3),
  };
}
