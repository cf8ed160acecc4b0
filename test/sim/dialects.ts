// Provider dialects: answers shaped byte for byte as real providers document their OpenAI-compatible wire formats,
// so the client is tested against what it will meet, not against the simulator's own tidy OpenAI shape.
//
// Chosen by the model name, like every simulator mode: `dialect/<name>?param=value&…`. Every answering dialect
// echoes the last user message (one token per word, exact usage) and takes `firstTokenMs`, `chunkMs` and
// `served=<model>` (the model named in the answer's `model` field). A simulator started with `--dialect <name>`
// (startSim({dialect})) answers every model that is not `sim/…` or `dialect/…` in that dialect, the requested
// id passed through as the served model except for the gateway's own auto-routing id (`openrouter/auto`,
// `smart-select`), which is answered by a concrete model as the gateway would.
//
// | name                 | behaves like (source)                                                                 |
// | `openai`             | OpenAI with `stream_options.include_usage`: `usage: null` on every chunk, then a       |
// |                      | `choices: []` usage chunk; a dated snapshot in `model` (platform.openai.com API ref)    |
// | `openrouter`         | `: OPENROUTER PROCESSING` comments, `provider`, `native_finish_reason`, usage with      |
// |                      | `cost` + `cost_details` (openrouter.ai/docs api-reference/streaming, usage-accounting); |
// |                      | `openrouter/auto` answered by a concrete model (docs/model-routing); `?errorAfter=K`:  |
// |                      | K words, then an `error` chunk with `finish_reason: "error"` and no [DONE]             |
// |                      | (docs/api-reference/errors: errors after the stream started arrive as SSE data);      |
// |                      | the request's `models` list is walked as the gateway's own fallback chain              |
// |                      | (docs/guides/routing/model-fallbacks); `?cost=USD` (default 0.000123456789)            |
// | `azure`              | a first chunk with `choices: []`, empty `id`/`model` and `prompt_filter_results`,      |
// |                      | `content_filter_results` on every choice, a trailing filter-only choice without        |
// |                      | `delta` (learn.microsoft.com azure openai content-filter / content-streaming)         |
// | `deepseek`           | `: keep-alive` comment, `reasoning_content` deltas before `content`, usage with        |
// |                      | `completion_tokens_details.reasoning_tokens` (api-docs.deepseek.com reasoning_model);  |
// |                      | `?field=reasoning` uses OpenRouter's normalised `reasoning` field instead              |
// | `gemini`             | Gemini's OpenAI-compatible endpoint: CRLF line endings, usage on the finish chunk      |
// |                      | (ai.google.dev/gemini-api/docs/openai)                                                 |
// | `groq`               | `x_groq.id` on the first chunk, usage only in `x_groq.usage` on the last               |
// |                      | (console.groq.com/docs; `?usage=top` also sends the top-level `usage`)                 |
// | `ollama`             | `system_fingerprint: "fp_ollama"`, the bare local model name (github ollama docs/openai.md); |
// |                      | `?missing=1`: 404 "model … not found, try pulling it first"                            |
// | `select`             | ASSUMED (Select documents no response shape): OpenAI-shaped, `smart-select` answered   |
// |                      | by a concrete model                                                                    |
// | `anthropic-529`      | HTTP 529 `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}` |
// |                      | (docs.anthropic.com/en/api/errors)                                                     |
// | `openai-429`         | HTTP 429 `rate_limit_exceeded` with `retry-after-ms` (`?retryAfterMs=N`, default 20)   |
// |                      | and `x-ratelimit-*` headers (platform.openai.com rate limits)                          |
// | `openai-context`     | HTTP 400 `context_length_exceeded` above `?max=N` prompt tokens (default 8), else as   |
// |                      | `openai`                                                                               |
// | `cdn-502`            | HTTP 502 `text/html` from a CDN in front of the gateway (Cloudflare's error page)     |
import type { AnswerPlan, Plan, RawPlan } from './modes';
import type { SimRequest } from './request';
import { SimInputError } from './request';
import { echoText, wordPieces } from './text';

export interface DialectInput {
  request: SimRequest;
  /** The model id the answer is for: `dialect/…` stripped, or the requested id in a server-wide dialect. */
  requested: string;
  params: URLSearchParams;
  promptTokens: number;
  /** Unique per reply (`call_sim_N`); ids are built from it. */
  replyKey: string;
  timing: Pick<AnswerPlan, 'firstTokenMs' | 'chunkMs'>;
  /** How another model id would be answered: OpenRouter's `models` walk uses it. */
  planFor: (model: string) => Plan;
}

