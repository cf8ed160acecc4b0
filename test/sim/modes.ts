// Model string → what the simulator does with the request. Pure: no I/O, no clock; the server carries it out.
// Provider dialects (`dialect/<name>`, and a server-wide dialect) are planned in dialects.ts.
import type { Prng } from './prng';
import type { SimRequest } from './request';
import { SimInputError } from './request';
import { DIALECT_NAMES, planDialect } from './dialects';
import { countWords, echoText, lastUserText, loremPieces, wordPieces } from './text';

export type Content = { type: 'text'; pieces: string[] } | { type: 'tool'; callId: string; name: string; argPieces: string[] };

export interface AnswerPlan {
  kind: 'answer';
  content: Content;
  completionTokens: number;
  /** Delay before the first chunk (stream) or the whole body (non-stream). */
  firstTokenMs: number;
  /** Delay between chunks. */
  chunkMs: number;
  /** Break the answer after this many content chunks instead of finishing it. */
  cut?: { after: number; how: 'reset' | 'malformed' };
}

export interface ErrorPlan {
  kind: 'error';
  status: number;
  message: string;
  type: string;
  code: string;
  param?: string | null;
  headers?: Record<string, string>;
}

export interface HangPlan {
  kind: 'hang';
}

/** A reply written exactly as given: a provider dialect's own bytes (see dialects.ts). */
export interface RawPlan {
  kind: 'raw';
  status: number;
  headers: Record<string, string>;
  /** Written at once, before the first-token delay (keep-alive comments). */
  head: string;
  /** Written in order: the first after `firstTokenMs`, then `chunkMs` apart; the reply ends with the last. */
  pieces: string[];
  firstTokenMs: number;
  chunkMs: number;
  /** Counted in the stats once the reply is sent; absent for errors. */
  usage?: { promptTokens: number; completionTokens: number };
}

export type Plan = AnswerPlan | ErrorPlan | HangPlan | RawPlan;

export interface PlanContext {
  request: SimRequest;
  promptTokens: number;
  /** The flaky generator for a model string; the same string continues the same sequence. */
  rngFor: (model: string, seed: number) => Prng;
  /** Id for a tool call this answer makes; unique per reply. */
  callId: string;
  /** The dialect that answers models outside `sim/` and `dialect/` (startSim's `dialect`); plain OpenAI if unset. */
  dialect?: string;
}

interface ModeInput extends PlanContext {
  params: URLSearchParams;
}

type Mode = (input: ModeInput) => Plan;

/** The kinds of failure `sim/flaky` draws from, in draw order. */
export const FLAKY_KINDS = ['503', '429', 'reset-before', 'reset-mid', 'malformed', 'hang'] as const;
export type FlakyKind = (typeof FLAKY_KINDS)[number];

function intParam(params: URLSearchParams, name: string, fallback: number, range: { min: number; max: number }): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < range.min || n > range.max)
    throw new SimInputError(`Model parameter \`${name}\` must be an integer from ${range.min} to ${range.max}, got "${raw}".`, 'model');
  return n;
}

function probabilityParam(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const p = Number(raw);
  if (!Number.isFinite(p) || p < 0 || p > 1) throw new SimInputError(`Model parameter \`${name}\` must be a number from 0 to 1, got "${raw}".`, 'model');
  return p;
}

const MAX_MS = 3_600_000;

function timing(params: URLSearchParams, firstTokenDefault = 0): Pick<AnswerPlan, 'firstTokenMs' | 'chunkMs'> {
  return {
    firstTokenMs: intParam(params, 'firstTokenMs', firstTokenDefault, { min: 0, max: MAX_MS }),
    chunkMs: intParam(params, 'chunkMs', 0, { min: 0, max: MAX_MS }),
  };
}

function textAnswer(pieces: string[], params: URLSearchParams, firstTokenDefault = 0): AnswerPlan {
  return { kind: 'answer', content: { type: 'text', pieces }, completionTokens: pieces.length, ...timing(params, firstTokenDefault) };
}

function echo({ request, params }: ModeInput): AnswerPlan {
  return textAnswer(wordPieces(echoText(request.messages)), params);
}

