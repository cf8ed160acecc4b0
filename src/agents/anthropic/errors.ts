// Errors in Anthropic's shape (`{"type": "error", "error": {type, message}}`) and statuses, so Claude Code and the
// Anthropic SDKs show and retry them as they would Anthropic's own. Messages come from the one error tree.
import { hasErrorCode, isSwitchboardError, type AttemptSummary, type ErrorCode } from '../../core/base/errors';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

export interface AnthropicHttpError {
  status: number;
  body: AnthropicErrorBody;
  headers?: Record<string, string>;
}

/** Anthropic's error type for an HTTP status (docs: "HTTP errors"); 529 is its "overloaded". */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
    case 405:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}

export function anthropicError(status: number, message: string, headers?: Record<string, string>): AnthropicHttpError {
  return { status, body: { type: 'error', error: { type: anthropicErrorType(status), message } }, ...(headers ? { headers } : {}) };
}

const OVERLOAD = 529;

/** Status per core error code; `all-failed` is decided from its attempts (allFailedStatus). */
const BY_CODE: Record<Exclude<ErrorCode, 'all-failed'>, number> = {
  config: 500,
  'no-key': 401,
  auth: 401,
  'rate-limited': 429,
  unavailable: OVERLOAD,
  timeout: OVERLOAD,
  connection: OVERLOAD,
  'bad-request': 400,
  'not-found': 404,
  'context-length': 400,
  'stream-broken': 500,
  malformed: 500,
  // nginx's "client closed request": only seen if the client is still there to read it.
  cancelled: 499,
  // A spent budget does not get better by retrying (the SDKs retry 429 and 5xx): Anthropic's billing error.
  budget: 402,
  'invalid-request': 400,
  'prompt-too-large': 400,
};

/** An upstream that failed for want of capacity: 5xx, a timeout, no connection, a broken stream, an open breaker. */
function overloaded(a: AttemptSummary): boolean {
  if (a.status !== undefined) return a.status >= 500 || a.status === 408;
  return a.outcome === 'timeout' || a.outcome === 'error' || a.outcome === 'skipped-breaker-open';
}

/** Every candidate overloaded → 529; every one rate-limited → 429; all the same client error → that; else 500. */
function allFailedStatus(attempts: readonly AttemptSummary[]): number {
  if (attempts.length === 0) return 500;
  if (attempts.every((a) => a.status === 429)) return 429;
  if (attempts.every((a) => a.status === 429 || overloaded(a))) return OVERLOAD;
  const first = attempts[0].status;
  if (first !== undefined && first >= 400 && first < 500 && attempts.every((a) => a.status === first)) return first;
  return 500;
}

/** A routing failure as Anthropic's answer. Messages of SwitchboardErrors never contain a key; others are not shown. */
export function anthropicErrorFrom(err: unknown): AnthropicHttpError {
  if (!isSwitchboardError(err))
    return anthropicError(
      500,
      'The local gateway failed unexpectedly; its log says why (VS Code: Switchboard: Show Routing Log; switchboard serve: its stderr; switchboard run: add --verbose).',
    );
  const status = hasErrorCode(err, 'all-failed') ? allFailedStatus(err.attempts) : BY_CODE[err.code as Exclude<ErrorCode, 'all-failed'>];
  // Not 401: that is what a wrong local token gets, and the agent would ask for a new login. The upstream refused.
  if (status === 403 && hasErrorCode(err, 'all-failed')) {
    const models = [...new Set(err.attempts.map((a) => a.model))].join(', ');
    return anthropicError(
      403,
      `The upstream refused ${models} (HTTP 403): the local gateway accepted your token, but the provider's key may not use ` +
        'this model. Give the key access to it at the provider, or map the agent\'s model to another in "switchboard.agents.models".\n' +
        err.message,
    );
  }
  const retryAfter =
    hasErrorCode(err, 'rate-limited') && err.retryAfterMs !== undefined
      ? { 'retry-after': String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))) }
      : undefined;
  return anthropicError(status, err.message, retryAfter);
}
