// One error tree. Every failure the user can see is a SwitchboardError with a user-facing message
// (never containing a key) and a `retryable` verdict the router trusts.

export type ErrorCode =
  | 'config'
  | 'no-key'
  | 'auth'
  | 'rate-limited'
  | 'unavailable'
  | 'timeout'
  | 'connection'
  | 'bad-request'
  | 'not-found'
  | 'context-length'
  | 'stream-broken'
  | 'malformed'
  | 'cancelled'
  | 'budget'
  | 'all-failed'
  | 'invalid-request'
  | 'prompt-too-large';

/**
 * Marks our errors without relying on class identity: the router is loaded from its own bundle (dist/core.js) on
 * the first request, so an error it throws is not `instanceof` the copy of these classes in dist/extension.js.
 * Code outside the core identifies errors with `isSwitchboardError` and `hasErrorCode`.
 */
const SWITCHBOARD_ERROR = Symbol.for('switchboard.error');

export abstract class SwitchboardError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly retryable: boolean;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
    Object.defineProperty(this, SWITCHBOARD_ERROR, { value: true });
  }
}

export class ConfigError extends SwitchboardError {
  readonly code = 'config';
  readonly retryable = false;
  /** `setting` is the full setting name, e.g. `switchboard.timeouts.idleMs`; `fallbackNote` says what is used meanwhile. */
  constructor(
    readonly setting: string,
    message: string,
    readonly fallbackNote?: string,
  ) {
    super(message);
  }
}

export class NoKeyError extends SwitchboardError {
  readonly code = 'no-key';
  readonly retryable = false;
  /** `endpoint` is `gateway` or a direct provider's name; `baseUrl` says where the key would be sent. */
  constructor(
    readonly endpoint: string,
    baseUrl?: string,
  ) {
    super(
      endpoint === 'gateway'
        ? `No API key for the gateway${baseUrl ? ` ${baseUrl}` : ''}. Run "Switchboard: Set API Key", or set SWITCHBOARD_API_KEY in the environment (OPENAI_API_KEY is used only for https://api.openai.com).`
        : `No API key for provider "${endpoint}"${baseUrl ? ` (${baseUrl})` : ''}. Run "Switchboard: Set Provider Key".`,
    );
  }
}

export interface UpstreamContext {
  endpoint: string;
  model: string;
  status?: number;
  requestId?: string;
  /** False when the request went out without a key (a loopback gateway may need none): a 401 then asks for one. */
  keySent?: boolean;
}

/** An HTTP answer the upstream gave; subclasses per status family come from `errorFromStatus`. */
export abstract class UpstreamError extends SwitchboardError {
  readonly status: number | undefined;
  readonly endpoint: string;
  readonly model: string;
  readonly requestId: string | undefined;
  constructor(ctx: UpstreamContext, message: string) {
    super(message);
    this.status = ctx.status;
    this.endpoint = ctx.endpoint;
    this.model = ctx.model;
    this.requestId = ctx.requestId;
  }
}

export class AuthError extends UpstreamError {
  readonly code = 'auth';
  readonly retryable = false;
}
export class RateLimitedError extends UpstreamError {
  readonly code = 'rate-limited';
  readonly retryable = true;
  constructor(
    ctx: UpstreamContext,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(ctx, message);
  }
}
export class UnavailableError extends UpstreamError {
  readonly code = 'unavailable';
  readonly retryable = true;
}
export class BadRequestError extends UpstreamError {
  readonly code = 'bad-request';
  readonly retryable = false;
}
export class NotFoundError extends UpstreamError {
  readonly code = 'not-found';
  readonly retryable = false;
}
export class ContextLengthError extends UpstreamError {
  readonly code = 'context-length';
  readonly retryable = false;
}
const TIMEOUT_FIX = {
  connect:
    ' Check the base URL, your network and proxy settings ("Switchboard: Check Connection" or switchboard doctor), or raise switchboard.timeouts.connectMs.',
  'first-token': ' The model may be busy: try again, choose a faster model, or raise switchboard.timeouts.firstTokenMs.',
  idle: ' The stream stalled: try again, or raise switchboard.timeouts.idleMs.',
} as const;

