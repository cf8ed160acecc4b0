// Issue 25 item 4: Explain with nothing selected never sends an empty code block.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { explainTarget } from '../../src/core/prompt/explainTarget';

const FILE = [
  'import os', // 0
  'import sys', // 1
  '', // 2
  '', // 3
  'def fibonacci(n):', // 4
  '    a, b = 0, 1', // 5
  '', // 6 (blank line inside the function)
  '    return a', // 7
  '', // 8
  '', // 9
  '', // 10
  'print(fibonacci(10))', // 11
];
const FUNCTIONS = [{ start: 4, end: 7 }];

describe('Explain with nothing selected', () => {
  test('inside a function: the innermost function', () => {
    assert.deepEqual(explainTarget({ lines: FILE, cursorLine: 5, functions: [{ start: 0, end: 11 }, ...FUNCTIONS] }), { start: 4, end: 7 });
  });

  test('a line of code outside any function: that line', () => {
    assert.deepEqual(explainTarget({ lines: FILE, cursorLine: 11, functions: FUNCTIONS }), { start: 11, end: 11 });
  });

  test('an empty line outside any function: the nearest block, never the empty line', () => {
    assert.deepEqual(explainTarget({ lines: FILE, cursorLine: 3, functions: FUNCTIONS }), { start: 4, end: 7 }, 'the function just below');
    assert.deepEqual(explainTarget({ lines: FILE, cursorLine: 2, functions: FUNCTIONS }), { start: 0, end: 1 }, 'the imports just above');
    assert.deepEqual(explainTarget({ lines: FILE, cursorLine: 10, functions: FUNCTIONS }), { start: 11, end: 11 }, 'the run of lines below');
  });

  test('an empty line inside a function: that function', () => {
    assert.deepEqual(explainTarget({ lines: FILE, cursorLine: 6, functions: FUNCTIONS }), { start: 4, end: 7 });
  });

  test('a file of blank lines, or an empty one: nothing to explain', () => {
    assert.equal(explainTarget({ lines: ['', '   ', ''], cursorLine: 1, functions: [] }), undefined);
    assert.equal(explainTarget({ lines: [], cursorLine: 0, functions: [] }), undefined);
  });
});
