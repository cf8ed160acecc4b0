const KEY_SHAPES = /\b(sk|pk|rk)-[A-Za-z0-9_-]{8,}|\bBearer\s+[A-Za-z0-9._~+/-]{8,}=*/g;

/** Removes every known key and anything shaped like a key or bearer token. */
export function redact(text: string, knownKeys: Iterable<string>): string {
  let out = text;
  for (const key of knownKeys) if (key.length >= 4) out = out.split(key).join('‹redacted›');
  return out.replace(KEY_SHAPES, '‹redacted›');
}