/** Text long enough to be cut after `after` chunks: `tokens` lorem words (default 50), at least after + 1. */
function cutText(params: URLSearchParams, after: number): string[] {
  return loremPieces(Math.max(intParam(params, 'tokens', 50, { min: 0, max: 1_000_000 }), after + 1));
}

export function errorPlan(status: number, message: string, extra: { code?: string; param?: string | null; headers?: Record<string, string> } = {}): ErrorPlan {
  const byStatus: Record<number, { type: string; code: string }> = {
    400: { type: 'invalid_request_error', code: 'invalid_request' },
    401: { type: 'invalid_request_error', code: 'invalid_api_key' },
    403: { type: 'invalid_request_error', code: 'permission_denied' },
    404: { type: 'invalid_request_error', code: 'model_not_found' },
    408: { type: 'timeout', code: 'request_timeout' },
    429: { type: 'requests', code: 'rate_limit_exceeded' },
  };
  const kind = byStatus[status] ?? (status >= 500 ? { type: 'server_error', code: 'server_error' } : { type: 'invalid_request_error', code: 'error' });
  return { kind: 'error', status, message, type: kind.type, code: extra.code ?? kind.code, param: extra.param ?? null, headers: extra.headers };
}

function fail(status: number, params: URLSearchParams): ErrorPlan {
  const headers: Record<string, string> = {};
  const retryAfter = params.get('retryAfter');
  if (retryAfter !== null) headers['retry-after'] = String(intParam(params, 'retryAfter', 0, { min: 0, max: 86_400 }));
  const retryAfterMs = params.get('retryAfterMs');
  if (retryAfterMs !== null) headers['retry-after-ms'] = String(intParam(params, 'retryAfterMs', 0, { min: 0, max: MAX_MS }));
  return errorPlan(status, `Simulated failure: HTTP ${status}.`, { headers });
}

function flakyFailure(kind: FlakyKind, input: ModeInput): Plan {
  switch (kind) {
    case '503':
      return fail(503, new URLSearchParams());
    case '429':
      return fail(429, new URLSearchParams('retryAfter=0'));
    case 'reset-before':
      return { ...echo(input), cut: { after: 0, how: 'reset' } };
    case 'reset-mid':
      return { ...echo(input), cut: { after: 1, how: 'reset' } };
    case 'malformed':
      return { ...echo(input), cut: { after: 0, how: 'malformed' } };
    case 'hang':
      return { kind: 'hang' };
  }
}

function flakyKinds(params: URLSearchParams): readonly FlakyKind[] {
  const raw = params.get('kinds');
  if (raw === null || raw === '') return FLAKY_KINDS;
  const kinds = raw.split(',');
  for (const k of kinds)
    if (!(FLAKY_KINDS as readonly string[]).includes(k))
      throw new SimInputError(`Model parameter \`kinds\` lists "${k}"; known kinds: ${FLAKY_KINDS.join(', ')}.`, 'model');
  return kinds as FlakyKind[];
}