type Dialect = (input: DialectInput) => Plan;

/** Fixed so streams are byte-for-byte reproducible. */
const CREATED = 1_767_225_600;
const SAFE = { filtered: false, severity: 'safe' };
const FILTER_RESULTS = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

type Json = Record<string, unknown>;
/** One SSE item: a `data:` event (JSON or `[DONE]`) or a comment line. */
type Item = { data: Json } | { done: true } | { comment: string };

interface Stream {
  items: Item[];
  /** Items written at once, before the first-token delay (OpenRouter's processing comments). */
  leading?: Item[];
  eol?: '\n' | '\r\n';
  headers?: Record<string, string>;
  /** Set when the stream ends in an error instead of an answer. */
  failed?: boolean;
  completionTokens: number;
}

function frame(item: Item, eol: string): string {
  if ('comment' in item) return `: ${item.comment}${eol}${eol}`;
  return `data: ${'done' in item ? '[DONE]' : JSON.stringify(item.data)}${eol}${eol}`;
}

function streamPlan(s: Stream, input: DialectInput): RawPlan {
  const eol = s.eol ?? '\n';
  return {
    kind: 'raw',
    status: 200,
    headers: { ...SSE_HEADERS, ...s.headers },
    head: (s.leading ?? []).map((i) => frame(i, eol)).join(''),
    pieces: s.items.map((i) => frame(i, eol)),
    ...input.timing,
    usage: s.failed ? undefined : { promptTokens: input.promptTokens, completionTokens: s.completionTokens },
  };
}

