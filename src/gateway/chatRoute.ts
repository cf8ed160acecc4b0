// `POST /v1/chat/completions` on the local gateway: OpenAI Chat Completions, the gateway's own dialect. The body is
// checked (validate.ts), the model mapped only where a rule of switchboard.agents.models names it (Aider, opencode…),
// and the request routed through the core; fields the caller sends (tools, response_format, …) pass through to the
// upstream untouched. A streamed answer's headers wait for the first chunk, so a failure before it is a real status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveAgentModel } from '../agents/agentModel';
import { logSafe } from '../agents/untrusted';
import type { ChatRouter, ClientId } from '../core/base/types';
import type { Config } from '../core/config/settings';
import { consumeRoute } from '../core/routing/consumeRoute';
import { CompletionAggregator } from './aggregate';
import { bodyOrRefusal } from './body';
import { clientOf } from './clientName';
import { failureForLog } from './failureLog';
import { httpErrorFrom, openAIError, type HttpError } from './openaiErrors';
import { drained, flushNow, sendJson, SSE_HEADERS } from './respond';
import { parseChat, type ParsedChat } from './validate';

type Router = Pick<ChatRouter, 'route'>;

export interface ChatRouteOptions {
  core: { readonly router: Router; config(): Config };
  maxBodyBytes: number;
  log?: (line: string) => void;
}

function sendError(res: ServerResponse, e: HttpError): void {
  sendJson(res, e.status, e.body, e.headers);
}

/** The handler of `POST /v1/chat/completions`. */
export const chatRoute =
  (opts: ChatRouteOptions) =>
  (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    chat(req, res, opts);

async function chat(req: IncomingMessage, res: ServerResponse, opts: ChatRouteOptions): Promise<void> {
  const { core, maxBodyBytes: maxBody, log } = opts;
  const text = await bodyOrRefusal(req, res, maxBody, (m) => openAIError(413, m, 'invalid_request_error', 'request_too_large'));
  if (text === undefined) return;
  const parsed = parseChat(text);
  if ('status' in parsed) return sendError(res, parsed);
  // Agents on Chat Completions (Aider, opencode…): only names a rule in switchboard.agents.models matches are mapped.
  const mapped = resolveAgentModel(parsed.request.model, core.config(), { unmatched: 'as-is' });
  if (mapped.note) {
    parsed.request.model = mapped.model;
    parsed.notes = [mapped.note];
  }
  const ac = new AbortController();
  // The client went away before the answer ended: abort the upstream request.
  res.on('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  try {
    const client = clientOf('/v1/chat/completions', req.headers['user-agent']);
    if (parsed.stream) await streamAnswer(core.router, parsed, res, ac.signal, client);
    else await completeAnswer(core.router, parsed, res, ac.signal, client);
  } catch (err) {
    if (ac.signal.aborted) return;
    const e = httpErrorFrom(err);
    log?.(`local gateway: ${logSafe(parsed.request.model)} → HTTP ${e.status} ${failureForLog(err, e.body.error.message)}`);
    // Answered in full before the router's bookkeeping failed: the client has its answer, the log has the failure.
    if (res.writableEnded) return;
    if (!res.headersSent) return sendError(res, e);
    // Mid-stream: OpenAI's own way of reporting an error inside an event stream.
    res.end(`data: ${JSON.stringify(e.body)}\n\n`);
  }
}

async function streamAnswer(router: Router, p: ParsedChat, res: ServerResponse, signal: AbortSignal, client: ClientId): Promise<void> {
  let ended = false;
  const end = (): void => {
    ended = true;
    if (!res.headersSent) res.writeHead(200, SSE_HEADERS);
    res.end('data: [DONE]\n\n');
  };
  const r = await consumeRoute(router, p.request, {
    signal,
    client,
    ...(p.notes ? { notes: p.notes } : {}),
    // The answer's end leaves before the router's ledger write; a client that went away gets nothing (stopped).
    onAnswered: () => signal.aborted || end(),
    onChunk: (y) => {
      const c = y.chunk;
      if (!p.includeUsage && c.usage && c.choices.length === 0) return;
      // Headers wait for the first chunk, so a request that fails before answering gets a real HTTP status.
      if (!res.headersSent) {
        res.writeHead(200, SSE_HEADERS);
        const more = res.write(`data: ${JSON.stringify(c)}\n\n`);
        // The first event leaves now, with the headers: the rest of a burst would otherwise hold it back.
        flushNow(res);
        if (!more) return drained(res);
        return;
      }
      if (!res.write(`data: ${JSON.stringify(c)}\n\n`)) return drained(res);
    },
  });
  if (r.outcome === 'stopped') return;
  if (r.outcome !== 'done') throw r.error;
  if (!ended) end();
}

async function completeAnswer(router: Router, p: ParsedChat, res: ServerResponse, signal: AbortSignal, client: ClientId): Promise<void> {
  const acc = new CompletionAggregator();
  let sent = false;
  const send = (model: string): void => {
    sent = true;
    sendJson(res, 200, acc.result(model));
  };
  // The upstream is asked without streaming too: one JSON body instead of an event stream to parse.
  const r = await consumeRoute(router, p.request, {
    signal,
    client,
    nonStreaming: true,
    ...(p.notes ? { notes: p.notes } : {}),
    // Sent before the router's ledger write; a client that went away gets nothing (stopped).
    onAnswered: (ev) => signal.aborted || send(ev.served ?? ev.model),
    onChunk: (y) => acc.add(y.chunk),
  });
  if (r.outcome === 'stopped') return;
  if (r.outcome !== 'done') throw r.error;
  if (!sent) send(r.servedModel);
}
