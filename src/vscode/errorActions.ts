// What a toast says about an error and which buttons it offers, without vscode (unit-tested). Every key problem (no
// key, 401, 403) offers Set API Key and Choose Gateway; a model that failed without a fallback offers Add Fallback….
// When the chat view already shows the whole message inline, the toast only names the kind of trouble: the two never
// repeat each other's text.
import { hasErrorCode, isSwitchboardError } from '../core/base/errors';
import { redact } from '../core/base/redact';

export type ErrorAction = 'setApiKey' | 'choosePreset' | 'addFallback' | 'checkConnection' | 'showLog' | 'openSetting' | 'openBudget' | 'showUsage';

export interface ErrorPresentation {
  severity: 'error' | 'warning';
  text: string;
  actions: ErrorAction[];
  /** The model Add Fallback… adds a fallback to. */
  fallbackFor?: string;
  /** The setting Open Setting opens. */
  setting?: string;
}

export interface PresentOptions {
  /** The chat view shows the message already (its answer's error box). */
  shownInline?: boolean;
}

/** True for the errors a key fixes: no key, or every attempt refused its key (401/403). */
export function isKeyProblem(err: unknown): boolean {
  return hasErrorCode(err, 'no-key') || hasErrorCode(err, 'auth') || (hasErrorCode(err, 'all-failed') && err.keyRefused);
}

/**
 * The toast for `err`, or undefined when there is nothing to say (a cancelled request). An unexpected error's message
 * may quote anything (a request, a header), so it is shown without `knownKeys` or anything shaped like a key.
 */
export function presentError(err: unknown, opts: PresentOptions = {}, knownKeys: Iterable<string> = []): ErrorPresentation | undefined {
  const inline = opts.shownInline === true;
  if (!isSwitchboardError(err)) {
    const message = err instanceof Error ? err.message : String(err);
    return { severity: 'error', text: `Switchboard: ${redact(message, knownKeys)}`, actions: ['showLog'] };
  }
  if (err.code === 'cancelled') return undefined;
  if (isKeyProblem(err)) {
    const where = hasErrorCode(err, 'no-key') || hasErrorCode(err, 'auth') ? err.endpoint : 'gateway';
    const text = hasErrorCode(err, 'no-key')
      ? `Switchboard: no API key is set for the ${where === 'gateway' ? 'gateway' : `provider ${where}`}.`
      : `Switchboard: the ${where === 'gateway' ? 'gateway' : `provider ${where}`} refused the request for its API key.`;
    return { severity: 'warning', text: inline ? text : err.message, actions: ['setApiKey', 'choosePreset'] };
  }
  if (hasErrorCode(err, 'all-failed')) {
    if (err.withoutFallback)
      return {
        severity: 'error',
        text: inline ? `Switchboard: ${err.withoutFallback} failed and no fallback is set for it.` : err.message,
        actions: ['addFallback', 'showLog'],
        fallbackFor: err.withoutFallback,
      };
    return {
      severity: 'error',
      text: inline ? 'Switchboard: every model in the chain failed; the chat view lists each.' : err.message,
      actions: ['checkConnection', 'showLog'],
    };
  }
  const text = inline ? `Switchboard: the answer failed (${err.code}); the chat view says why.` : err.message;
  switch (err.code) {
    case 'config':
      return { severity: 'warning', text, actions: ['openSetting'], setting: hasErrorCode(err, 'config') ? err.setting : 'switchboard' };
    case 'budget':
      return { severity: 'warning', text, actions: ['openBudget', 'showUsage'] };
    case 'connection':
    case 'timeout':
      return { severity: 'error', text, actions: ['checkConnection', 'showLog'] };
    default:
      return { severity: 'error', text, actions: ['showLog'] };
  }
}
