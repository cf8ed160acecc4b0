// The first one to three characters any match of a regex fragment can start with, read from its source: what lets
// scan.ts try a term only where the text could hold it. Covers the subset of regex syntax the cue tables use
// (literals, escapes, classes, groups, alternation, quantifiers, look-arounds); an assertion is skipped, which only
// widens the answer. Whatever it cannot read ends a prefix early, and a term with no known first character gets
// `undefined` (the caller then runs it the slow way): the answer may be wider than needed, never narrower.

/** A character set (one or more candidates), a group of alternatives, or something without a known character. */
type Atom =
  | { kind: 'chars'; chars: readonly string[]; min: number; max: number }
  | { kind: 'group'; alts: Atom[][]; min: number; max: number }
  | { kind: 'zeroWidth' }
  | { kind: 'unknown' };

const MAX_CLASS = 64;
const MAX_PREFIXES = 256;
const DIGITS = '0123456789'.split('');

class Parser {
  pos = 0;
  constructor(private readonly src: string) {}

  alternatives(): Atom[][] {
    const alts: Atom[][] = [[]];
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === ')') break;
      if (c === '|') {
        this.pos++;
        alts.push([]);
        continue;
      }
      alts[alts.length - 1].push(this.quantified(this.atom()));
    }
    return alts;
  }

  private atom(): Atom {
    const s = this.src;
    const c = s[this.pos++];
    if (c === '(') {
      let lookaround = false;
      if (s[this.pos] === '?') {
        const k = s[this.pos + 1];
        lookaround = k === '=' || k === '!' || k === '<';
        this.pos += k === '<' && (s[this.pos + 2] === '=' || s[this.pos + 2] === '!') ? 3 : 2;
      }
      const alts = this.alternatives();
      this.pos++; // ')'
      return lookaround ? { kind: 'zeroWidth' } : { kind: 'group', alts, min: 1, max: 1 };
    }
    if (c === '[') return this.charClass();
    if (c === '\\') return this.escape();
    if (c === '^' || c === '$') return { kind: 'zeroWidth' };
    if (c === '.') return { kind: 'unknown' };
    return { kind: 'chars', chars: [c], min: 1, max: 1 };
  }

  private escape(): Atom {
    const e = this.src[this.pos++];
    if (e === 'b' || e === 'B') return { kind: 'zeroWidth' };
    if (e === 'd') return { kind: 'chars', chars: DIGITS, min: 1, max: 1 };
    if (/[wWsSDpPuxcnrtfv0-9]/.test(e)) return { kind: 'unknown' };
    return { kind: 'chars', chars: [e], min: 1, max: 1 };
  }

  private charClass(): Atom {
    const s = this.src;
    const chars: string[] = [];
    let readable = s[this.pos] !== '^';
    while (this.pos < s.length && s[this.pos] !== ']') {
      let c = s[this.pos++];
      if (c === '\\') {
        const e = s[this.pos++];
        if (e === 'd') {
          chars.push(...DIGITS);
          continue;
        }
        if (/[wWsSDpPuxcnrtfvbB0-9]/.test(e)) readable = false;
        c = e;
      }
      if (s[this.pos] === '-' && s[this.pos + 1] !== ']' && s[this.pos + 1] !== undefined) {
        const to = s[this.pos + 1] === '\\' ? s[this.pos + 2] : s[this.pos + 1];
        this.pos += s[this.pos + 1] === '\\' ? 3 : 2;
        const from = c.charCodeAt(0);
        const end = to.charCodeAt(0);
        if (end - from > MAX_CLASS) readable = false;
        else for (let k = from; k <= end; k++) chars.push(String.fromCharCode(k));
        continue;
      }
      chars.push(c);
    }
    this.pos++; // ']'
    return readable && chars.length <= MAX_CLASS ? { kind: 'chars', chars, min: 1, max: 1 } : { kind: 'unknown' };
  }

  private quantified(a: Atom): Atom {
    const s = this.src;
    const q = s[this.pos];
    let min = 1;
    let max = 1;
    if (q === '?' || q === '*' || q === '+') {
      this.pos++;
      min = q === '+' ? 1 : 0;
      max = q === '?' ? 1 : Infinity;
    } else if (q === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.pos));
      if (m) {
        this.pos += m[0].length;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      }
    } else return a;
    if (s[this.pos] === '?') this.pos++; // lazy
    // An assertion stays zero-width however often it repeats; something unknown stays unknown, even when optional.
    return a.kind === 'chars' || a.kind === 'group' ? { ...a, min, max } : a;
  }
}

/** Characters with a meaning in a regex source; any other character matches itself. */
const META = new Set(['\\', '[', ']', '(', ')', '{', '}', '?', '*', '+', '|', '.', '^', '$']);
const QUANTIFIER = new Set(['?', '*', '{']);

/**
 * The common case, read without parsing: a source that starts with literal characters and has no top-level
 * alternation. Returns its first `k` literal characters (fewer when a quantifier makes the last one optional).
 */
function literalStart(source: string, k: number): string | undefined {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return undefined;
  }
  let n = 0;
  while (n < k && n < source.length && !META.has(source[n])) n++;
  if (n < source.length && QUANTIFIER.has(source[n])) n--;
  return n > 0 ? source.slice(0, n) : undefined;
}

class TooMany extends Error {}

function add(out: Set<string>, p: string): void {
  out.add(p);
  if (out.size > MAX_PREFIXES) throw new TooMany();
}

/** Prefixes of length ≤ k of what `seq` can match; '' in the answer means "nothing known from here on". */
function prefixesOf(seq: readonly Atom[], k: number): Set<string> {
  if (k === 0 || seq.length === 0) return new Set(['']);
  const [a, ...rest] = seq;
  if (a.kind === 'zeroWidth') return prefixesOf(rest, k);
  if (a.kind === 'unknown') return new Set(['']);
  const out = new Set<string>();
  if (a.min === 0) for (const p of prefixesOf(rest, k)) add(out, p);
  // After one repetition of something that may repeat, what follows is not known: stop the prefix there.
  const after: readonly Atom[] = a.max > 1 ? [{ kind: 'unknown' }] : rest;
  if (a.kind === 'chars') {
    const tails = prefixesOf(after, k - 1);
    for (const c of a.chars) for (const t of tails) add(out, c + t);
  } else {
    for (const alt of a.alts) for (const p of prefixesOf([...alt, ...after], k)) add(out, p);
  }
  return out;
}

/**
 * Strings of one to `maxLength` characters such that every match of `source` starts with one of them, or undefined
 * when its first character cannot be known (then the fragment must be run as a whole).
 */
export function matchPrefixes(source: string, maxLength = 3): string[] | undefined {
  const literal = literalStart(source, maxLength);
  if (literal) return [literal];
  const parser = new Parser(source);
  const seq = [{ kind: 'group', alts: parser.alternatives(), min: 1, max: 1 } as Atom];
  for (let k = maxLength; k >= 1; k--) {
    try {
      const prefixes = prefixesOf(seq, k);
      return prefixes.has('') ? undefined : [...prefixes];
    } catch (e) {
      if (!(e instanceof TooMany)) throw e;
    }
  }
  return undefined;
}
