// smart-select's one-pass cue scan (scan.ts, prefixes.ts, findCues.ts) finds exactly what each cue's own regex
// finds: on every labelled prompt, and at the word edges where English `\b` and the other languages' word starts differ.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CUE_ROWS, findCues } from '../../src/core/select/findCues';
import { ENGLISH_CUES, englishMatcher } from '../../src/core/select/english';
import { allTerms, LEXICON, termMatcher } from '../../src/core/select/lexicon';
import { CueScanner } from '../../src/core/select/scan';
import { matchPrefixes } from '../../src/core/select/prefixes';

const fixtures = join(__dirname, '..', 'fixtures');
const prompts = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { prompt: string }).prompt);

function labelledTexts(): string[] {
  const all = prompts(join(fixtures, 'prompts.jsonl'));
  for (const split of ['train', 'heldout'])
    for (const f of readdirSync(join(fixtures, 'select', split))) all.push(...prompts(join(fixtures, 'select', split, f)));
  const lower = all.map((p) => p.toLowerCase());
  return [...lower, ...lower.flatMap((p) => p.split(/[.\n]/))];
}

/** Each row's own matcher, built the way each cue table describes it. */
const reference: { test(text: string): boolean }[] = [
  ...ENGLISH_CUES.map(englishMatcher),
  ...LEXICON.map((c) => (c.openingWithin ? new RegExp(`^[\\s¡¿]*(?:${allTerms(c.terms).join('|')})`) : termMatcher(allTerms(c.terms)))),
];

describe('smart-select cue scan', () => {
  test('finds on every labelled prompt exactly the cues their own regexes find', () => {
    assert.equal(reference.length, CUE_ROWS.length);
    let hits = 0;
    for (const text of labelledTexts()) {
      const { found } = findCues({ prose: text, traces: '', history: '' });
      CUE_ROWS.forEach((row, i) => {
        const expected = reference[i].test(row.tier === 'fast' ? text.trim() : text);
        if (expected) hits++;
        assert.equal(found[i] === 1, expected, `${row.cue} (row ${i}) on ${JSON.stringify(text.slice(0, 120))}`);
      });
    }
    assert.ok(hits > 1000, `only ${hits} cues found: the comparison would prove little`);
  });

  test('earlier turns are scanned only for what the request does not show, and never for fast cues', () => {
    const row = (cue: string) => CUE_ROWS.findIndex((r) => r.cue === cue);
    const { found, earlier } = findCues({ prose: 'is there a deadlock here?', traces: '', history: 'prove it. thanks' });
    assert.equal(found[row('concurrency')], 1);
    assert.equal(earlier[row('proof')], 1);
    assert.equal(earlier[row('concurrency')], 0);
    assert.equal(earlier[row('smallTalk')], 0);
  });

  test('word starts: English `\\b` sees only ASCII word characters, the other scripts see every letter but "_"', () => {
    const scanner = new CueScanner([
      { cue: 0, source: '(?:leak)\\b', start: 'asciiWord' },
      { cue: 1, source: 'demuestr', start: 'anyWord' },
      { cue: 2, source: '证明', start: 'anywhere' },
      { cue: 3, source: '\\bo\\(n\\)', start: 'anywhere' },
    ]);
    const found = (text: string) => {
      const out = new Uint8Array(4);
      scanner.scan(text, out);
      return [...out];
    };
    assert.deepEqual(found('a leak'), [1, 0, 0, 0]);
    assert.deepEqual(found('éleak'), [1, 0, 0, 0], '\\b holds after a non-ASCII letter');
    assert.deepEqual(found('leaky _leak'), [0, 0, 0, 0]);
    assert.deepEqual(found('foo_demuestra xdemuestra'), [0, 1, 0, 0], '"_" is not a letter');
    assert.deepEqual(found('édemuestra'), [0, 0, 0, 0]);
    assert.deepEqual(found('请证明 in o(n)'), [0, 0, 1, 1]);
    assert.deepEqual(found('foo(n)'), [0, 0, 0, 0]);
  });

  test('prefixes: every match starts with one; unknown starts are said so', () => {
    assert.deepEqual(matchPrefixes('prove|proof'), ['pro']);
    assert.deepEqual(matchPrefixes('(?:always|never) ends?')?.sort(), ['alw', 'nev']);
    assert.deepEqual(matchPrefixes('a.{0,5}b'), ['a'], 'an optional unknown ends the prefix');
    assert.deepEqual(matchPrefixes('r?ea')?.sort(), ['ea', 'rea']);
    assert.deepEqual(matchPrefixes('ab+c'), ['ab']);
    assert.deepEqual(matchPrefixes('kaç (?:farklı )?şekilde'), ['kaç'], 'a literal start is read without parsing');
    assert.deepEqual(matchPrefixes('ab?c'), ['a'], 'a quantifier makes the last literal optional');
    assert.deepEqual(matchPrefixes('ab|cd')?.sort(), ['ab', 'cd'], 'a top-level alternation is parsed');
    assert.deepEqual(matchPrefixes('[ωθ]\\(')?.sort(), ['θ(', 'ω(']);
    assert.equal(matchPrefixes('^\\s*hi'), undefined);
    assert.equal(matchPrefixes('(?:a|b)?'), undefined);
    assert.equal(matchPrefixes('[^x]y'), undefined);
  });
});
