// `POST /v1/responses` on the local gateway: OpenAI's Responses API (what Codex speaks) over the same router as
// chat completions. The body is translated by src/agents/responses, routed (smart-select, fallbacks, budget, ledger),
// and the answer goes back as Responses events, each written as its chunk arrives. A failure before the first chunk
// is a real HTTP status in OpenAI's error shape; after it, a `response.failed` event ends the stream.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ResponseBuilder, sseEvent } from '../agents/responses/events';
import { fromResponsesBody, type ResponsesRequest } from '../agents/responses/request';
import type { StreamEvent } from '../agents/responses/wire';
import { consumeRoute, type RouteResult } from '../core/routing/consumeRoute';
import type { ClientId } from '../core/base/clients';
import type { AgentTraits, ChatRouter } from '../core/base/types';
import type { Config } from '../core/config/settings';
import { resolveAgentModel } from '../agents/agentModel';
import { failureForLog } from './failureLog';
import { logSafe, nestedPath, tooDeeplyNested, tooDeepMessage } from '../agents/untrusted';
import { bodyOrRefusal } from './body';
import { clientOf } from './clientName';
import { httpErrorFrom, openAIError, type HttpError } from './openaiErrors';
import { drained, flushNow, sendJson, SSE_HEADERS } from './respond';

export interface ResponsesRouteContext {
  router: Pick<ChatRouter, 'route'>;
  /** The settings now (switchboard.agents.models maps the agent's model name). */
  config: () => Config;
  maxBodyBytes: number;
  log?: (line: string) => void;
}

function parse(text: string): ResponsesRequest | HttpError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return openAIError(400, 'The request body is not valid JSON.', 'invalid_request_error', 'invalid_json');
  }
  // Far deeper input (a tool schema, function_call arguments) overflows JSON.stringify's stack on its way upstream.
  const deep = tooDeeplyNested(text, body);
  if (deep) return openAIError(400, tooDeepMessage(nestedPath(deep, 'brackets')), 'invalid_request_error', 'nesting_too_deep', nestedPath(deep, 'brackets'));
  const parsed = fromResponsesBody(body);
  if ('message' in parsed) return openAIError(400, parsed.message, 'invalid_request_error', parsed.code, parsed.param);
  return parsed;
}

export async function handleResponses(req: IncomingMessage, res: ServerResponse, ctx: ResponsesRouteContext): Promise<void> {
  const text = await bodyOrRefusal(req, res, ctx.maxBodyBytes, (m) => openAIError(413, m, 'invalid_request_error', 'request_too_large'));
  if (text === undefined) return;
  const parsed = parse(text);
  if ('status' in parsed) return sendJson(res, parsed.status, parsed.body);
  // The agent's model name (Codex: gpt-5-codex…) mapped by switchboard.agents.models; the mapping goes to the log.
  const mapped = resolveAgentModel(parsed.model, ctx.config());
  const chat = { ...parsed.chat, model: mapped.model };
  const notes = mapped.note ? [mapped.note, ...parsed.notes] : parsed.notes;
  const agent = agentTraits(parsed);
  const client = clientOf('/v1/responses', req.headers['user-agent']);
  const ac = new AbortController();
  // The client went away before the answer ended: abort the upstream request.
  res.on('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  const builder = new ResponseBuilder({ model: parsed.model, echo: parsed.echo });
  const run = parsed.stream
    ? stream(builder, res, ac.signal, { chat, client, notes, agent }, ctx)
    : complete(builder, ac.signal, { chat, client, notes, agent }, ctx);
  const r = await run;
  if (r.outcome === 'stopped') {
    if (!res.writableEnded) res.end();
    return;
  }
  if (r.outcome === 'done') {
    const events = builder.finish({ usage: r.done.usage, served: r.servedModel });
    if (!parsed.stream) return sendJson(res, 200, builder.response);
    if (!res.headersSent) writeEvents(res, builder.start());
    res.end(events.map(sseEvent).join(''));
    return;
  }
  const e = httpErrorFrom(r.error);
  ctx.log?.(`local gateway: /v1/responses ${logSafe(chat.model)} → HTTP ${e.status} ${failureForLog(r.error, e.body.error.message)}`);
  if (!res.headersSent) return sendJson(res, e.status, e.body, e.headers);
  // Mid-stream: the Responses API's own way of ending a stream that failed after it began.
  res.end(
    builder
      .fail({ code: e.body.error.code ?? e.body.error.type, message: e.body.error.message })
      .map(sseEvent)
      .join(''),
  );
}

interface Routed {
  chat: ResponsesRequest['chat'];
  client: ClientId;
  notes: string[];
  agent: AgentTraits;
}

/** What smart-select reads: a high reasoning effort asks for thinking (Codex sends a medium one on every turn). */
function agentTraits(parsed: ResponsesRequest): AgentTraits {
  const effort = parsed.chat.reasoning_effort;
  return { dialect: 'responses', ...(effort === 'high' ? { thinking: { effort } } : {}) };
}

/** Writes events; false when the socket wants a pause. The first write sends the headers. */
function writeEvents(res: ServerResponse, events: StreamEvent[]): boolean {
  if (res.headersSent) return events.length === 0 || res.write(events.map(sseEvent).join(''));
  res.writeHead(200, SSE_HEADERS);
  const ok = events.length === 0 || res.write(events.map(sseEvent).join(''));
  // The first events leave now, with the headers, not after the rest of a burst.
  flushNow(res);
  return ok;
}

function stream(builder: ResponseBuilder, res: ServerResponse, signal: AbortSignal, r: Routed, ctx: ResponsesRouteContext): Promise<RouteResult> {
  return consumeRoute(ctx.router, r.chat, {
    signal,
    client: r.client,
    notes: r.notes,
    agent: r.agent,
    onChunk: (y) => {
      // Headers and `response.created` wait for the first chunk, so a request that fails before answering gets a
      // real HTTP status (and Codex's own retry).
      const events = res.headersSent ? builder.add(y.chunk) : [...builder.start(), ...builder.add(y.chunk)];
      if (!writeEvents(res, events)) return drained(res);
    },
  });
}

function complete(builder: ResponseBuilder, signal: AbortSignal, r: Routed, ctx: ResponsesRouteContext): Promise<RouteResult> {
  builder.start();
  // The upstream is asked without streaming too: one JSON body instead of an event stream to parse.
  return consumeRoute(ctx.router, r.chat, {
    signal,
    client: r.client,
    notes: r.notes,
    agent: r.agent,
    nonStreaming: true,
    onChunk: (y) => void builder.add(y.chunk),
  });
}
