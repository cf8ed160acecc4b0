// Text and JSON from a client, on their way into a log line or the translation: control characters out and a length
// cap, so a model or tool name cannot forge a log line (CR/LF), move a terminal's cursor or flood the log.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `text` without control characters (line breaks included), cut to at most `max` characters (an ellipsis marks a cut). */
export function logSafe(text: string, max = 120): string {
  const clean = text.replace(CONTROL, '');
  if (clean.length <= max) return clean;
  let cut = Math.max(0, max - 1);
  // Never half of a surrogate pair.
  if (cut > 0 && /[\ud800-\udbff]/.test(clean[cut - 1])) cut--;
  return clean.slice(0, cut) + '…';
}