export class TimeoutError extends UpstreamError {
  readonly code = 'timeout';
  readonly retryable = true;
  constructor(
    ctx: UpstreamContext,
    readonly phase: 'connect' | 'first-token' | 'idle',
    readonly afterMs: number,
  ) {
    super(
      ctx,
      `${ctx.model} at ${ctx.endpoint}: no ${phase === 'idle' ? 'new token' : phase === 'connect' ? 'connection' : 'first token'} within ${afterMs} ms.` +
        TIMEOUT_FIX[phase],
    );
  }
}
/** The endpoint could not be reached or trusted (see networkErrors.ts). Certificate and proxy-login failures are not retried. */
export class ConnectionError extends UpstreamError {
  readonly code = 'connection';
  readonly retryable: boolean;
  constructor(ctx: UpstreamContext, message: string, opts: { retryable?: boolean } = {}) {
    super(ctx, message);
    this.retryable = opts.retryable ?? true;
  }
}
/** The upstream sent bytes we could not parse as an OpenAI stream. Retryable only before the first token. */
export class MalformedResponseError extends UpstreamError {
  readonly code = 'malformed';
  readonly retryable = true;
}
/** The stream failed after tokens were shown: the partial text is kept, never silently replaced. */
export class StreamBrokenError extends UpstreamError {
  readonly code = 'stream-broken';
  readonly retryable = false;
  constructor(
    ctx: UpstreamContext,
    readonly partialText: string,
    override readonly cause: SwitchboardError,
    readonly continueWith?: string,
  ) {
    super(
      ctx,
      `${ctx.model} stopped after ${partialText.length} characters: ${cause.message}` + (continueWith ? ` You can continue with ${continueWith}.` : ''),
    );
  }
}

export class CancelledError extends SwitchboardError {
  readonly code = 'cancelled';
  readonly retryable = false;
  constructor() {
    super('The request was cancelled.');
  }
}

export class BudgetError extends SwitchboardError {
  readonly code = 'budget';
  readonly retryable = false;
}

/** The request cannot be sent as asked (too deeply nested to serialise, a control character in a header value, a key
 * that cannot travel in an HTTP header). Found before any breaker is asked, so it never counts against an endpoint. */
export class InvalidRequestError extends SwitchboardError {
  readonly code = 'invalid-request';
  readonly retryable = false;
  /** `field` names what was wrong (`messages`, `model`, `header x-portkey-provider`, `key`). */
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** No candidate's context window can hold the request: refused before anything is sent. */
export class PromptTooLargeError extends SwitchboardError {
  readonly code = 'prompt-too-large';
  readonly retryable = false;
  constructor(
    readonly promptTokens: number,
    message: string,
  ) {
    super(message);
  }
}

export interface AttemptSummary {
  model: string;
  endpoint: string;
  outcome: string;
  status?: number;
  /** The error's code (`malformed`, `timeout`…), which names a failure without an HTTP status. */
  code?: string;
  message: string;
}

export class AllCandidatesFailedError extends SwitchboardError {
  readonly code = 'all-failed';
  readonly retryable = false;
  /** The model every attempt asked for when no other was tried (no fallback set for it): the one to add a fallback to. */
  readonly withoutFallback: string | undefined;
  /** Every attempt was refused for its key (HTTP 401/403): a fallback would not help, a key would. */
  readonly keyRefused: boolean;
  constructor(readonly attempts: readonly AttemptSummary[]) {
    const models = new Set(attempts.map((a) => a.model));
    const keyRefused = attempts.length > 0 && attempts.every((a) => a.status === 401 || a.status === 403);
    // A fallback helps a model that failed, not a key that was refused or an endpoint that cannot be reached.
    const unreachable = attempts.length > 0 && attempts.every((a) => a.code === 'connection');
    const alone = models.size === 1 && !keyRefused && !unreachable ? [...models][0] : undefined;
    super(
      `Every candidate failed:\n` +
        attemptLines(attempts)
          .map((l) => `  ${l}`)
          .join('\n') +
        (alone ? `\nNo fallback is set for ${alone}: add one to "switchboard.fallbacks" (in VS Code: "Switchboard: Add Fallback…").` : ''),
    );
    this.withoutFallback = alone;
    this.keyRefused = keyRefused;
  }
}

/**
 * One line per model and endpoint, its failures counted: "sim/fail: 503 ×3 — unavailable (HTTP 503): down." The
 * reason is the last attempt's message without the "<model> at <endpoint>" the line already starts with.
 */
export function attemptLines(attempts: readonly AttemptSummary[]): string[] {
  const groups = new Map<string, { model: string; endpoint: string; counts: Map<string, number>; last: AttemptSummary }>();
  for (const a of attempts) {
    const key = `${a.model}\u0000${a.endpoint}`;
    const g = groups.get(key) ?? { model: a.model, endpoint: a.endpoint, counts: new Map<string, number>(), last: a };
    const what = a.status !== undefined ? String(a.status) : (a.code ?? a.outcome);
    g.counts.set(what, (g.counts.get(what) ?? 0) + 1);
    g.last = a;
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    const counts = [...g.counts].map(([what, n]) => (n > 1 ? `${what} ×${n}` : what)).join(', ');
    const via = g.endpoint === 'gateway' ? '' : ` (${g.endpoint})`;
    return `${g.model}${via}: ${counts} — ${reasonOf(g.last)}`;
  });
}