/** The non-streamed answer those chunks add up to, in the same dialect (ids, model, usage fields kept). */
function completionPlan(s: Stream, input: DialectInput): RawPlan {
  const chunks = s.items.flatMap((i) => ('data' in i ? [i.data] : []));
  const error = chunks.find((c) => c.error !== undefined);
  if (error) return jsonPlan(502, { error: error.error }, input);
  const first = chunks.find((c) => c.model !== '') ?? {};
  let content = '';
  let reasoning = '';
  let finish: unknown = null;
  let usage: unknown;
  for (const c of chunks) {
    for (const choice of (c.choices as Json[] | undefined) ?? []) {
      const d = (choice.delta ?? {}) as Json;
      if (typeof d.content === 'string') content += d.content;
      if (typeof d.reasoning_content === 'string') reasoning += d.reasoning_content;
      if (typeof d.reasoning === 'string') reasoning += d.reasoning;
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    const u = c.usage ?? (c.x_groq as Json | undefined)?.usage;
    if (u) usage = u;
  }
  const message: Json = { role: 'assistant', content, ...(reasoning ? { reasoning_content: reasoning } : {}) };
  const { choices: _choices, usage: _usage, ...identity } = first;
  const body = { ...identity, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage };
  return { ...jsonPlan(200, body, input), usage: { promptTokens: input.promptTokens, completionTokens: s.completionTokens } };
}

function jsonPlan(status: number, body: unknown, input: DialectInput, headers: Record<string, string> = {}, contentType = 'application/json'): RawPlan {
  return {
    kind: 'raw',
    status,
    headers: { 'content-type': contentType, ...headers },
    head: '',
    pieces: [typeof body === 'string' ? body : JSON.stringify(body)],
    ...input.timing,
  };
}

function answer(build: (input: DialectInput) => Stream): Dialect {
  return (input) => {
    if (input.request.stream) return streamPlan(build(input), input);
    // A non-streamed answer always reports its usage.
    return completionPlan(build({ ...input, request: { ...input.request, includeUsage: true } }), input);
  };
}

const words = (input: DialectInput): string[] => wordPieces(echoText(input.request.messages));
const served = (input: DialectInput, fallback: string): string => input.params.get('served') || fallback;
const usageFigures = (input: DialectInput, completion: number) => ({
  prompt_tokens: input.promptTokens,
  completion_tokens: completion,
  total_tokens: input.promptTokens + completion,
});

function intParam(params: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new SimInputError(`Model parameter \`${name}\` must be an integer from 0 to ${max}, got "${raw}".`, 'model');
  return n;
}

function openai(input: DialectInput): Stream {
  const model = served(input, input.requested.startsWith('gpt-') ? `${input.requested}-2025-04-14` : 'gpt-4.1-2025-04-14');
  const head = {
    id: `chatcmpl-${input.replyKey}`,
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
    service_tier: 'default',
    system_fingerprint: 'fp_sim0001',
  };
  const usageNull = input.request.includeUsage ? { usage: null } : {};
  const chunk = (delta: Json, finish: string | null = null): Item => ({
    data: { ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usageNull },
  });
  const pieces = words(input);
  const items: Item[] = [chunk({ role: 'assistant', content: '', refusal: null }), ...pieces.map((p) => chunk({ content: p })), chunk({}, 'stop')];
  if (input.request.includeUsage) {
    const usage = {
      ...usageFigures(input, pieces.length),
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
    items.push({ data: { ...head, choices: [], usage } });
  }
  items.push({ done: true });
  return { items, completionTokens: pieces.length };
}

const OPENROUTER_AUTO = 'openrouter/auto';

/** OpenRouter answering one concrete model. */
function openrouterAnswer(input: DialectInput, model: string): Stream {
  const params = input.params;
  const costRaw = params.get('cost') ?? '0.000123456789';
  const cost = Number(costRaw);
  if (!Number.isFinite(cost) || cost < 0) throw new SimInputError(`Model parameter \`cost\` must be a number of USD, got "${costRaw}".`, 'model');
  const errorAfter = params.get('errorAfter') === null ? undefined : intParam(params, 'errorAfter', 0, 1_000_000);
  const provider = model.startsWith('openai/') ? 'OpenAI' : model.startsWith('google/') ? 'Google' : 'Anthropic';
  const head = { id: `gen-${input.replyKey}`, provider, model, object: 'chat.completion.chunk', created: CREATED };
  const chunk = (delta: Json, finish: string | null = null, native: string | null = null): Item => ({
    data: { ...head, choices: [{ index: 0, delta, finish_reason: finish, native_finish_reason: native, logprobs: null }] },
  });
  const pieces = words(input);
  const sent = errorAfter === undefined ? pieces : pieces.slice(0, errorAfter);
  const items: Item[] = sent.map((p) => chunk({ role: 'assistant', content: p }));
  if (errorAfter !== undefined) {
    items.push({
      data: {
        ...head,
        error: { code: 'server_error', message: 'Provider disconnected unexpectedly' },
        choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
      },
    });
    return { items, leading: [{ comment: 'OPENROUTER PROCESSING' }, { comment: 'OPENROUTER PROCESSING' }], failed: true, completionTokens: sent.length };
  }
  items.push(chunk({ role: 'assistant', content: '' }, 'stop', 'end_turn'));
  const usage = {
    ...usageFigures(input, pieces.length),
    cost,
    is_byok: false,
    prompt_tokens_details: { cached_tokens: 0 },
    cost_details: { upstream_inference_cost: null },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
  items.push({
    data: {
      ...head,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, native_finish_reason: null, logprobs: null }],
      usage,
    },
  });
  items.push({ done: true });
  return { items, leading: [{ comment: 'OPENROUTER PROCESSING' }, { comment: 'OPENROUTER PROCESSING' }], completionTokens: pieces.length };
}

/**
 * OpenRouter: `model` then the request's `models`, in order; a candidate the simulator would fail is skipped the way
 * the gateway fails over, and the one that answers is named in `model`. When every candidate fails, the last
 * failure is returned.
 */
function openrouter(input: DialectInput): Plan {
  const candidates = [input.requested, ...(input.request.models ?? [])].filter((m, i, all) => all.indexOf(m) === i);
  let last: Plan | undefined;
  for (const candidate of candidates) {
    if (candidate.startsWith('sim/') || candidate.startsWith('dialect/')) {
      last = input.planFor(candidate);
      if (last.kind === 'error' || (last.kind === 'raw' && last.status >= 400)) continue;
    }
    const auto = candidate === OPENROUTER_AUTO || candidate === 'openrouter';
    const model = auto ? served(input, 'anthropic/claude-sonnet-4') : candidate === input.requested ? served(input, candidate) : candidate;
    const s = openrouterAnswer(input, model);
    return input.request.stream ? streamPlan(s, input) : completionPlan(s, input);
  }
  return last ?? openrouterError(input);
}

function openrouterError(input: DialectInput): RawPlan {
  return jsonPlan(503, { error: { code: 503, message: 'No endpoints found that can handle the request.' } }, input);
}

function azure(input: DialectInput): Stream {
  const model = served(input, 'gpt-4o-2024-11-20');
  const head = { created: CREATED, id: `chatcmpl-${input.replyKey}`, model, object: 'chat.completion.chunk', system_fingerprint: 'fp_sim0002' };
  const choice = (delta: Json, finish: string | null = null, filters: Json = FILTER_RESULTS): Json => ({
    content_filter_results: filters,
    delta,
    finish_reason: finish,
    index: 0,
    logprobs: null,
  });
  const usageNull = input.request.includeUsage ? { usage: null } : {};
  const pieces = words(input);
  const items: Item[] = [
    // Prompt annotations arrive first, with no choices and empty identity fields.
    { data: { choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: [{ prompt_index: 0, content_filter_results: FILTER_RESULTS }] } },
    { data: { choices: [choice({ content: '', refusal: null, role: 'assistant' }, null, {})], ...head, ...usageNull } },
    ...pieces.map((p): Item => ({ data: { choices: [choice({ content: p })], ...head, ...usageNull } })),
    { data: { choices: [choice({}, 'stop', {})], ...head, ...usageNull } },
    // A late filter annotation: a choice with results and offsets but no delta.
    {
      data: {
        choices: [
          {
            content_filter_offsets: { check_offset: 0, start_offset: 0, end_offset: pieces.join('').length },
            content_filter_results: FILTER_RESULTS,
            finish_reason: null,
            index: 0,
          },
        ],
        created: 0,
        id: '',
        model: '',
        object: '',
      },
    },
  ];
  if (input.request.includeUsage) items.push({ data: { choices: [], ...head, usage: usageFigures(input, pieces.length) } });
  items.push({ done: true });
  return { items, completionTokens: pieces.length };
}

const REASONING = 'The user wants their words back. I will repeat them.';

function deepseek(input: DialectInput): Stream {
  const field = input.params.get('field') ?? 'reasoning_content';
  if (field !== 'reasoning_content' && field !== 'reasoning')
    throw new SimInputError(`Model parameter \`field\` must be "reasoning_content" or "reasoning", got "${field}".`, 'model');
  const model = served(input, 'deepseek-reasoner');
  const head = { id: input.replyKey, object: 'chat.completion.chunk', created: CREATED, model, system_fingerprint: 'fp_sim0003_prod0820_fp8_kvcache' };
  const chunk = (delta: Json, finish: string | null = null): Item => ({
    data: { ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] },
  });
  const thoughts = wordPieces(REASONING);
  const pieces = words(input);
  const completion = thoughts.length + pieces.length;
  const usage = {
    ...usageFigures(input, completion),
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: thoughts.length },
    prompt_cache_hit_tokens: 0,
    prompt_cache_miss_tokens: input.promptTokens,
  };
  const items: Item[] = [
    { comment: 'keep-alive' },
    chunk({ role: 'assistant', content: null, [field]: '' }),
    ...thoughts.map((t) => chunk({ content: null, [field]: t })),
    ...pieces.map((p) => chunk({ content: p, [field]: null })),
    chunk({ content: '', [field]: null }, 'stop'),
    { data: { ...head, choices: [], usage } },
    { done: true },
  ];
  return { items, completionTokens: completion };
}

