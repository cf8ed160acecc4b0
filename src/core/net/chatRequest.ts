// A chat request made ready to send: the JSON body serialised once per route and the headers checked, before any
// breaker is asked. Whatever cannot be sent (a body nested too deeply for JSON.stringify, a CR/LF in a header value,
// a key with a character HTTP headers cannot carry) is an InvalidRequestError naming what was wrong, never a throw
// from inside `http.request` after a half-open probe was handed out.
import { validateHeaderValue } from 'node:http';
import { assertSafeEndpoint } from '../config/endpoints';
import { InvalidRequestError } from '../base/errors';
import { keyProblem } from '../config/keyValidity';
import type { ChatRequest, Endpoint } from '../base/types';

/**
 * The body for one upstream model id (and the gateway's own fallback list); the rest was serialised once.
 * `withoutReasoningEffort`: the model is known not to take `reasoning_effort` (an agent's effort sent to a model
 * smart-select or a fallback chose), which OpenAI refuses with a 400 rather than ignores.
 */
export type BodyEncoder = (upstreamModel: string, gatewayFallbacks?: readonly string[], withoutReasoningEffort?: boolean) => string;

export interface PreparedChat {
  body: string;
  headers: Record<string, string>;
}

export interface ChatTarget {
  endpoint: Endpoint;
  /** Bearer key; omitted only for keyless local endpoints. Never appears in errors. */
  key: string | undefined;
  /** The model id sent upstream. */
  upstreamModel: string;
  /** The model id errors name (defaults to upstreamModel). */
  model?: string;
  /** Per-request headers on top of the endpoint's. */
  headers?: Record<string, string>;
  /** Send `stream: false` and turn the JSON answer into chunks. */
  nonStreaming?: boolean;
  /** Sent as `models` for a gateway that walks the list itself (OpenRouter). */
  gatewayFallbacks?: readonly string[];
  /** The model is known not to take `reasoning_effort`: it is left out. */
  withoutReasoningEffort?: boolean;
}

/** Serialises everything but `model` now; throws InvalidRequestError when the request is not JSON-serialisable. */
export function chatBodyEncoder(req: ChatRequest, nonStreaming = false): BodyEncoder {
  // Copied key by key (the same members in the same order as `{ ...rest, stream, stream_options }` after taking the
  // model out): spreading a rest object cost ~6 µs per request, more than serialising it.
  const fields: Record<string, unknown> = {};
  for (const k of Object.keys(req)) if (k !== 'model') fields[k] = (req as unknown as Record<string, unknown>)[k];
  if (nonStreaming) fields.stream = false;
  else {
    fields.stream = true;
    fields.stream_options = { ...(req.stream_options ?? {}), include_usage: true };
  }
  // `fields` always has `stream`, so the JSON is `{…}` with at least one member after the model.
  const tail = serialised(fields).slice(1);
  let tailWithoutEffort: string | undefined;
  const withoutEffort = () => {
    const { reasoning_effort: _effort, ...others } = fields as typeof fields & { reasoning_effort?: unknown };
    return (tailWithoutEffort ??= serialised(others).slice(1));
  };
  const hasEffort = (fields as { reasoning_effort?: unknown }).reasoning_effort !== undefined;
  return (upstreamModel, gatewayFallbacks, withoutReasoningEffort) =>
    `{"model":${JSON.stringify(upstreamModel)},${gatewayFallbacks?.length ? `"models":${JSON.stringify(gatewayFallbacks)},` : ''}${
      hasEffort && withoutReasoningEffort ? withoutEffort() : tail
    }`;
}

function serialised(fields: object): string {
  try {
    return JSON.stringify(fields);
  } catch (e) {
    const why =
      e instanceof RangeError ? 'it is nested too deeply to serialise' : `it holds a value JSON cannot carry (${e instanceof Error ? e.message : String(e)})`;
    throw new InvalidRequestError('messages', `The request cannot be sent: ${why}. Flatten or shorten the messages and try again.`);
  }
}

/** The body and headers for one upstream call; throws ConfigError (unsafe URL for a key) or InvalidRequestError. */
export function prepareChat(t: ChatTarget, encode: BodyEncoder): PreparedChat {
  const base = checkedHeaders(t);
  const body = encode(t.upstreamModel, t.gatewayFallbacks, t.withoutReasoningEffort);
  // Copied key by key: an object spread of the cached headers cost ~2 µs per request.
  const headers: Record<string, string> = {};
  for (const k in base) headers[k] = base[k];
  headers['content-length'] = String(Buffer.byteLength(body));
  return { body, headers };
}

/**
 * Every header but the length, checked (endpoint URL safe for a key, values sendable, key well-formed) once per
 * endpoint, key and header set and then reused: the checks parse a URL and walk the key, per request that was most of
 * the time before the socket write. A target that fails a check is not cached, so it throws the same error each time.
 */
const checked = new Map<string, Readonly<Record<string, string>>>();

function checkedHeaders(t: ChatTarget): Readonly<Record<string, string>> {
  const cacheKey = `${t.endpoint.id}\n${t.endpoint.baseUrl}\n${t.nonStreaming ? 1 : 0}\n${t.key ?? ''}\n${headerList(t.endpoint.headers)}\n${headerList(t.headers)}`;
  const hit = checked.get(cacheKey);
  if (hit) return hit;
  if (t.key) assertSafeEndpoint(t.endpoint);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: t.nonStreaming ? 'application/json' : 'text/event-stream',
    'user-agent': 'switchboard/0.1',
    ...t.endpoint.headers,
    ...t.headers,
  };
  delete headers['content-length'];
  const model = t.model ?? t.upstreamModel;
  for (const [name, value] of Object.entries(headers)) {
    if (headerValueProblem(name, value))
      throw new InvalidRequestError(
        `header ${name}`,
        `The header "${name}" for ${quote(model)} at ${t.endpoint.id} holds a line break, a control character ` +
          'or a character outside Latin-1, so it cannot be sent. ' +
          `Check the model id and the headers in ${t.endpoint.id === 'gateway' ? 'switchboard.gateway.headers' : 'switchboard.providers'}.`,
      );
  }
  if (t.key) {
    const problem = keyProblem(t.key);
    if (problem)
      throw new InvalidRequestError(
        'key',
        `The API key for ${t.endpoint.id} ${problem}. Store it again with "Switchboard: Set API Key" (or fix the environment variable it came from).`,
      );
    headers.authorization = `Bearer ${t.key}`;
  }
  if (checked.size >= 256) checked.clear();
  checked.set(cacheKey, headers);
  return headers;
}

function headerList(h: Record<string, string> | undefined): string {
  if (!h) return '';
  let s = '';
  for (const k in h) s += `${k}\u0000${h[k]}\u0001`;
  return s;
}

function headerValueProblem(name: string, value: string): boolean {
  try {
    validateHeaderValue(name, value);
    return false;
  } catch {
    return true;
  }
}

const quote = (id: string): string => JSON.stringify(id.length > 80 ? id.slice(0, 80) + '…' : id);
