// Keys out of every text that may be shown, logged or stored: known keys, any piece of one, and key-shaped tokens.
const KEY_SHAPES = /\b(sk|pk|rk)-[A-Za-z0-9_-]{8,}|\bBearer\s+[A-Za-z0-9._~+/-]{8,}=*/g;
const REDACTED = '‹redacted›';
/** A run of a known key this long, anywhere in a text, is treated as a leak (an upstream may quote a cut key). */
const MIN_KEY_PIECE = 8;

/**
 * Removes every known key, every run of MIN_KEY_PIECE or more characters of one wherever it stands (a text may quote
 * a key cut short, at its edges or in its middle), and anything shaped like a key or bearer token.
 */
export function redact(text: string, knownKeys: Iterable<string>): string {
  let out = text;
  for (const key of knownKeys) {
    if (key.length < 4) continue;
    out = out.split(key).join(REDACTED);
    if (key.length >= MIN_KEY_PIECE) out = redactPieces(out, key);
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

/** Every stretch of the text covered by MIN_KEY_PIECE-character pieces of `key` becomes one redaction mark. */
function redactPieces(text: string, key: string): string {
  if (text.length < MIN_KEY_PIECE) return text;
  const pieces = new Set<string>();
  for (let i = 0; i + MIN_KEY_PIECE <= key.length; i++) pieces.add(key.slice(i, i + MIN_KEY_PIECE));
  let out = '';
  let copiedTo = 0;
  let coveredTo = -1;
  let runStart = -1;
  for (let i = 0; i + MIN_KEY_PIECE <= text.length; i++) {
    if (!pieces.has(text.slice(i, i + MIN_KEY_PIECE))) continue;
    if (i > coveredTo) {
      if (runStart >= 0) {
        out += text.slice(copiedTo, runStart) + REDACTED;
        copiedTo = coveredTo;
      }
      runStart = i;
    }
    coveredTo = i + MIN_KEY_PIECE;
  }
  if (runStart < 0) return text;
  return out + text.slice(copiedTo, runStart) + REDACTED + text.slice(coveredTo);
}
