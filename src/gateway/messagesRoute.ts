// Anthropic Messages on the local gateway: `POST /v1/messages` (streamed and not) and `/v1/messages/count_tokens`,
// for Claude Code and the Anthropic SDKs. The translation lives in src/agents/anthropic; this file is the HTTP side:
// body, model mapping (switchboard.agents.models), one route through the core, events written as they come.
//
// A streamed answer's headers wait for the first token, so a request that fails before answering (budget, every
// candidate down) gets a real HTTP status the agent retries or shows. If the first token is slow, the stream starts
// anyway after `pingAfterMs` with message_start and `ping` events (then one every `pingEveryMs`), and a later
// failure is an `error` event, as Anthropic's own API does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveAgentModel } from '../agents/agentModel';
import { logSafe } from '../agents/untrusted';
import { failureForLog } from './failureLog';
import { AnthropicAnswer, MessageCollector, messageId, type AnthropicEvent } from '../agents/anthropic/answer';
import { countInputTokens } from '../agents/anthropic/countTokens';
import { anthropicError, anthropicErrorFrom, type AnthropicHttpError } from '../agents/anthropic/errors';
import { parseCountTokensRequest, parseMessagesRequest, type MessagesRequest } from '../agents/anthropic/request';
import type { Config } from '../core/config/settings';
import { consumeRoute } from '../core/routing/consumeRoute';
import type { ChatRouter, ClientId } from '../core/base/types';
import { bodyOrRefusal } from './body';
import { clientOf } from './clientName';
import { drained, flushNow, sendJson, SSE_HEADERS } from './respond';

export interface MessagesRouteOptions {
  core: { readonly router: Pick<ChatRouter, 'route'>; config(): Config };
  maxBodyBytes: number;
  log?: (line: string) => void;
  /** Start the stream with a ping when the first token has not come by then (default 1000 ms). */
  pingAfterMs?: number;
  /** Then one ping this often until it comes (default 10 s). */
  pingEveryMs?: number;
}

