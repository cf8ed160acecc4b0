// smart-select: classification over the labelled prompts, its features, and the tier → model choice.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { budgetDowngradeActive, classify, selectModel, type SelectInput } from '../../src/core/select/select';
import { DEFAULT_TIERS, defaultConfig, parseConfig, type Config } from '../../src/core/config/settings';
import type { BudgetStatus, Tier } from '../../src/core/base/types';

interface Labeled {
  prompt: string;
  tier: Tier;
  selectionChars?: number;
  /** Set on prompts written after the classifier was frozen (1, 2, 3 = successive batches). */
  holdout?: number;
}

const fixtures: Labeled[] = readFileSync(join(__dirname, '..', 'fixtures', 'prompts.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Labeled);

const ask = (prompt: string, selectionChars?: number): SelectInput => ({ messages: [{ role: 'user', content: prompt }], selectionChars });

function budget(fraction: number, action: BudgetStatus['action']): BudgetStatus {
  return { monthSpentUsd: fraction * 20, todaySpentUsd: 1, limitUsd: 20, fraction, action };
}

const downgradeConfig = (): Config => parseConfig({ 'budget.monthlyUsd': 20, 'budget.onExceed': 'downgrade' }).config;

describe('smart-select classification over the labeled prompts', () => {
  const results = fixtures.map((f) => ({ f, c: classify(ask(f.prompt, f.selectionChars)) }));

  test('the fixture set is large and roughly balanced', () => {
    assert.ok(fixtures.length >= 240, `only ${fixtures.length} prompts`);
    for (const tier of ['fast', 'balanced', 'strong', 'reasoning'] as const) {
      const n = fixtures.filter((f) => f.tier === tier).length;
      assert.ok(n >= fixtures.length * 0.2, `${tier} has only ${n} prompts`);
    }
  });

  test('accuracy is at least 90 %', () => {
    const wrong = results.filter(({ f, c }) => c.tier !== f.tier);
    const accuracy = 1 - wrong.length / results.length;
    assert.ok(
      accuracy >= 0.9,
      `accuracy ${(accuracy * 100).toFixed(1)} %; misclassified:\n${wrong.map(({ f, c }) => `  ${f.tier} → ${c.tier}: ${f.prompt.slice(0, 80)}`).join('\n')}`,
    );
  });

  test('never sends a strong or reasoning prompt to fast', () => {
    const offenders = results.filter(({ f, c }) => (f.tier === 'strong' || f.tier === 'reasoning') && c.tier === 'fast');
    assert.deepEqual(
      offenders.map(({ f }) => `${f.tier}: ${f.prompt.slice(0, 100)}`),
      [],
    );
  });

  test('every decision has reasons, a confidence in (0, 1] and a score per tier', () => {
    for (const { f, c } of results) {
      assert.ok(c.reasons.length > 0 && c.reasons.every((r) => r.trim().length > 0), `no reasons for: ${f.prompt.slice(0, 60)}`);
      assert.ok(c.confidence > 0 && c.confidence <= 1, `confidence ${c.confidence}`);
      assert.deepEqual(Object.keys(c.scores).sort(), ['balanced', 'fast', 'reasoning', 'strong']);
    }
  });

  test('is deterministic', () => {
    for (const f of fixtures.slice(0, 40)) assert.deepEqual(classify(ask(f.prompt, f.selectionChars)), classify(ask(f.prompt, f.selectionChars)));
  });
});

describe('smart-select features', () => {
  test('reasons name what was found', () => {
    const files = classify(
      ask('Move the retry logic out of src/net/client.ts into src/net/retry.ts and update src/api/users.ts and src/api/orders.ts to use it.'),
    );
    assert.ok(
      files.reasons.some((r) => /mentions 4 files/.test(r)),
      files.reasons.join('; '),
    );
    const proof = classify(ask('Prove that every finite integral domain is a field.'));
    assert.equal(proof.tier, 'reasoning');
    assert.ok(proof.reasons.includes('asks for a proof'), proof.reasons.join('; '));
  });

  test('a larger attached selection raises the tier', () => {
    const tiers = [0, 800, 12_000].map((n) => classify(ask('explain this', n || undefined)).tier);
    assert.deepEqual(tiers, ['balanced', 'balanced', 'strong']);
    assert.ok(classify(ask('explain this', 12_000)).reasons.some((r) => /large selection \(12\.0k chars\)/.test(r)));
  });

  test('a short follow-up keeps the weight of the conversation it continues', () => {
    const followUp = 'ok, and what about the case where the vertex has degree 5?';
    assert.notEqual(classify(ask(followUp)).tier, 'reasoning');
    const deep = classify({
      messages: [
        { role: 'user', content: 'Prove that every planar graph is 5-colourable.' },
        { role: 'assistant', content: 'By induction on the number of vertices...' },
        { role: 'user', content: followUp },
      ],
    });
    assert.equal(deep.tier, 'reasoning');
    assert.ok(
      deep.reasons.some((r) => r.startsWith('earlier in the conversation')),
      deep.reasons.join('; '),
    );
  });

  test('conversation depth counts toward the stronger tiers', () => {
    const turns = Array.from({ length: 8 }, (_, i) => [
      { role: 'user' as const, content: `step ${i}: adjust the handler in the payments service` },
      { role: 'assistant' as const, content: 'Done.' },
    ]).flat();
    const c = classify({ messages: turns });
    assert.ok(c.reasons.some((r) => /conversation depth 8 turns/.test(r)) || c.scores.strong > 0, JSON.stringify(c));
    assert.ok(c.scores.strong >= 2, `strong score ${c.scores.strong}`);
  });

  test('text given to operate on does not drive the tier', () => {
    const c = classify(ask("Shorten this: 'Our security team found a race condition in the payment service during the audit.'"));
    assert.equal(c.tier, 'fast', JSON.stringify(c));
  });

  test('content parts and images are read', () => {
    const c = classify({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Prove that the square root of 3 is irrational.' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
      ],
    });
    assert.equal(c.tier, 'reasoning');
  });

  test('an empty or assistant-only conversation still gets a decision', () => {
    for (const messages of [[], [{ role: 'assistant' as const, content: 'hi' }]]) {
      const c = classify({ messages });
      assert.ok(c.reasons.length > 0);
      assert.ok(['fast', 'balanced'].includes(c.tier), c.tier);
    }
  });

  test('huge prompts stay cheap (no catastrophic regex backtracking): four times the text, about four times the time', () => {
    const line = "const value = compute(input, 'a quoted string that is long enough'); // 60 mph, 3 hours, $4 — prove it\n";
    const prompt = (n: number) => 'Review this:\n```ts\n' + line.repeat(1250 * n) + '```\n' + 'we must, at least, never '.repeat(5000 * n);
    // Best of three each, interleaved: a ratio on one machine at one moment, not a time (the machine may be loaded).
    let [small, large] = [Infinity, Infinity];
    for (let i = 0; i < 3; i++) {
      small = Math.min(
        small,
        timed(() => classify(ask(prompt(1)))),
      );
      large = Math.min(
        large,
        timed(() => classify(ask(prompt(4)))),
      );
    }
    assert.ok(
      large / small < 10,
      `4× the text took ${(large / small).toFixed(1)}× the time (${small.toFixed(1)} → ${large.toFixed(1)} ms); quadratic would be 16×`,
    );
    assert.notEqual(classify(ask(prompt(4))).tier, 'fast');
  });
});

function timed(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

describe('selectModel', () => {
  test('maps each tier to the configured model', () => {
    const tiers = { fast: 'sim/echo', balanced: 'sim/lorem', strong: 'acme/big', reasoning: 'acme/think' };
    const { config } = parseConfig({ 'smartSelect.tiers': tiers });
    const examples: Record<Tier, string> = {
      fast: 'thanks!',
      balanced: 'Write a Python function that reverses the words in a sentence.',
      strong: 'Plan a zero-downtime migration of our user service from MySQL to Postgres across the API and two workers.',
      reasoning: 'Prove that there are infinitely many primes.',
    };
    for (const [tier, prompt] of Object.entries(examples) as [Tier, string][]) {
      const d = selectModel(ask(prompt), config);
      assert.equal(d.tier, tier, `${prompt} → ${d.tier}`);
      assert.equal(d.model, tiers[tier]);
      assert.equal(d.downgradedFrom, undefined);
    }
  });

  test('uses the catalog defaults when no tiers are configured', () => {
    assert.equal(selectModel(ask('Prove that 17 is prime.'), defaultConfig()).model, DEFAULT_TIERS.reasoning);
  });

  test('with budget.onExceed downgrade and the action in force, moves non-critical requests down one tier and says so', () => {
    const config = downgradeConfig();
    const over = budget(1.02, 'downgrade');
    const strong = selectModel(
      ask('Design the service boundaries for splitting our monolith into billing, orders and shipping services, with a rollout plan.'),
      config,
      over,
    );
    assert.equal(strong.downgradedFrom, 'strong');
    assert.equal(strong.tier, 'balanced');
    assert.equal(strong.model, config.smartSelect.tiers.balanced);
    assert.ok(
      strong.reasons.some((r) => /budget at 102% of \$20.*moved down from strong to balanced/.test(r)),
      strong.reasons.join('; '),
    );

    const balanced = selectModel(ask('Write a Python function that reverses the words in a sentence.'), config, over);
    assert.deepEqual([balanced.tier, balanced.downgradedFrom], ['fast', 'balanced']);

    const puzzle = selectModel(
      ask('A snail climbs 3 meters each day and slides back 2 meters each night in a 12-meter well. On which day does it get out?'),
      config,
      over,
    );
    assert.deepEqual([puzzle.tier, puzzle.downgradedFrom], ['strong', 'reasoning']);
  });

  test('never goes below fast, and keeps critical reasoning requests', () => {
    const config = downgradeConfig();
    const over = budget(1.5, 'downgrade');
    const fast = selectModel(ask('thanks!'), config, over);
    assert.deepEqual([fast.tier, fast.downgradedFrom], ['fast', undefined]);
    const proof = selectModel(ask('Prove that the sum of two odd numbers is even.'), config, over);
    assert.deepEqual([proof.tier, proof.downgradedFrom], ['reasoning', undefined]);
    assert.ok(
      proof.reasons.some((r) => /budget at 150%.*kept reasoning/.test(r)),
      proof.reasons.join('; '),
    );
  });

  test('starts downgrading at 90 % of the budget, not before, and only with onExceed downgrade', () => {
    const prompt = ask('Compare Kafka and RabbitMQ for our event pipeline and recommend one, with the trade-offs.');
    const config = downgradeConfig();
    assert.equal(selectModel(prompt, config).tier, 'strong');
    assert.equal(selectModel(prompt, config, budget(0.85, 'warn')).downgradedFrom, undefined);
    assert.equal(selectModel(prompt, config, budget(0.9, 'warn')).downgradedFrom, 'strong');
    for (const onExceed of ['warn', 'block'] as const) {
      const other = parseConfig({ 'budget.monthlyUsd': 20, 'budget.onExceed': onExceed }).config;
      assert.equal(budgetDowngradeActive(other, budget(1.2, onExceed)), false);
      assert.equal(selectModel(prompt, other, budget(1.2, onExceed)).tier, 'strong');
    }
    const noBudget = downgradeConfig();
    assert.equal(budgetDowngradeActive(noBudget, { monthSpentUsd: 5, todaySpentUsd: 5, limitUsd: 0, fraction: 0, action: 'ok' }), false);
  });
});
