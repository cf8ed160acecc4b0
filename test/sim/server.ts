// The provider simulator: an OpenAI-compatible HTTP server whose behaviour is chosen by the model name.
// See modes.ts for the modes and /work/shared/DESIGN.md § "Provider simulator" for the contract.
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MODELS_BODY } from './catalog';
import { DIALECT_NAMES } from './dialects';
import { errorPlan, planReply } from './modes';
import type { ErrorPlan } from './modes';
import { mulberry32 } from './prng';
import type { Prng } from './prng';
import { sendJson, sendReply } from './reply';
import type { ReplyScope } from './reply';
import { SimInputError, parseChatRequest } from './request';
import { promptTokens } from './text';
import { errorBody } from './wire';

export interface SimStats {
  /** Chat-completion requests received (including refused ones). */
  requests: number;
  /** Answers fully sent (errors, cuts and aborts excluded). */
  completed: number;
  /** Token totals of completed answers only. */
  promptTokens: number;
  completionTokens: number;
  /** Requests whose client disconnected before the reply ended. */
  aborted: number;
  /** Requests not yet ended; a live gauge that reset() leaves alone. */
  inFlight: number;
  /** `GET /v1/models` requests received (including refused ones). */
  modelListings: number;
}

export interface Sim {
  /** `http://127.0.0.1:PORT/v1` */
  url: string;
  port: number;
  stats(): SimStats;
  /** Zeroes the counters and restarts every flaky sequence. */
  reset(): void;
  /** Destroys open connections, clears every timer and stops listening. */
  close(): Promise<void>;
}

export interface SimOptions {
  port?: number;
  host?: string;
  /** If set, only this bearer key is accepted; otherwise any non-empty bearer. */
  key?: string;
  /** A provider dialect (dialects.ts) that answers every model outside `sim/` and `dialect/`, as that gateway would. */
  dialect?: string;
  /** Delay before every chat reply, errors included: a network round trip to a remote gateway (benchmarks). */
  latencyMs?: number;
  /** Serve https with this PEM key and certificate (proxy / private-CA tests). */
  tls?: { key: string; cert: string };
  /** List the real model ids the simulator stands in for (smart-select's default tiers); default true. */
  standIns?: boolean;
}

class RequestScope implements ReplyScope {
  private readonly timers = new Set<NodeJS.Timeout>();
  ended = false;
  destroyedByServer = false;
  private markClosed!: () => void;
  /** Settles once the response's 'close' has been handled (stats updated). */
  readonly closed = new Promise<void>((resolve) => (this.markClosed = resolve));

