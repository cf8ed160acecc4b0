// smart-select learning from the user's corrections.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectionKey, selectModel, type SelectInput } from '../../src/core/select/select';
import { CORRECTIONS_TO_MOVE_UP, isStrongerChoice, learnedTier, SelectLearning, type LearningState, type LearningStore } from '../../src/core/select/learning';
import { parseConfig } from '../../src/core/config/settings';
import { createCore } from '../../src/core/createCore';
import type { ModelInfo } from '../../src/core/base/types';
import { similarityKeys } from '../../src/core/select/learningKeys';
import type { Evidence } from '../../src/core/select/cues';

const ask = (prompt: string): SelectInput => ({ messages: [{ role: 'user', content: prompt }] });
const tiers = { fast: 'acme/small', balanced: 'acme/medium', strong: 'acme/large', reasoning: 'acme/think' };
const config = parseConfig({ 'smartSelect.tiers': tiers }).config;

function memoryStore(initial?: unknown): LearningStore & { saved: LearningState[] } {
  let state = initial;
  const saved: LearningState[] = [];
  return { saved, load: () => state, save: (s) => void saved.push((state = JSON.parse(JSON.stringify(s)) as LearningState)) };
}

// Two different requests of the same kind: one function each, short, no code.
const WRITE_A = 'Escribe una función en Python que invierta una cadena.';
const WRITE_B = 'Escribe una función en Python que cuente las vocales de una cadena.';

