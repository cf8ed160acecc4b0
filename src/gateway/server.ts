// The local gateway: an HTTP server on 127.0.0.1 over the same core as the chat view, so every request through it is
// routed (smart-select, fallbacks, breakers), budgeted and recorded in the usage ledger. It speaks OpenAI Chat
// Completions (here: fields the caller sends, such as tools or response_format, pass through to the upstream
// untouched), and translates Anthropic Messages (messagesRoute.ts, for Claude Code) and OpenAI Responses
// (responsesRoute.ts, for Codex) to and from it. This file also guards every route (guard.ts) and dispatches.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { consumeRoute } from '../core/routing/consumeRoute';
import { SMART_SELECT } from '../core/config/names';
import { ConfigError } from '../core/base/errors';
import type { ChatRouter, ClientId, ModelInfo } from '../core/base/types';
import { CompletionAggregator } from './aggregate';
import { bodyOrRefusal, refuse } from './body';
import { createGuard, newLocalToken } from './guard';
import { clientOf } from './clientName';
import { httpErrorFrom, openAIError, type HttpError } from './openaiErrors';
import { handleResponses } from './responsesRoute';
import { drained, sendJson, SSE_HEADERS } from './respond';
import { parseChat, type ParsedChat } from './validate';
import { messagesRoute, sendAnthropicError } from './messagesRoute';
import { anthropicError } from '../agents/anthropic/errors';
import { resolveAgentModel } from '../agents/agentModel';
import { logSafe } from '../agents/untrusted';
import { failureForLog } from './failureLog';
import type { Config } from '../core/config/settings';

/** What the gateway needs of the core (`Core` from createCore satisfies it). */
export interface GatewayCore {
  readonly router: Pick<ChatRouter, 'route'>;
  listModels(): Promise<ModelInfo[]>;
  /** The settings now (switchboard.agents.models maps agents' model names). */
  config(): Config;
}

export interface LocalGatewayOptions {
  core: GatewayCore;
  /** 0 or undefined: any free port. */
  port?: number;
  /** The token clients must send (as a Bearer token or x-api-key); a random one per start when omitted. */
  token?: string;
  /** Where a client refused for its token finds the right one (default: VS Code's commands; serve names its own source). */
  tokenHint?: string;
  /** Largest accepted request body. */
  maxBodyBytes?: number;
  log?: (line: string) => void;
  /** Anthropic Messages streams: when the first ping goes out while the first token is awaited (messagesRoute.ts). */
  pingAfterMs?: number;
}

