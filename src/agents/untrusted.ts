// Text and JSON from a client, as every dialect of the gateway reads them: the shape checks their 400s name, the
// nesting limit, and log-safe text (control characters out and a length cap, so a model or tool name cannot forge a
// log line with CR/LF, move a terminal's cursor or flood the log).
import { withoutControlChars } from '../core/base/controlChars';

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a 400 says the client sent instead: "null", "an array", "an object", "a string"… */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** `text` without control characters (line breaks included), cut to at most `max` characters (an ellipsis marks a cut). */
export function logSafe(text: string, max = 120): string {
  const clean = withoutControlChars(text);
  if (clean.length <= max) return clean;
  let cut = Math.max(0, max - 1);
  // Never half of a surrogate pair.
  if (cut > 0 && /[\ud800-\udbff]/.test(clean[cut - 1])) cut--;
  return clean.slice(0, cut) + '…';
}

/**
 * Deepest nesting of arrays and objects a request may have. No JSON Schema or tool input comes near it; far deeper
 * input (100 000 levels fit in a 4 MB body) overflows the stack of JSON.stringify on its way upstream.
 */
export const MAX_JSON_DEPTH = 512;

/** Whether the JSON text nests arrays and objects deeper than `max`: one pass over its characters. */
function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * Where `body` (parsed from `text`) nests deeper than MAX_JSON_DEPTH: the path's first segments (enough to name the
 * field), or undefined when it does not. Cheap when it does not (a scan of the text); the walk runs only when it does.
 */
export function tooDeeplyNested(text: string, body: unknown): (string | number)[] | undefined {
  if (!nestsDeeperThan(text, MAX_JSON_DEPTH)) return undefined;
  const SHOWN = 6;
  const stack: { value: unknown; depth: number; path: (string | number)[] }[] = [{ value: body, depth: 0, path: [] }];
  while (stack.length) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) return path;
    const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      stack.push({ value: child, depth: depth + 1, path: path.length < SHOWN ? [...path, key] : path });
    }
  }
  return [];
}

/** A path from tooDeeplyNested as a dialect names fields: Anthropic's `messages.1.content.0.input`, OpenAI's `messages[1].content[0].input`. */
export function nestedPath(path: readonly (string | number)[], style: 'dots' | 'brackets'): string {
  const shown =
    style === 'dots'
      ? path.map((s) => logSafe(String(s), 40)).join('.')
      : path.map((s, i) => (typeof s === 'number' ? `[${s}]` : `${i ? '.' : ''}${logSafe(s, 40)}`)).join('');
  return (shown || 'the request body') + (path.length ? '…' : '');
}

export const tooDeepMessage = (where: string): string =>
  `${where}: arrays and objects are nested more than ${MAX_JSON_DEPTH} levels deep, more than the local gateway accepts. Send it with fewer levels.`;
