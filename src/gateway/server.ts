// The local gateway: an HTTP server on 127.0.0.1 over the same core as the chat view, so every request through it is
// routed (smart-select, fallbacks, breakers), budgeted and recorded in the usage ledger. It speaks OpenAI Chat
// Completions (chatRoute.ts) and translates Anthropic Messages (messagesRoute.ts, for Claude Code) and OpenAI
// Responses (responsesRoute.ts, for Codex) to and from it. This file guards every request (guard.ts), dispatches it
// to its route, lists the models and answers whatever a route leaves unanswered.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMART_SELECT } from '../core/config/names';
import { ConfigError } from '../core/base/errors';
import type { ChatRouter, ModelInfo } from '../core/base/types';
import { refuse } from './body';
import { failureForLog } from './failureLog';
import { logSafe } from '../agents/untrusted';
import { chatRoute } from './chatRoute';
import { createGuard, newLocalToken } from './guard';
import { httpErrorFrom, openAIError, type HttpError } from './openaiErrors';
import { handleResponses } from './responsesRoute';
import { sendJson } from './respond';
import { messagesRoute, sendAnthropicError } from './messagesRoute';
import { anthropicError } from '../agents/anthropic/errors';
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
  const chat = chatRoute({ core, maxBodyBytes: maxBody, ...(log ? { log } : {}) });

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

  // Agents pause between turns (a person reads, a tool runs): an idle connection stays open a minute, not Node's 5 s,
  // so the next request reuses it; clients read the limit from the answer's `Keep-Alive: timeout=65`. The header clock
  // stays above it, so a reused connection's next request is never cut by it.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

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