  later(ms: number, fn: () => void): void {
    if (this.ended) return;
    if (ms <= 0) return fn();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.ended) fn();
    }, ms);
    this.timers.add(timer);
  }

  destroy(res: ServerResponse): void {
    this.destroyedByServer = true;
    res.destroy();
  }

  /** Called from the response's 'close' handler, after the stats are updated. */
  settle(): void {
    this.end();
    this.markClosed();
  }

  end(): void {
    this.ended = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

function zeroStats(inFlight: number): SimStats {
  return { requests: 0, completed: 0, promptTokens: 0, completionTokens: 0, aborted: 0, inFlight, modelListings: 0 };
}

const BEARER = /^Bearer\s+(\S.*)$/i;

function sendError(res: ServerResponse, plan: ErrorPlan): void {
  sendJson(res, plan.status, errorBody(plan), plan.headers);
}

export function startSim(opts: SimOptions = {}): Promise<Sim> {
  if (opts.dialect !== undefined && !DIALECT_NAMES.includes(opts.dialect))
    return Promise.reject(new Error(`Unknown simulator dialect "${opts.dialect}"; dialects: ${DIALECT_NAMES.join(', ')}.`));
  const host = opts.host ?? '127.0.0.1';
  let stats = zeroStats(0);
  let flakyRngs = new Map<string, Prng>();
  const scopes = new Set<RequestScope>();
  let replies = 0;

  const resetState = (): void => {
    stats = zeroStats(stats.inFlight);
    flakyRngs = new Map();
  };

  const rngFor = (model: string, seed: number): Prng => {
    let rng = flakyRngs.get(model);
    if (rng === undefined) flakyRngs.set(model, (rng = mulberry32(seed)));
    return rng;
  };

  const authorized = (req: IncomingMessage): boolean => {
    const match = BEARER.exec(req.headers.authorization ?? '');
    if (match === null) return false;
    return opts.key === undefined || match[1].trim() === opts.key;
  };

  const refuseUnauthorized = (res: ServerResponse): void =>
    sendError(
      res,
      errorPlan(
        401,
        'Missing or invalid API key: send `Authorization: Bearer <key>`' + (opts.key === undefined ? '.' : ' with the key the simulator was started with.'),
      ),
    );

  const chatCompletion = (req: IncomingMessage, res: ServerResponse): void => {
    stats.requests++;
    stats.inFlight++;
    const scope = new RequestScope();
    scopes.add(scope);
    res.once('close', () => {
      scopes.delete(scope);
      stats.inFlight--;
      if (!res.writableFinished && !scope.destroyedByServer) stats.aborted++;
      scope.settle();
    });
    if (!authorized(req)) return refuseUnauthorized(res);

    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => scope.later(opts.latencyMs ?? 0, () => reply(res, scope, Buffer.concat(chunks))));
  };

  const reply = (res: ServerResponse, scope: RequestScope, body: Buffer): void => {
    if (scope.ended) return;
    const n = ++replies;
    try {
      const request = parseChatRequest(body.toString('utf8'));
      const tokens = promptTokens(request.messages);
      const plan = planReply({ request, promptTokens: tokens, rngFor, callId: `call_sim_${n}`, dialect: opts.dialect });
      sendReply(res, plan, {
        identity: { id: `chatcmpl-sim-${n}`, created: Math.floor(Date.now() / 1000), model: request.model },
        stream: request.stream,
        includeUsage: request.includeUsage,
        promptTokens: tokens,
        scope,
        onCompleted: (usage) => {
          stats.completed++;
          stats.promptTokens += usage.promptTokens;
          stats.completionTokens += usage.completionTokens;
        },
      });
    } catch (e) {
      if (!(e instanceof SimInputError)) throw e;
      sendError(res, errorPlan(400, e.message, { param: e.param }));
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    req.on('error', () => {}); // A client hanging up mid-body is an abort, counted on res 'close'.
    const q = req.url?.indexOf('?') ?? -1;
    const path = q < 0 ? req.url : req.url?.slice(0, q);
    const route = `${req.method} ${path}`;
    switch (route) {
      case 'POST /v1/chat/completions':
        return chatCompletion(req, res);
      case 'GET /v1/models':
        stats.modelListings++;
        return authorized(req) ? sendJson(res, 200, opts.standIns === false ? MODELS_BODY.simOnly : MODELS_BODY.withStandIns) : refuseUnauthorized(res);
      case 'GET /__sim/stats':
        return sendJson(res, 200, JSON.stringify(stats));
      case 'POST /__sim/reset':
        resetState();
        return sendJson(res, 200, JSON.stringify(stats));
      default:
        return sendError(
          res,
          errorPlan(404, `The simulator has no route ${route}. It serves POST /v1/chat/completions, GET /v1/models, GET /__sim/stats and POST /__sim/reset.`, {
            code: 'not_found',
          }),
        );
    }
  };
  const server = opts.tls ? createTlsServer(opts.tls, handle) : createServer(handle);
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;
  server.on(opts.tls ? 'secureConnection' : 'connection', (socket: import('node:net').Socket) => socket.setNoDelay(true));

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      const hostInUrl = host.includes(':') ? `[${host}]` : host;
      let closing: Promise<void> | undefined;
      resolve({
        url: `${opts.tls ? 'https' : 'http'}://${hostInUrl}:${port}/v1`,
        port,
        stats: () => ({ ...stats }),
        reset: resetState,
        close: () =>
          (closing ??= (async () => {
            const pending = [...scopes].map((scope) => {
              scope.end();
              return scope.closed;
            });
            const stopped = new Promise<void>((done) => server.close(() => done()));
            server.closeAllConnections();
            await Promise.all([stopped, ...pending]);
          })()),
      });
    });
  });
}
