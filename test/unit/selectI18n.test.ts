// smart-select in 15 languages: the labelled data of test/fixtures/select (see its README) and the
// language-independent features.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classify, type SelectInput } from '../../src/core/select/select';
import { extractFeatures } from '../../src/core/select/features';
import { LEXICON, LEXICON_LANGS } from '../../src/core/select/lexicon';
import type { Tier } from '../../src/core/base/types';

interface Labeled {
  lang: string;
  tier: Tier;
  prompt: string;
}

const dataDir = join(__dirname, '..', 'fixtures', 'select');
const read = (split: 'train' | 'heldout'): Labeled[] =>
  readdirSync(join(dataDir, split)).flatMap((f) =>
    readFileSync(join(dataDir, split, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Labeled),
  );
const ask = (prompt: string): SelectInput => ({ messages: [{ role: 'user', content: prompt }] });
const LANGS = ['en', ...LEXICON_LANGS];

describe('smart-select labelled data in 15 languages', () => {
  const train = read('train');
  const heldout = read('heldout');

  test('at least 40 prompts per language, spread over the four tiers, with a held-out part', () => {
    for (const lang of LANGS) {
      const rows = [...train, ...heldout].filter((r) => r.lang === lang);
      assert.ok(rows.length >= 40, `${lang}: ${rows.length} prompts`);
      for (const tier of ['fast', 'balanced', 'strong', 'reasoning'] as const) assert.ok(rows.filter((r) => r.tier === tier).length >= 10, `${lang} ${tier}`);
      assert.ok(
        heldout.some((r) => r.lang === lang),
        `${lang} has no held-out prompts`,
      );
    }
    const trainPrompts = new Set(train.map((r) => r.prompt));
    assert.deepEqual(
      heldout.filter((r) => trainPrompts.has(r.prompt)).map((r) => r.prompt),
      [],
      'a held-out prompt is also in train',
    );
  });

  test('train accuracy is at least 95 % in every language', () => {
    for (const lang of LANGS) {
      const rows = train.filter((r) => r.lang === lang);
      const wrong = rows.filter((r) => classify(ask(r.prompt)).tier !== r.tier);
      assert.ok(
        wrong.length / rows.length <= 0.05,
        `${lang}: ${wrong.length}/${rows.length} wrong:\n${wrong.map((r) => `  ${r.tier}: ${r.prompt.slice(0, 80)}`).join('\n')}`,
      );
    }
  });

  test('held-out accuracy overall is at least 85 % (the per-language figures are in BENCHMARKS.md)', () => {
    const right = heldout.filter((r) => classify(ask(r.prompt)).tier === r.tier).length;
    assert.ok(right / heldout.length >= 0.85, `${right}/${heldout.length}`);
  });

  test('no strong or reasoning prompt goes to fast, in any language, train or held out', () => {
    const offenders = [...train, ...heldout].filter((r) => (r.tier === 'strong' || r.tier === 'reasoning') && classify(ask(r.prompt)).tier === 'fast');
    assert.deepEqual(
      offenders.map((r) => `${r.lang} ${r.tier}: ${r.prompt.slice(0, 80)}`),
      [],
    );
  });
});

describe('language-independent features', () => {
  test('length counts Han and kana characters, not spaces', () => {
    const zh = extractFeatures(ask('请证明根号2是无理数，并推广到任意非完全平方数'));
    assert.ok(zh.words >= 10, `words ${zh.words}`);
    const ja = extractFeatures(ask('競合状態を直すためにロックフリーな実装を設計して、トレードオフも説明してください'));
    assert.ok(ja.words >= 15, `words ${ja.words}`);
    assert.equal(extractFeatures(ask('prove it, now')).words, 3);
  });

  test('the examples of the issue land where they belong', () => {
    assert.equal(classify(ask('请证明根号2是无理数，并推广到任意非完全平方数')).tier, 'reasoning');
    assert.equal(classify(ask('競合状態を直すためにロックフリーな実装を設計して、トレードオフも説明してください')).tier, 'strong');
    const proof = classify(ask('Докажи, что существует бесконечно много простых чисел.'));
    assert.deepEqual([proof.tier, proof.reasons[0]], ['reasoning', 'asks for a proof']);
  });

  test('the cues the issue names exist in every language', () => {
    const named = ['proof', 'math', 'tradeoffs', 'design', 'performance', 'fix', 'translate', 'smallTalk'];
    for (const id of named) {
      const cue = LEXICON.find((c) => c.id === id);
      assert.ok(cue, id);
      for (const lang of LEXICON_LANGS) assert.ok((cue.terms[lang] ?? []).length > 0, `${id} has no ${lang} terms`);
    }
  });

  test('a pasted trace counts by its shape; its words are not the ask', () => {
    const trace =
      'panic: assignment to entry in nil map\n\ngoroutine 1 [running]:\nmain.(*Registry).Add(...)\n\t/src/registry.go:21\nmain.main()\n\t/src/main.go:9 +0x2c\nexit status 2';
    const f = extractFeatures(ask(`warum kommt hier ein panic?\n${trace}`));
    assert.ok(f.traceLines >= 5, `trace lines ${f.traceLines}`);
    assert.ok(!f.prose.includes('assignment'), f.prose);
    const c = classify(ask(`warum kommt hier ein panic?\n${trace}`));
    assert.equal(c.tier, 'balanced', JSON.stringify(c));
  });

  test('a formula is recognised whatever the language around it', () => {
    assert.equal(extractFeatures(ask('求最大值：f(x) = x^3 - 6x^2 + 9x + 1, x ∈ [0, 4]')).hasMath, true);
    assert.equal(extractFeatures(ask('const f = (x) => x * 2;')).hasMath, false);
  });

  test('a word at the start of a term must start a word in spaced scripts', () => {
    // "describe" contains "escribe" (write); it must not count as a request for code.
    const c = classify(ask('describe the weather in one word'));
    assert.ok(!c.reasons.includes('asks for one piece of code'), c.reasons.join('; '));
  });
});