function gemini(input: DialectInput): Stream {
  const model = served(input, 'gemini-2.5-flash');
  const head = { created: CREATED, id: `${input.replyKey}-gemini`, model, object: 'chat.completion.chunk' };
  const pieces = words(input);
  const items: Item[] = [
    ...pieces.map((p): Item => ({ data: { choices: [{ delta: { content: p, role: 'assistant' }, index: 0 }], ...head } })),
    { data: { choices: [{ delta: { role: 'assistant' }, finish_reason: 'stop', index: 0 }], ...head, usage: usageFigures(input, pieces.length) } },
    { done: true },
  ];
  return { items, eol: '\r\n', completionTokens: pieces.length };
}

function groq(input: DialectInput): Stream {
  const model = served(input, 'llama-3.3-70b-versatile');
  const head = { id: `chatcmpl-${input.replyKey}`, object: 'chat.completion.chunk', created: CREATED, model, system_fingerprint: 'fp_sim0004' };
  const xGroq = { id: `req_${input.replyKey}` };
  const chunk = (delta: Json, finish: string | null = null, extra: Json = {}): Item => ({
    data: { ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra },
  });
  const pieces = words(input);
  const usage = { queue_time: 0.01, ...usageFigures(input, pieces.length), prompt_time: 0.002, completion_time: 0.004, total_time: 0.006 };
  const top = input.params.get('usage') === 'top' ? { usage } : {};
  const items: Item[] = [
    chunk({ role: 'assistant', content: '' }, null, { x_groq: xGroq }),
    ...pieces.map((p) => chunk({ content: p })),
    chunk({}, 'stop', { x_groq: { ...xGroq, usage }, ...top }),
    { done: true },
  ];
  return { items, completionTokens: pieces.length };
}

