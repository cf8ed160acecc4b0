// Finds which of many cues occur in a text in one pass over it. Each cue is a list of terms (regex fragments); a term
// is filed under the one- or two-character prefixes its matches start with (prefixes.ts), so at each position of the
// text only the few terms that could start there are tried, each as a sticky regex. The answer is the same as running
// each cue's whole alternation over the text, at a fraction of the work: ~90 cues become one walk over the
// characters. Terms whose start cannot be known run as whole regexes, as before.
import { matchPrefixes } from './prefixes';

/** Where a term may start: anywhere, where an ASCII `\b` holds (English), or at a word start in any script. */
export type TermStart = 'anywhere' | 'asciiWord' | 'anyWord';

export interface ScanTerm {
  /** The cue the term belongs to: an index into the scanner's cues. */
  cue: number;
  /** Regex source, matched from the term's start position. */
  source: string;
  /** The same without what cannot change where a match starts (a trailing `\b`), when that reads faster. */
  lead?: string;
  start: TermStart;
}

/** A regex that must be run over the whole text (anchored patterns, terms without a known start). */
export interface WholeTerm {
  cue: number;
  re: RegExp;
}

interface Sticky {
  cue: number;
  source: string;
  /** Compiled on the first try: most terms are never tried in a session. */
  re: RegExp | undefined;
  start: TermStart;
}

/** A node of the prefix trie: the terms filed under the characters that lead here, and what may follow. */
interface Node {
  terms: Sticky[];
  next: Map<number, Node> | undefined;
}

const ASCII_WORD = /\w/;
const ANY_WORD = /[\p{L}\p{M}\p{N}]/u;

const newNode = (): Node => ({ terms: [], next: undefined });

function file(root: Node, prefix: string, t: Sticky): void {
  let node = root;
  for (let k = 0; k < prefix.length; k++) {
    const c = prefix.charCodeAt(k);
    node.next ??= new Map();
    let child = node.next.get(c);
    if (!child) node.next.set(c, (child = newNode()));
    node = child;
  }
  node.terms.push(t);
}

const isAsciiWord = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 95;

export class CueScanner {
  /** Terms that start at a word start (ASCII `\b` or any script's), by their first characters. */
  private readonly atWords = newNode();
  /** Terms that may start anywhere (scripts without spaces between words). */
  private readonly anywhere = newNode();
  private readonly whole: WholeTerm[] = [];

  constructor(terms: readonly ScanTerm[], whole: readonly WholeTerm[] = []) {
    this.whole.push(...whole);
    for (const t of terms) {
      const prefixes = matchPrefixes(t.lead ?? t.source);
      // An ASCII `\b` before a term is "not after a word character" only when the term starts with one.
      if (!prefixes || (t.start === 'asciiWord' && prefixes.some((p) => !ASCII_WORD.test(p[0])))) {
        if (t.start === 'anyWord') throw new Error(`scan: a word-start term needs a known first character: ${t.source}`);
        this.whole.push({ cue: t.cue, re: new RegExp(`${t.start === 'asciiWord' ? '\\b' : ''}(?:${t.source})`) });
        continue;
      }
      const sticky: Sticky = { cue: t.cue, source: t.source, re: undefined, start: t.start };
      for (const p of prefixes) file(t.start === 'anywhere' ? this.anywhere : this.atWords, p, sticky);
    }
  }

  /** Sets `found[cue] = 1` for every cue that occurs in `text`; cues already set are not looked for again. */
  scan(text: string, found: Uint8Array): void {
    for (const w of this.whole) if (!found[w.cue] && w.re.test(text)) found[w.cue] = 1;
    const words = this.atWords.next;
    const anywhere = this.anywhere.next;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      const node = words?.get(c);
      if (node) {
        // `\b` sees only ASCII word characters (so a term may start after "é"); a word start in any script sees
        // every letter, mark and digit, but not "_".
        const p = i > 0 ? text.charCodeAt(i - 1) : 32;
        const prevAscii = isAsciiWord(p);
        const prevAny = prevAscii ? p !== 95 : p >= 0xaa && ANY_WORD.test(text[i - 1]);
        if (!prevAscii || !prevAny) walk(node, text, i, found, prevAscii ? 'anyWord' : prevAny ? 'asciiWord' : undefined);
      }
      if (anywhere) {
        const far = anywhere.get(c);
        if (far) walk(far, text, i, found, undefined);
      }
    }
  }
}

/** Tries the terms along the trie path that `text` takes from position `i`; `only` limits them to one start kind. */
function walk(first: Node, text: string, i: number, found: Uint8Array, only: TermStart | undefined): void {
  let node: Node | undefined = first;
  for (let k = 1; node; k++) {
    for (const t of node.terms) {
      if (found[t.cue] || (only && t.start !== only)) continue;
      const re = (t.re ??= new RegExp(t.source, 'y'));
      re.lastIndex = i;
      if (re.test(text)) found[t.cue] = 1;
    }
    node = node.next && i + k < text.length ? node.next.get(text.charCodeAt(i + k)) : undefined;
  }
}
