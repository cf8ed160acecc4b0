// Pins the context window Explain Selection (and @switchboard /explain) sizes its prompt by: `Core.maxPromptChars`
// over `resolveModel`, for an alias chain and for smart-select (the smallest window among its tiers).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/core/config/settings';
import { createCore, type Core } from '../../src/core/createCore';
import { buildExplainPrompt } from '../../src/core/prompt/explainPrompt';
import { resolveModel } from '../../src/core/config/names';

let dir: string;
let core: Core;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-window-'));
  const { config, problems } = parseConfig({
    'gateway.preset': 'custom',
    'gateway.baseUrl': 'http://127.0.0.1:9/v1', // nothing listens: the built-in catalog is what counts
    aliases: { quick: 'careful', careful: 'anthropic/claude-opus-4.1', thinker: 'openai/o3' },
    'smartSelect.tiers': { fast: 'openai/gpt-4o-mini', balanced: 'openai/gpt-4.1', strong: 'anthropic/claude-sonnet-4.5', reasoning: 'thinker' },
  });
  assert.deepEqual(problems, []);
  core = await createCore({ config, keys: async () => undefined, usageFile: join(dir, 'usage.jsonl') });
});
after(() => {
  core.dispose();
  rmSync(dir, { recursive: true, force: true });
});

// 3 characters per token, half of the window for the code.
const chars = (tokens: number) => Math.floor(tokens * 3 * 0.5);

test('an alias chain is followed to its end (quick → careful → claude-opus-4.1, 200k tokens)', () => {
  assert.deepEqual(resolveModel('quick', core.config()), { smartSelect: false, ids: ['anthropic/claude-opus-4.1'] });
  assert.equal(core.maxPromptChars('quick'), chars(200_000));
});

test('smart-select fits the smallest window among its tiers, aliases in tiers followed (gpt-4o-mini, 128k)', () => {
  assert.deepEqual(resolveModel('smart-select', core.config()).ids, ['openai/gpt-4o-mini', 'openai/gpt-4.1', 'anthropic/claude-sonnet-4.5', 'openai/o3']);
  assert.equal(core.maxPromptChars('smart-select'), chars(128_000));
});

test('Explain Selection trims a selection to that size', () => {
  const code = 'x'.repeat(chars(200_000) + 1000);
  const p = buildExplainPrompt({
    code,
    languageId: 'ts',
    fileName: 'a.ts',
    startLine: 1,
    endLine: 1,
    before: '',
    after: '',
    maxChars: core.maxPromptChars('quick'),
  });
  assert.ok(p.trimmedChars >= 1000 && p.trimmedChars < 2000, String(p.trimmedChars));
});