function ollama(input: DialectInput): Plan {
  const model = served(input, input.requested === 'ollama' ? 'llama3.2' : input.requested);
  if (input.params.get('missing') === '1')
    return jsonPlan(404, { error: { message: `model "${model}" not found, try pulling it first`, type: 'api_error', param: null, code: null } }, input);
  return answer(() => {
    const head = {
      id: `chatcmpl-${input.replyKey.replace(/\D/g, '')}`,
      object: 'chat.completion.chunk',
      created: CREATED,
      model,
      system_fingerprint: 'fp_ollama',
    };
    const chunk = (delta: Json, finish: string | null = null): Item => ({ data: { ...head, choices: [{ index: 0, delta, finish_reason: finish }] } });
    const pieces = words(input);
    const items: Item[] = [...pieces.map((p) => chunk({ role: 'assistant', content: p })), chunk({ role: 'assistant', content: '' }, 'stop')];
    if (input.request.includeUsage) items.push({ data: { ...head, choices: [], usage: usageFigures(input, pieces.length) } });
    items.push({ done: true });
    return { items, completionTokens: pieces.length };
  })(input);
}

function select(input: DialectInput): Stream {
  const concrete = input.requested === 'select' || input.requested === 'smart-select' ? 'anthropic/claude-sonnet-4.5' : input.requested;
  return openai({ ...input, params: new URLSearchParams({ served: served(input, concrete), ...Object.fromEntries(input.params) }) });
}

const CDN_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n';

const DIALECTS: Record<string, Dialect> = {
  openai: answer(openai),
  openrouter,
  azure: answer(azure),
  deepseek: answer(deepseek),
  gemini: answer(gemini),
  groq: answer(groq),
  ollama,
  select: answer(select),
  'anthropic-529': (input) =>
    jsonPlan(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: `req_${input.replyKey}` }, input, {
      'request-id': `req_${input.replyKey}`,
    }),
  'openai-429': (input) => {
    const ms = intParam(input.params, 'retryAfterMs', 20, 3_600_000);
    const model = served(input, 'gpt-4.1');
    return jsonPlan(
      429,
      {
        error: {
          message: `Rate limit reached for ${model} on tokens per min (TPM): Limit 30000, Used 30000, Requested 120. Please try again in ${ms}ms.`,
          type: 'tokens',
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
      input,
      { 'retry-after-ms': String(ms), 'x-ratelimit-limit-tokens': '30000', 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': `${ms}ms` },
    );
  },
  'openai-context': (input) => {
    const max = intParam(input.params, 'max', 8, 100_000_000);
    if (input.promptTokens <= max) return answer(openai)(input);
    return jsonPlan(
      400,
      {
        error: {
          message: `This model's maximum context length is ${max} tokens. However, your messages resulted in ${input.promptTokens} tokens. Please reduce the length of the messages.`,
          type: 'invalid_request_error',
          param: 'messages',
          code: 'context_length_exceeded',
        },
      },
      input,
    );
  },
  'cdn-502': (input) => jsonPlan(502, CDN_502, input, { server: 'cloudflare', 'cf-ray': '8f00000000000000-AMS' }, 'text/html'),
};

export const DIALECT_NAMES: readonly string[] = Object.keys(DIALECTS);

/** Plans the reply of dialect `name`, or a 404 naming the dialects when there is none. */
export function planDialect(name: string, input: DialectInput): Plan | undefined {
  return Object.hasOwn(DIALECTS, name) ? DIALECTS[name](input) : undefined;
}
