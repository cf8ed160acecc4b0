// buildExplainPrompt: the code, its language and surroundings, trimmed to fit.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildExplainPrompt, type ExplainInput } from '../../src/core/prompt/explainPrompt';

const base: ExplainInput = {
  code: 'def add(a, b):\n    return a + b',
  languageId: 'python',
  fileName: 'src/math.py',
  startLine: 3,
  endLine: 4,
  before: 'import os\n\n',
  after: '\nprint(add(1, 2))\n',
  maxChars: 10_000,
};

describe('buildExplainPrompt', () => {
  test('names the language, the file and the lines, and carries the code with its surroundings', () => {
    const p = buildExplainPrompt(base);
    assert.match(p.prompt, /python code from src\/math\.py \(lines 3-4\)/);
    assert.ok(p.prompt.includes('```python\ndef add(a, b):\n    return a + b\n```'));
    assert.ok(p.prompt.includes('import os'));
    assert.ok(p.prompt.includes('print(add(1, 2))'));
    assert.equal(p.title, 'Explain src/math.py:3-4');
    assert.equal(p.trimmedChars, 0);
  });

  test('a single line says "line N"', () => {
    const p = buildExplainPrompt({ ...base, code: 'x = 1', startLine: 7, endLine: 7 });
    assert.match(p.prompt, /\(line 7\)/);
    assert.equal(p.title, 'Explain src/math.py:7');
  });

  test('a selection larger than the model can take is trimmed, and the prompt says by how much', () => {
    const code = 'x = 1\n'.repeat(1000);
    const p = buildExplainPrompt({ ...base, code, maxChars: 600 });
    assert.equal(p.trimmedChars, code.length - 600);
    assert.match(p.prompt, new RegExp(`trimmed by ${code.length - 600} characters`));
    assert.ok(p.prompt.length < 600 + 2500, `prompt length ${p.prompt.length}`);
  });

  test('code that contains a fence gets a longer fence, so the block cannot be closed early', () => {
    const p = buildExplainPrompt({ ...base, languageId: 'markdown', code: 'Text\n```js\nalert(1)\n```\n' });
    assert.ok(p.prompt.includes('````markdown\n'), p.prompt);
  });
});