/** An attempt's message without the model and endpoint it begins with ("m at gateway is unavailable…" → "unavailable…"). */
function reasonOf(a: AttemptSummary): string {
  let m = a.message;
  for (const prefix of [`${a.model} at ${a.endpoint}`, a.model, a.endpoint])
    if (m.startsWith(prefix)) {
      m = m.slice(prefix.length);
      break;
    }
  m = m.replace(/^(?::\s*|\s+is\s+|\s+)/, '');
  return m || a.outcome;
}

const CONTEXT_LENGTH = /context[_ ]length|maximum context|too many tokens|context window/i;

/** The one factory from an HTTP status (and body message) to the error tree, like openai-node's APIError.generate. */
export function errorFromStatus(ctx: UpstreamContext & { status: number }, bodyMessage: string | undefined, retryAfterMs?: number): UpstreamError {
  const where = `${ctx.model} at ${ctx.endpoint}`;
  const detail = bodyMessage ? `: ${bodyMessage}` : '';
  const s = ctx.status;
  if (s === 401 || s === 403)
    return new AuthError(
      ctx,
      ctx.keySent === false
        ? `${ctx.endpoint} wants an API key and none is set (HTTP ${s})${detail}. Run "Switchboard: Set API Key", or "Switchboard: Choose Gateway" if this is not the gateway you meant.`
        : `${ctx.endpoint} rejected the API key (HTTP ${s})${detail}. Run "Switchboard: Set API Key" to replace it, or "Switchboard: Choose Gateway" if the key is for another gateway.`,
    );
  if (s === 407)
    return new ConnectionError(
      ctx,
      `The proxy between here and ${ctx.endpoint} requires a login (HTTP 407). Put user:password in the proxy URL (http://user:password@proxy:port) or set http.proxyAuthorization in VS Code.`,
      { retryable: false },
    );
  if (s === 429) return new RateLimitedError(ctx, `${where} is rate-limited (HTTP 429)${detail}.`, retryAfterMs);
  if (s === 404) return new NotFoundError(ctx, `${where}: not found (HTTP 404)${detail}. Check the model id and the gateway base URL.`);
  if ((s === 400 || s === 413 || s === 422) && bodyMessage && CONTEXT_LENGTH.test(bodyMessage))
    return new ContextLengthError(ctx, `${where}: the prompt is longer than the model's context window${detail}.`);
  if (s === 408 || s === 409 || s >= 500) return new UnavailableError(ctx, `${where} is unavailable (HTTP ${s})${detail}.`);
  return new BadRequestError(ctx, `${where} refused the request (HTTP ${s})${detail}.`);
}

export function isSwitchboardError(e: unknown): e is SwitchboardError {
  return typeof e === 'object' && e !== null && (e as { [SWITCHBOARD_ERROR]?: unknown })[SWITCHBOARD_ERROR] === true;
}

interface ErrorsByCode {
  config: ConfigError;
  'no-key': NoKeyError;
  auth: AuthError;
  'rate-limited': RateLimitedError;
  unavailable: UnavailableError;
  timeout: TimeoutError;
  connection: ConnectionError;
  'bad-request': BadRequestError;
  'not-found': NotFoundError;
  'context-length': ContextLengthError;
  'stream-broken': StreamBrokenError;
  malformed: MalformedResponseError;
  cancelled: CancelledError;
  budget: BudgetError;
  'all-failed': AllCandidatesFailedError;
  'invalid-request': InvalidRequestError;
  'prompt-too-large': PromptTooLargeError;
}

/** `err` is our error with this code (works across bundles, unlike `instanceof`). */
export function hasErrorCode<C extends ErrorCode>(e: unknown, code: C): e is ErrorsByCode[C] {
  return isSwitchboardError(e) && e.code === code;
}