export interface MessagesRoute {
  messages(req: IncomingMessage, res: ServerResponse): Promise<void>;
  countTokens(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

const sseEvent = (e: { type: string }): string => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
const PING = sseEvent({ type: 'ping' });

export function sendAnthropicError(res: ServerResponse, e: AnthropicHttpError): void {
  sendJson(res, e.status, e.body, e.headers);
}

/** The body, or undefined after answering (too large: 413 in Anthropic's shape; the client went away: nothing). */
const bodyOf = (req: IncomingMessage, res: ServerResponse, maxBody: number): Promise<string | undefined> =>
  bodyOrRefusal(req, res, maxBody, (m) => anthropicError(413, m));

export function messagesRoute(opts: MessagesRouteOptions): MessagesRoute {
  const { core, maxBodyBytes: maxBody, log } = opts;
  const pingAfterMs = opts.pingAfterMs ?? 1000;
  const pingEveryMs = opts.pingEveryMs ?? 10_000;

  async function stream(p: MessagesRequest, res: ServerResponse, routeOpts: RouteFor): Promise<void> {
    let pending = '';
    const answer = new AnthropicAnswer((e: AnthropicEvent) => (pending += sseEvent(e)), { id: messageId(), model: p.request.model, stopSequences: stopsOf(p) });
    let started = false;
    const begin = () => {
      started = true;
      res.writeHead(200, SSE_HEADERS);
      answer.start();
    };
    let waiting: NodeJS.Timeout | undefined = setTimeout(function ping() {
      // The client left: its 'close' aborted the route, which ends this wait.
      if (res.destroyed) return;
      if (!started) begin();
      res.write(pending + PING);
      pending = '';
      waiting = setTimeout(ping, pingEveryMs);
    }, pingAfterMs);
    const stopWaiting = () => {
      if (waiting) clearTimeout(waiting);
      waiting = undefined;
    };
    try {
      const r = await consumeRoute(core.router, routeOpts.request, {
        ...routeOpts.options,
        onChunk: (y) => {
          answer.chunk(y.chunk);
          // A chunk with nothing to show (the leading `role` chunk) writes nothing: the first write carries the text.
          if (!pending) return;
          if (waiting) stopWaiting();
          const first = !started;
          if (first) {
            const events = pending;
            pending = '';
            begin();
            pending += events;
          }
          const ok = res.write(pending);
          pending = '';
          // The first text leaves now, with the headers, not after the rest of a burst.
          if (first) flushNow(res);
          if (!ok) return drained(res);
        },
      });
      stopWaiting();
      if (r.outcome === 'stopped') return void res.end();
      if (r.outcome === 'done') {
        if (!started) begin();
        answer.finish(r.done.usage);
        res.end(pending);
        return;
      }
      const e = anthropicErrorFrom(r.error);
      log?.(`local gateway: ${logSafe(routeOpts.request.model)} → ${e.status} ${failureForLog(r.error, e.body.error.message)}`);
      if (!started) return sendAnthropicError(res, e);
      // After the stream began: Anthropic's own way of reporting a failure inside an event stream.
      res.end(pending + sseEvent(e.body));
    } finally {
      stopWaiting();
    }
  }

  async function complete(p: MessagesRequest, res: ServerResponse, routeOpts: RouteFor): Promise<void> {
    const collector = new MessageCollector();
    const answer = new AnthropicAnswer(collector.sink, { id: messageId(), model: p.request.model, stopSequences: stopsOf(p) });
    answer.start();
    // Asked without streaming upstream too: one JSON body instead of an event stream to parse.
    const r = await consumeRoute(core.router, routeOpts.request, { ...routeOpts.options, nonStreaming: true, onChunk: (y) => answer.chunk(y.chunk) });
    if (r.outcome === 'stopped') return;
    if (r.outcome !== 'done') {
      const e = anthropicErrorFrom(r.error);
      log?.(`local gateway: ${logSafe(routeOpts.request.model)} → ${e.status} ${failureForLog(r.error, e.body.error.message)}`);
      return sendAnthropicError(res, e);
    }
    answer.finish(r.done.usage);
    sendJson(res, 200, collector.result());
  }

  return {
    async messages(req, res) {
      const text = await bodyOf(req, res, maxBody);
      if (text === undefined) return;
      const parsed = parseMessagesRequest(text);
      if ('status' in parsed) return sendAnthropicError(res, parsed);
      const ac = new AbortController();
      // The client went away before the answer ended: abort the upstream request.
      res.on('close', () => {
        if (!res.writableFinished) ac.abort();
      });
      const routeOpts = routeFor(parsed, core.config(), ac.signal, clientOf('/v1/messages', req.headers['user-agent']));
      if (parsed.stream) await stream(parsed, res, routeOpts);
      else await complete(parsed, res, routeOpts);
    },
    async countTokens(req, res) {
      const text = await bodyOf(req, res, maxBody);
      if (text === undefined) return;
      const parsed = parseCountTokensRequest(text);
      if ('status' in parsed) return sendAnthropicError(res, parsed);
      sendJson(res, 200, { input_tokens: countInputTokens(parsed) });
    },
  };
}

interface RouteFor {
  request: MessagesRequest['request'];
  options: { signal: AbortSignal; client: ClientId; agent: MessagesRequest['agent']; notes: string[] };
}

/** The agent's model name mapped by switchboard.agents.models; the mapping and what was left out go to the decision's notes. */
function routeFor(p: MessagesRequest, config: Config, signal: AbortSignal, client: ClientId): RouteFor {
  const mapped = resolveAgentModel(p.request.model, config);
  return {
    request: { ...p.request, model: mapped.model },
    options: { signal, client, agent: p.agent, notes: mapped.note ? [mapped.note, ...p.notes] : p.notes },
  };
}

const stopsOf = (p: MessagesRequest): readonly string[] | undefined => (Array.isArray(p.request.stop) ? p.request.stop : undefined);
