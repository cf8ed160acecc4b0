// Which textual cues a request shows: the English cue table (english.ts) and the other languages' (lexicon.ts) as
// one list, found with two one-pass scanners (scan.ts) — one for the fast tier's cues over the trimmed prompt, one
// for the rest over the prompt and then over earlier turns — plus the cues that also read pasted logs.
import type { Tier } from '../base/types';
import { cueText, type TextCueId } from './cues';
import { ENGLISH_CUES, englishMatcher } from './english';
import { allTerms, LEXICON, MATCHES_INSIDE_WORDS } from './lexicon';
import { CueScanner, type ScanTerm, type WholeTerm } from './scan';

/** One row of the cue tables, ready to score: adds `weight` to `tier` when found. */
export interface CueRow {
  cue: TextCueId;
  tier: Tier;
  weight: number;
  reason: string;
  /** Marks cues after which a wrong answer is worthless: such reasoning requests are not downgraded by the budget. */
  critical?: boolean;
  /** Counts only when the whole prompt is at most this many characters (greetings, thanks). */
  maxChars?: number;
  /** Also read pasted logs and traces (what a log says, e.g. OOMKilled): the cue's whole regex, run on them. */
  inLogs?: RegExp;
}

const rows: CueRow[] = [];
const fastTerms: ScanTerm[] = [];
const fastWhole: WholeTerm[] = [];
const otherTerms: ScanTerm[] = [];
const otherWhole: WholeTerm[] = [];

for (const c of ENGLISH_CUES) {
  const cue = rows.length;
  rows.push({ cue: c.cue, tier: c.tier, weight: c.weight, reason: cueText(c.cue), critical: c.critical, inLogs: c.inLogs ? englishMatcher(c) : undefined });
  const terms = c.tier === 'fast' ? fastTerms : otherTerms;
  for (const w of c.words ?? []) terms.push({ cue, source: `(?:${w})\\b`, lead: w, start: 'asciiWord' });
  for (const s of c.starts ?? []) terms.push({ cue, source: `(?:${s})`, lead: s, start: 'asciiWord' });
  // A pattern carries its own anchors and boundaries, which a sticky regex checks at the position it is tried.
  for (const p of c.patterns ?? []) terms.push({ cue, source: p, start: 'anywhere' });
}
for (const c of LEXICON) {
  const cue = rows.length;
  rows.push({ cue: c.cue, tier: c.tier, weight: c.weight, reason: cueText(c.cue), critical: c.critical, maxChars: c.openingWithin });
  const [terms, whole] = c.tier === 'fast' ? [fastTerms, fastWhole] : [otherTerms, otherWhole];
  const list = allTerms(c.terms);
  if (c.openingWithin) whole.push({ cue, re: new RegExp(`^[\\s¡¿]*(?:${list.join('|')})`) });
  else for (const t of list) terms.push({ cue, source: t, start: MATCHES_INSIDE_WORDS.test(t) ? 'anywhere' : 'anyWord' });
}

/** Every cue row, English first, in the order evidence is reported. */
export const CUE_ROWS: readonly CueRow[] = rows;

const FAST = new CueScanner(fastTerms, fastWhole);
const OTHER = new CueScanner(otherTerms, otherWhole);

export interface CueTexts {
  /** The prompt's prose, lower-cased. */
  prose: string;
  /** Pasted logs and traces, lower-cased ('' when none). */
  traces: string;
  /** Earlier user turns, lower-cased ('' when none). */
  history: string;
}

export interface FoundCues {
  /** Per row of CUE_ROWS: 1 when the request shows it. */
  found: Uint8Array;
  /** Per row: 1 when only an earlier turn shows it (never for fast cues). */
  earlier: Uint8Array;
}

/** Which cue rows the request shows. The arrays are reused by the next call: read them before calling again. */
const found = new Uint8Array(rows.length);
const seen = new Uint8Array(rows.length);
const earlier = new Uint8Array(rows.length);

export function findCues(t: CueTexts): FoundCues {
  found.fill(0);
  earlier.fill(0);
  FAST.scan(t.prose.trim(), found);
  OTHER.scan(t.prose, found);
  if (t.traces) rows.forEach((r, i) => r.inLogs && !found[i] && r.inLogs.test(t.traces) && (found[i] = 1));
  if (t.history) {
    // Earlier turns are scanned for what the request does not show (fast cues are about the request alone).
    seen.set(found);
    OTHER.scan(t.history, seen);
    for (let i = 0; i < rows.length; i++) earlier[i] = seen[i] & ~found[i] & 1;
  }
  return { found, earlier };
}
