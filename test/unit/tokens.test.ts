// Token estimates: the tokenizer loaded on first use, the usual ranges, special-token markers counted as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateTokens, estimatePromptTokens, tokenizerLoaded } from '../../src/core/prompt/tokens';

test('the tokenizer is loaded on first use, not on import', () => {
  assert.equal(tokenizerLoaded(), false);
  assert.equal(estimateTokens(''), 0);
  assert.equal(tokenizerLoaded(), false, 'empty text needs no tokenizer');
  assert.equal(estimateTokens('hello world'), 2);
  assert.equal(tokenizerLoaded(), true);
});

test('estimates are in the usual range for English prose and code', () => {
  const prose = 'The quick brown fox jumps over the lazy dog while the router picks the cheapest model that can answer. '.repeat(20);
  const n = estimateTokens(prose);
  assert.ok(n > prose.length / 6 && n < prose.length / 3, `${n} tokens for ${prose.length} chars`);
  const code = 'function add(a: number, b: number): number {\n  return a + b;\n}\n';
  assert.ok(estimateTokens(code) >= 15 && estimateTokens(code) <= 30, String(estimateTokens(code)));
});

test('special-token markers in user text are counted as text, not rejected', () => {
  assert.ok(estimateTokens('before <|endoftext|> after') > 3);
});

test('prompt estimate counts every message plus chat framing, ignoring non-text parts', () => {
  const a = 'Explain closures in JavaScript.';
  const b = 'A closure is a function that captures variables from its enclosing scope.';
  const total = estimatePromptTokens([
    { role: 'system', content: a },
    {
      role: 'user',
      content: [
        { type: 'text', text: b },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
      ],
    },
  ]);
  assert.equal(total, estimateTokens(a) + estimateTokens(b) + 2 * 3 + 3);
});
