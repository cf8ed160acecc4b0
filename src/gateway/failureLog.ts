// What the gateway's log says of a failed request. A SwitchboardError's message is written for people and never
// holds a key: the log gets it as the client did. Anything else (a bug, an input nobody foresaw) reaches the client
// only as "failed unexpectedly", so its log line says what it really was: the error's name, message and where it was
// thrown, on one line, with anything shaped like a key redacted and control characters out.
import { isSwitchboardError } from '../core/base/errors';
import { redact } from '../core/base/redact';
import { logSafe } from '../agents/untrusted';

const MAX_LOGGED = 2000;
const FRAMES = 8;

/** The failure as the log shows it: `shown` (what the client got) for a SwitchboardError, else the real error. */
export function failureForLog(err: unknown, shown: string): string {
  if (isSwitchboardError(err)) return shown;
  let what: string;
  let where = '';
  if (err instanceof Error) {
    what = `${err.name}: ${err.message}`;
    where = (err.stack ?? '')
      .split('\n')
      .filter((l) => /^\s*at /.test(l))
      .slice(0, FRAMES)
      .map((l) => l.trim())
      .join(' ← ');
  } else {
    try {
      what = `${typeof err} thrown: ${String(err)}`;
    } catch {
      what = `${typeof err} thrown`;
    }
  }
  return logSafe(redact(`failed unexpectedly: ${what}${where ? ` (${where})` : ''}`, []), MAX_LOGGED);
}
