// Errors in OpenAI's JSON shape (`{"error": {message, type, param, code}}`), so any OpenAI client shows them as it
// would show OpenAI's own. One table maps the core's error codes to HTTP statuses.
import { hasErrorCode, isSwitchboardError, type ErrorCode } from '../core/base/errors';

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface HttpError {
  status: number;
  body: OpenAIErrorBody;
  headers?: Record<string, string>;
}

export function openAIError(status: number, message: string, type: string, code: string | null = null, param: string | null = null): HttpError {
  return { status, body: { error: { message, type, param, code } } };
}

/** Status and OpenAI error type per core error code. */
const BY_CODE: Record<ErrorCode, { status: number; type: string }> = {
  config: { status: 500, type: 'server_error' },
  'no-key': { status: 401, type: 'authentication_error' },
  auth: { status: 401, type: 'authentication_error' },
  'rate-limited': { status: 429, type: 'rate_limit_error' },
  unavailable: { status: 502, type: 'upstream_error' },
  timeout: { status: 504, type: 'timeout' },
  connection: { status: 502, type: 'upstream_error' },
  'bad-request': { status: 400, type: 'invalid_request_error' },
  'not-found': { status: 404, type: 'invalid_request_error' },
  'context-length': { status: 400, type: 'invalid_request_error' },
  'stream-broken': { status: 502, type: 'upstream_error' },
  malformed: { status: 502, type: 'upstream_error' },
  // 499 is nginx's "client closed request": only seen if the client is still there to read it.
  cancelled: { status: 499, type: 'cancelled' },
  // 402 rather than 429: a spent budget does not get better by retrying, and SDKs retry 429s.
  budget: { status: 402, type: 'insufficient_quota' },
  'all-failed': { status: 502, type: 'upstream_error' },
  'invalid-request': { status: 400, type: 'invalid_request_error' },
  'prompt-too-large': { status: 400, type: 'invalid_request_error' },
};

const CODE_NAMES: Partial<Record<ErrorCode, string>> = {
  'context-length': 'context_length_exceeded',
  'prompt-too-large': 'context_length_exceeded',
  'not-found': 'model_not_found',
  'no-key': 'no_api_key',
  'all-failed': 'all_candidates_failed',
  budget: 'budget_exceeded',
  'rate-limited': 'rate_limit_exceeded',
};

/** A routing failure as an HTTP answer. Messages of SwitchboardErrors never contain a key; others are not shown. */
export function httpErrorFrom(err: unknown): HttpError {
  if (!isSwitchboardError(err))
    return openAIError(
      500,
      'The local gateway failed unexpectedly; its log says why (VS Code: Switchboard: Show Routing Log; switchboard serve: its stderr; switchboard run: add --verbose).',
      'server_error',
      'internal_error',
    );
  const { status, type } = BY_CODE[err.code];
  const out = openAIError(status, err.message, type, CODE_NAMES[err.code] ?? err.code.replace(/-/g, '_'));
  if (hasErrorCode(err, 'rate-limited') && err.retryAfterMs !== undefined)
    out.headers = { 'retry-after': String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))) };
  return out;
}