export interface LocalGateway {
  /** `http://127.0.0.1:PORT/v1` */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

function sendError(res: ServerResponse, e: HttpError): void {
  sendJson(res, e.status, e.body, e.headers);
}

export async function startLocalGateway(opts: LocalGatewayOptions): Promise<LocalGateway> {
  const token = opts.token || newLocalToken();
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const { core, log } = opts;
  const tokenHint = opts.tokenHint !== undefined ? { tokenHint: opts.tokenHint } : {};
  let guard = createGuard({ port: opts.port ?? 0, token, ...tokenHint });
  const anthropic = messagesRoute({ core, maxBodyBytes: maxBody, log, ...(opts.pingAfterMs !== undefined ? { pingAfterMs: opts.pingAfterMs } : {}) });

  async function chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
      if (parsed.stream) await streamAnswer(parsed, res, ac.signal, client);
      else await completeAnswer(parsed, res, ac.signal, client);
    } catch (err) {
      if (ac.signal.aborted) return;
      const e = httpErrorFrom(err);
      log?.(`local gateway: ${logSafe(parsed.request.model)} → HTTP ${e.status} ${failureForLog(err, e.body.error.message)}`);
      if (!res.headersSent) return sendError(res, e);
      // Mid-stream: OpenAI's own way of reporting an error inside an event stream.
      res.end(`data: ${JSON.stringify(e.body)}\n\n`);
    }
  }

  async function streamAnswer(p: ParsedChat, res: ServerResponse, signal: AbortSignal, client: ClientId): Promise<void> {
    const r = await consumeRoute(core.router, p.request, {
      signal,
      client,
      ...(p.notes ? { notes: p.notes } : {}),
      onChunk: (y) => {
        const c = y.chunk;
        if (!p.includeUsage && c.usage && c.choices.length === 0) return;
        // Headers wait for the first chunk, so a request that fails before answering gets a real HTTP status.
        if (!res.headersSent) res.writeHead(200, SSE_HEADERS);
        if (!res.write(`data: ${JSON.stringify(c)}\n\n`)) return drained(res);
      },
    });
    if (r.outcome === 'stopped') return;
    if (r.outcome !== 'done') throw r.error;
    if (!res.headersSent) res.writeHead(200, SSE_HEADERS);
    res.end('data: [DONE]\n\n');
  }

  async function completeAnswer(p: ParsedChat, res: ServerResponse, signal: AbortSignal, client: ClientId): Promise<void> {
    const acc = new CompletionAggregator();
    // The upstream is asked without streaming too: one JSON body instead of an event stream to parse.
    const r = await consumeRoute(core.router, p.request, {
      signal,
      client,
      nonStreaming: true,
      ...(p.notes ? { notes: p.notes } : {}),
      onChunk: (y) => acc.add(y.chunk),
    });
    if (r.outcome === 'stopped') return;
    if (r.outcome !== 'done') throw r.error;
    sendJson(res, 200, acc.result(r.servedModel));
  }

  async function models(res: ServerResponse): Promise<void> {
    const list = await core.listModels();
    const data = [
      { id: SMART_SELECT, object: 'model', created: 0, owned_by: 'switchboard' },
      ...list.map((m) => ({ id: m.id, object: 'model', created: 0, owned_by: m.provider })),
    ];
    sendJson(res, 200, { object: 'list', data });
  }

  const server = createServer({ noDelay: true, keepAlive: true }, (req, res) => {
    const path = req.url ?? '/';
    const q = path.indexOf('?');
    const route = q >= 0 ? path.slice(0, q) : path;
    // Anthropic's clients get every answer in Anthropic's shape, refusals included.
    const isMessages = route === '/v1/messages' || route === '/v1/messages/count_tokens';
    // `HEAD /` is Claude Code's reachability probe: answered without the token (it says nothing), never to a web page.
    const probe = route === '/' && (req.method === 'HEAD' || req.method === 'GET');
    const denied = guard.check(req.headers, probe ? { token: false } : undefined);
    if (denied) return refuse(req, res, isMessages ? anthropicError(denied.status, denied.body.error.message) : denied, { bodyLimit: maxBody });
    let work: Promise<void> | void;
    if (probe) {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end(req.method === 'GET' ? 'Switchboard local gateway\n' : undefined);
    } else if (isMessages) {
      if (req.method !== 'POST') return refuse(req, res, anthropicError(405, `Use POST for ${route}.`), { bodyLimit: maxBody, headers: { allow: 'POST' } });
      work = route === '/v1/messages' ? anthropic.messages(req, res) : anthropic.countTokens(req, res);
    } else if (route === '/v1/chat/completions') {
      if (req.method !== 'POST')
        return refuse(req, res, openAIError(405, 'Use POST for /v1/chat/completions.', 'invalid_request_error', 'method_not_allowed'), {
          bodyLimit: maxBody,
          headers: { allow: 'POST' },
        });
      work = chat(req, res);
    } else if (route === '/v1/responses') {
      if (req.method !== 'POST')
        return refuse(req, res, openAIError(405, 'Use POST for /v1/responses.', 'invalid_request_error', 'method_not_allowed'), {
          bodyLimit: maxBody,
          headers: { allow: 'POST' },
        });
      work = handleResponses(req, res, { router: core.router, config: () => core.config(), maxBodyBytes: maxBody, ...(log ? { log } : {}) });
    } else if (route === '/v1/models') {
      if (req.method !== 'GET')
        return refuse(req, res, openAIError(405, 'Use GET for /v1/models.', 'invalid_request_error', 'method_not_allowed'), {
          bodyLimit: maxBody,
          headers: { allow: 'GET' },
        });
      req.resume();
      work = models(res);
    } else {
      return refuse(
        req,
        res,
        openAIError(
          404,
          `No route ${req.method} ${route.slice(0, 200)}. The local gateway serves POST /v1/chat/completions, POST /v1/responses, ` +
            'POST /v1/messages, POST /v1/messages/count_tokens and GET /v1/models.',
          'invalid_request_error',
          'unknown_url',
        ),
        { bodyLimit: maxBody },
      );
    }
    work.catch((err: unknown) => {
      const e = httpErrorFrom(err);
      log?.(`local gateway: ${req.method} ${logSafe(route)} → HTTP ${e.status} ${failureForLog(err, e.body.error.message)}`);
      if (res.headersSent) res.destroy();
      else if (isMessages) sendAnthropicError(res, anthropicError(e.status, e.body.error.message));
      else sendError(res, e);
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'EADDRINUSE'
          ? new ConfigError(
              'switchboard.localGateway.port',
              `Port ${opts.port} on 127.0.0.1 is already in use. Choose another in "switchboard.localGateway.port" (0 = any free port).`,
            )
          : e,
      );
    };
    server.once('error', onError);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  guard = createGuard({ port, token, ...tokenHint });

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    token,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // In-flight answers end now; their 'close' handlers abort the upstream requests.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