const MODES: Record<string, Mode> = {
  echo,
  lorem: ({ params }) => textAnswer(loremPieces(intParam(params, 'tokens', 50, { min: 0, max: 1_000_000 })), params),
  slow: (input) => textAnswer(wordPieces(echoText(input.request.messages)), input.params, 1000),
  fail: ({ params }) => fail(intParam(params, 'status', 503, { min: 200, max: 599 }), params),
  reset: ({ params }) => {
    const after = intParam(params, 'after', 0, { min: 0, max: 1_000_000 });
    return { ...textAnswer(cutText(params, after), params), cut: { after, how: 'reset' } };
  },
  malformed: ({ params }) => {
    const after = intParam(params, 'after', 0, { min: 0, max: 1_000_000 });
    return { ...textAnswer(cutText(params, after), params), cut: { after, how: 'malformed' } };
  },
  hang: () => ({ kind: 'hang' }),
  flaky: (input) => {
    const { params, request } = input;
    const p = probabilityParam(params, 'p', 0.3);
    const kinds = flakyKinds(params);
    const rng = input.rngFor(request.model, intParam(params, 'seed', 1, { min: 0, max: 0xffffffff }));
    // Two draws per request whatever the outcome, so request i of a seed fails iff its first draw < p.
    const failRoll = rng();
    const kindRoll = rng();
    if (failRoll >= p) return echo(input);
    return flakyFailure(kinds[Math.floor(kindRoll * kinds.length)], input);
  },
  tool: (input) => {
    const { params, request, callId } = input;
    const last = request.messages[request.messages.length - 1];
    if (last.role === 'tool') return echo(input);
    const name = params.get('name') ?? request.toolNames[0];
    if (name === undefined) throw new SimInputError('sim/tool needs `tools` in the request (or `?name=` naming one of them).', 'tools');
    if (!request.toolNames.includes(name))
      throw new SimInputError(`sim/tool was asked to call "${name}", but the request's tools are [${request.toolNames.join(', ')}].`, 'tools');
    const args = toolArguments(params, request.messages);
    // Streamed the way providers do it: the call header, then the arguments in several pieces.
    const third = Math.ceil(args.length / 3);
    const argPieces = [args.slice(0, third), args.slice(third, 2 * third), args.slice(2 * third)].filter((piece) => piece !== '');
    return { kind: 'answer', content: { type: 'tool', callId, name, argPieces }, completionTokens: countWords(args), ...timing(params) };
  },
  context: (input) => {
    const max = intParam(input.params, 'max', 4096, { min: 0, max: 100_000_000 });
    if (input.promptTokens > max)
      return errorPlan(
        400,
        `This model's maximum context length is ${max} tokens. However, your messages resulted in ${input.promptTokens} tokens. ` +
          `Please reduce the length of the messages.`,
        { code: 'context_length_exceeded', param: 'messages' },
      );
    return echo(input);
  },
};

export const SIM_MODES: readonly string[] = Object.keys(MODES);

function splitModel(model: string): { base: string; params: URLSearchParams } {
  const q = model.indexOf('?');
  return { base: q < 0 ? model : model.slice(0, q), params: new URLSearchParams(q < 0 ? '' : model.slice(q + 1)) };
}

function dialectReply(name: string, requested: string, params: URLSearchParams, ctx: PlanContext): Plan {
  const plan = planDialect(name, {
    request: ctx.request,
    requested,
    params,
    promptTokens: ctx.promptTokens,
    replyKey: ctx.callId,
    timing: timing(params),
    planFor: (model) => planReply({ ...ctx, request: { ...ctx.request, model, models: undefined } }),
  });
  return (
    plan ?? errorPlan(404, `The simulator has no dialect \`${name}\`. Dialects: ${DIALECT_NAMES.map((d) => `dialect/${d}`).join(', ')}.`, { param: 'model' })
  );
}

/** Decides the reply. Throws SimInputError for a bad parameter (→ 400). */
export function planReply(ctx: PlanContext): Plan {
  const { base, params } = splitModel(ctx.request.model);
  if (base.startsWith('dialect/')) return dialectReply(base.slice('dialect/'.length), base.slice('dialect/'.length), params, ctx);
  // The server's dialect answers every other model, and a request carrying a gateway fallback list (`models`).
  if (ctx.dialect !== undefined && (!base.startsWith('sim/') || ctx.request.models?.length))
    return dialectReply(ctx.dialect, ctx.request.model, new URLSearchParams(), ctx);
  if (!base.startsWith('sim/')) return echo({ ...ctx, params });
  const name = base.slice(4);
  const mode = Object.hasOwn(MODES, name) ? MODES[name] : undefined;
  if (mode === undefined)
    return errorPlan(404, `The model \`${base}\` does not exist. Simulator models: ${SIM_MODES.map((m) => `sim/${m}`).join(', ')}.`, { param: 'model' });
  return mode({ ...ctx, params });
}

/** `?args=<JSON object>` as given (re-serialised, so the pieces are valid JSON together), else `{"q": <last user message>}`. */
function toolArguments(params: URLSearchParams, messages: SimRequest['messages']): string {
  const given = params.get('args');
  if (given === null) return `{"q": ${JSON.stringify(lastUserText(messages))}}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(given);
  } catch {
    throw new SimInputError(`sim/tool's args must be a JSON object, got ${JSON.stringify(given.slice(0, 80))}.`, 'model');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new SimInputError(`sim/tool's args must be a JSON object, got ${JSON.stringify(given.slice(0, 80))}.`, 'model');
  return JSON.stringify(parsed);
}
