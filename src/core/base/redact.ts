const KEY_SHAPES = /\b(sk|pk|rk)-[A-Za-z0-9_-]{8,}|\bBearer\s+[A-Za-z0-9._~+/-]{8,}=*/g;
const REDACTED = '‹redacted›';
/** A piece of a known key this long, left at an edge of a text someone cut, is treated as a leak. */
const MIN_KEY_PIECE = 8;

/**
 * Removes every known key and anything shaped like a key or bearer token. The text may already have been cut (by
 * an upstream, or by a read limit), so a piece of a known key of MIN_KEY_PIECE or more characters at either edge
 * goes too.
 */
export function redact(text: string, knownKeys: Iterable<string>): string {
  let out = text;
  for (const key of knownKeys) {
    if (key.length < 4) continue;
    out = out.split(key).join(REDACTED);
    if (key.length >= MIN_KEY_PIECE) out = redactEdges(out, key);
  }
  return out.replace(KEY_SHAPES, REDACTED);
}

/** Redacts the whole text, then cuts it to at most `max` characters (never through the middle of a redaction mark). */
export function redactAndCut(text: string, knownKeys: Iterable<string>, max: number): string {
  const clean = redact(text, knownKeys);
  if (clean.length <= max) return clean;
  let cut = clean.slice(0, Math.max(0, max - 3));
  const mark = cut.lastIndexOf(REDACTED[0]);
  if (mark >= 0 && mark + REDACTED.length > cut.length) cut = cut.slice(0, mark);
  return cut + '...';
}

/** The longest run (≥ MIN_KEY_PIECE) of `key` ending the text, and the one starting it, become the redaction mark. */
function redactEdges(text: string, key: string): string {
  let out = text;
  for (let n = Math.min(key.length, out.length); n >= MIN_KEY_PIECE; n--)
    if (key.includes(out.slice(-n))) {
      out = out.slice(0, -n) + REDACTED;
      break;
    }
  for (let n = Math.min(key.length, out.length); n >= MIN_KEY_PIECE; n--)
    if (key.includes(out.slice(0, n))) {
      out = REDACTED + out.slice(n);
      break;
    }
  return out;
}