describe('smart-select learning from corrections', () => {
  test(`moves similar prompts up one tier after ${CORRECTIONS_TO_MOVE_UP} corrections, and says why`, async () => {
    const learning = new SelectLearning(memoryStore());
    assert.equal(selectModel(ask(WRITE_A), config, undefined, learning).tier, 'balanced');
    assert.equal(selectionKey(ask(WRITE_A)), selectionKey(ask(WRITE_B)), 'the two requests count as similar');
    for (let i = 1; i < CORRECTIONS_TO_MOVE_UP; i++) {
      await learning.record(selectionKey(ask(i % 2 ? WRITE_A : WRITE_B)));
      assert.equal(selectModel(ask(WRITE_A), config, undefined, learning).tier, 'balanced', `moved after only ${i}`);
    }
    await learning.record(selectionKey(ask(WRITE_B)));
    const moved = selectModel(ask(WRITE_A), config, undefined, learning);
    assert.equal(moved.tier, 'strong');
    assert.equal(moved.model, tiers.strong);
    assert.equal(moved.reasons[0], 'moved up: you chose a stronger model for similar prompts 3 times');
  });

  test('leaves dissimilar prompts alone and never moves anything down', async () => {
    const learning = new SelectLearning(memoryStore());
    for (let i = 0; i < 5; i++) await learning.record(selectionKey(ask(WRITE_A)));
    for (const [prompt, tier] of [
      ['gracias, ya funciona', 'fast'],
      ['Demuestra que la raíz cuadrada de 2 es irracional.', 'reasoning'],
    ] as const) {
      assert.equal(selectModel(ask(prompt), config, undefined, learning).tier, tier, prompt);
    }
    assert.deepEqual(learnedTier('reasoning', 10), { tier: 'reasoning' });
    for (const tier of ['fast', 'balanced', 'strong'] as const) assert.equal(learnedTier(tier, 0).tier, tier);
  });

  test('a learning store written before cue ids (keys hashed from the reason texts) is still honoured', async () => {
    // These keys are what selectionKey returned for these prompts before cues had ids (commit 92c6389).
    const format1 = { [WRITE_A]: '8103cd37', 'Why does this deadlock sometimes under load? We use two mutexes in the worker pool.': '21337e26' };
    for (const [prompt, key] of Object.entries(format1)) {
      const before = selectModel(ask(prompt), config).tier;
      const learning = new SelectLearning(memoryStore({ version: 1, corrections: { [key]: CORRECTIONS_TO_MOVE_UP } }));
      const after = selectModel(ask(prompt), config, undefined, learning);
      assert.equal(after.tier, before === 'balanced' ? 'strong' : 'reasoning', prompt);
      assert.match(after.reasons[0], /^moved up/);
    }
    // Old and new corrections of the same kind of prompt add up; new ones are counted under the new key only.
    const store = memoryStore({ version: 1, corrections: { [format1[WRITE_A]]: CORRECTIONS_TO_MOVE_UP - 1 } });
    const learning = new SelectLearning(store);
    assert.equal(selectModel(ask(WRITE_A), config, undefined, learning).tier, 'balanced');
    await learning.record(selectionKey(ask(WRITE_B)));
    assert.notEqual(selectionKey(ask(WRITE_B)), format1[WRITE_A]);
    assert.equal(selectModel(ask(WRITE_A), config, undefined, learning).tier, 'strong');
  });

  test('the similarity key is made of cue ids, not of the text shown: rewording a reason keeps what was learned', () => {
    const evidence = (reason: string): Evidence[] => [
      { tier: 'strong', weight: 5, cue: 'concurrency', reason },
      { tier: 'strong', weight: 2, cue: 'intermittent', reason: 'an intermittent or subtle failure' },
      { tier: 'strong', weight: 1, cue: 'depth', reason: 'conversation depth 5 turns' },
    ];
    const keys = (reason: string) => similarityKeys({ tier: 'strong', words: 20, code: false, evidence: evidence(reason) });
    assert.equal(keys('a concurrency problem').key, keys('threads step on each other').key);
    assert.notEqual(keys('a concurrency problem').key, similarityKeys({ tier: 'strong', words: 20, code: false, evidence: evidence('x').slice(1) }).key);
    // A counted cue and a cue from an earlier turn do not split similar prompts.
    const earlier: Evidence = { tier: 'reasoning', weight: 2, cue: 'proof', reason: 'earlier in the conversation: asks for a proof', earlier: true };
    assert.equal(similarityKeys({ tier: 'strong', words: 20, code: false, evidence: [...evidence('a'), earlier] }).key, keys('a').key);
    assert.equal(similarityKeys({ tier: 'strong', words: 20, code: false, evidence: evidence('a').slice(0, 2) }).key, keys('a').key);
  });

  test('stores counts under hashed keys only: no text of the prompt', async () => {
    const store = memoryStore();
    const learning = new SelectLearning(store);
    await learning.record(selectionKey(ask('Rename the variable customerInvoiceTotal in billing.ts please')));
    const stored = JSON.stringify(store.saved.at(-1));
    for (const word of ['customerInvoiceTotal', 'billing', 'Rename', 'variable']) assert.ok(!stored.includes(word), stored);
    assert.match(stored, /^\{"version":1,"corrections":\{"[0-9a-f]{8}":1\}\}$/);
  });

  test('reads back what it saved, drops malformed entries, and resets to nothing', async () => {
    const store = memoryStore({ version: 1, corrections: { '0badc0de': 2, 'not a key': 5, deadbeef: -1, cafef00d: 'x' } });
    const learning = new SelectLearning(store);
    assert.equal(learning.correctionsFor('0badc0de'), 2);
    assert.equal(learning.correctionsFor('deadbeef'), 0);
    assert.equal(await learning.record('0badc0de'), 3);
    assert.equal(new SelectLearning(store).correctionsFor('0badc0de'), 3);
    await learning.reset();
    assert.equal(learning.correctionsFor('0badc0de'), 0);
    assert.equal(new SelectLearning(store).correctionsFor('0badc0de'), 0);
    for (const junk of [undefined, null, 'x', 42, { corrections: [] }]) assert.equal(new SelectLearning(memoryStore(junk)).correctionsFor('0badc0de'), 0);
  });

  test('a stronger choice is a higher configured tier, or a pricier model than the chosen tier', () => {
    const price = (output: number): ModelInfo => ({ id: 'x', provider: 'x', pricing: { input: 0, output }, contextWindow: 1, tags: [], source: 'builtin' });
    const catalog: Record<string, ModelInfo> = { [tiers.balanced]: price(2e-6), 'other/premium': price(3e-5), 'other/cheap': price(1e-7) };
    const lookup = (id: string) => catalog[id];
    assert.equal(isStrongerChoice(tiers.strong, 'balanced', config, lookup), true);
    assert.equal(isStrongerChoice(tiers.fast, 'balanced', config, lookup), false);
    assert.equal(isStrongerChoice(tiers.balanced, 'balanced', config, lookup), false);
    assert.equal(isStrongerChoice('other/premium', 'balanced', config, lookup), true);
    assert.equal(isStrongerChoice('other/cheap', 'balanced', config, lookup), false);
    assert.equal(isStrongerChoice('unknown/model', 'balanced', config, lookup), false);
    assert.equal(isStrongerChoice('smart-select', 'fast', config, lookup), false);
  });

  test('the core counts only stronger choices, and its selection follows', async () => {
    const store = memoryStore();
    const dir = mkdtempSync(join(tmpdir(), 'sb-learn-'));
    const core = await createCore({ config, keys: async () => undefined, usageFile: join(dir, 'usage.jsonl'), selectLearning: store });
    try {
      assert.equal(await core.recordSelectCorrection(ask(WRITE_A), tiers.fast), false);
      assert.equal(store.saved.length, 0);
      for (let i = 0; i < CORRECTIONS_TO_MOVE_UP; i++) assert.equal(await core.recordSelectCorrection(ask(i % 2 ? WRITE_A : WRITE_B), tiers.strong), true);
      assert.equal(core.select(ask(WRITE_A)).tier, 'strong');
      assert.equal(await core.recordSelectCorrection(ask(WRITE_A), tiers.strong), false, 'strong is no longer a stronger choice');
      await core.resetSelectLearning();
      assert.equal(core.select(ask(WRITE_A)).tier, 'balanced');
    } finally {
      core.dispose();
    }
  });
});
