// Whether a key can travel in `Authorization: Bearer <key>`. Node and undici throw synchronously on a header value
// with a line break, a control character or a character above U+00FF; a key with a space is a paste error. Checked
// where a key enters (Set API Key, the environment), so the failure is a clear message and never a request that
// throws half-way. The message names the character by code point and position, never the key.

const hex = (c: number) => c.toString(16).toUpperCase().padStart(4, '0');

/** Why `key` cannot be sent as a bearer token, or undefined when it can. Never quotes the key. */
export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'is empty';
  const chars = [...key];
  for (const [i, ch] of chars.entries()) {
    const c = ch.codePointAt(0) ?? 0;
    const at = `at character ${i + 1} of ${chars.length}`;
    if (c === 0x0a || c === 0x0d) return `contains a line break ${at}`;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return `contains the control character U+${hex(c)} ${at}`;
    if (c === 0x20 || c === 0xa0) return `contains a space ${at}`;
    if (c > 0xff)
      return `contains U+${hex(c)} ${at}, which an HTTP header cannot carry (only Latin-1); a copied key sometimes picks up a typographic quote or dash`;
  }
  return undefined;
}
