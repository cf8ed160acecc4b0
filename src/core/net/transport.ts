// OpenAI-compatible chat calls over node:http/https with the keep-alive (and proxy) agents of proxy.ts, and
// eventsource-parser for SSE. One upstream request per ChatStream; the stream is an async iterator of
// the SDK's ChatCompletionChunk type. Aborting (signal, `return()`, a timeout, an error) destroys the socket at once,
// and every timer is cleared on every path.
import * as http from 'node:http';
import * as https from 'node:https';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import { chunksFromCompletion, completionShapeProblem, isTokenChunk } from '../base/chunks';
import { urlProblem } from '../config/settings';
import { chatBodyEncoder, prepareChat, type ChatTarget, type PreparedChat } from './chatRequest';
import {
  CancelledError,
  ConfigError,
  hasErrorCode,
  ConnectionError,
  MalformedResponseError,
  TimeoutError,
  UnavailableError,
  errorFromStatus,
  type UpstreamContext,
} from '../base/errors';
import { network, type Network } from './proxy';
import { networkError } from './networkErrors';
import { attachShouldRetry, parseRetryAfter } from './retry';
import { redact, redactAndCut } from '../base/redact';
import { createChunkParser } from './sse';
import { Deadline } from './deadlines';
import type { ChatRequest } from '../base/types';

/** The default network's direct agents (tests destroy them to end a run); requests take theirs from `network()`. */
export const { http: httpAgent, https: httpsAgent } = network().direct;

export interface TransportTimeouts {
  /** Until response headers arrive. 0 = off. */
  connectMs: number;
  /** From the start of the request until the first token. 0 = off. */
  firstTokenMs: number;
  /** Between chunks once tokens flow. 0 = off. */
  idleMs: number;
}

/** Where and what to send (ChatTarget: endpoint, key, upstream model, headers, nonStreaming), and how. */
export interface ChatStreamRequest extends ChatTarget {
  /** Every field passes through untouched; `model`, `stream` and `stream_options.include_usage` are set here. */
  body: ChatRequest;
  signal?: AbortSignal;
  timeouts?: Partial<TransportTimeouts>;
  /** Body and headers already built and checked by `prepareChat` (the router does so before asking a breaker). */
  prepared?: PreparedChat;
}

interface Target {
  mod: typeof http | typeof https;
  url: URL;
  /** host:port, for messages. */
  host: string;
  hostname: string;
  port: string;
  path: string;
  /** The POST's options but its headers, for the network they were built with (rebuilt when it is replaced). */
  post?: { network: Network; options: http.RequestOptions; proxy: string | undefined };
}

/** The request options of a POST to `t` (agent, TLS), built once per target and network. */
function postOptions(t: Target): { options: http.RequestOptions; proxy: string | undefined } {
  const net = network();
  if (t.post?.network === net) return t.post;
  const route = net.route(t.url);
  t.post = {
    network: net,
    options: { hostname: t.hostname, port: t.port, path: t.path, method: 'POST', agent: route.agent, ...route.tls },
    proxy: route.proxy,
  };
  return t.post;
}
const targets = new Map<string, Target>();

function targetFor(baseUrl: string, suffix: string): Target {
  const cacheKey = baseUrl + '\n' + suffix;
  let t = targets.get(cacheKey);
  if (!t) {
    const u = new URL(baseUrl.replace(/\/+$/, '') + suffix);
    const secure = u.protocol === 'https:';
    t = {
      mod: secure ? https : http,
      url: u,
      host: u.host,
      hostname: u.hostname.replace(/^\[|\]$/g, ''),
      port: u.port,
      path: u.pathname + u.search,
    };
    if (targets.size > 256) targets.clear();
    targets.set(cacheKey, t);
  }
  return t;
}

const HIGH_WATER = 64;
/** Largest body read whole (a non-streamed answer, a model list); a larger one is a malformed answer. */
export const MAX_UPSTREAM_BODY_BYTES = 32 * 1024 * 1024;
/** An error body is read only this far: the status already says what happened, the text only explains it. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

type Waiter = { resolve: (r: IteratorResult<ChatCompletionChunk>) => void; reject: (e: unknown) => void };

/** One upstream chat request, consumed as an async iterator. Starts on construction. */
export class ChatStream implements AsyncIterableIterator<ChatCompletionChunk> {
  /** HTTP status once headers arrived. */
  status: number | undefined;
  /** The upstream's request id (`x-request-id`), for error reports. */
  upstreamRequestId: string | undefined;

  private readonly req: http.ClientRequest;
  private res: http.IncomingMessage | undefined;
  private readonly ctx: UpstreamContext;
  private readonly timeouts: TransportTimeouts;
  private readonly signal: AbortSignal | undefined;
  private readonly nonStreaming: boolean;
  private queue: ChatCompletionChunk[] = [];
  private head = 0;
  private waiter: Waiter | undefined;
  private error: Error | undefined;
  /** The upstream finished the answer (`[DONE]`, end of body); the socket may be reused. */
  private complete = false;
  /** Terminal: resources released, only the queue is left to drain. */
  private closed = false;
  private gotToken = false;
  private sawFinish = false;
  private sawEvent = false;
  private paused = false;
  /** The one clock of this stream: connect and first token until the first token, then idle (deadlines.ts). */
  private readonly deadline = new Deadline(() => this.onDeadline());
  private deadlineKind: TimeoutError['phase'] = 'connect';
  private readonly startedAt = performance.now();
  /** Settles once the first token arrived or the stream ended (then `failure` says whether it failed). */
  private settleFirst: (() => void) | undefined;
  private firstTokenPromise: Promise<void> | undefined;
  private readonly onAbort = () => this.abort();
  /** Upstream text quoted in an error is scrubbed of these: an upstream may echo the key it was sent. */
  private readonly knownKeys: readonly string[];
  /** Where the request went, for connection errors. */
  private via: { host: string; proxy?: string } = { host: '' };

  constructor(r: ChatStreamRequest) {
    this.knownKeys = r.key ? [r.key] : [];
    this.ctx = { endpoint: r.endpoint.id, model: r.model ?? r.upstreamModel, keySent: !!r.key };
    this.timeouts = { connectMs: r.timeouts?.connectMs ?? 0, firstTokenMs: r.timeouts?.firstTokenMs ?? 0, idleMs: r.timeouts?.idleMs ?? 0 };
    this.signal = r.signal;
    this.nonStreaming = r.nonStreaming ?? false;
    const { body, headers } = r.prepared ?? prepareChat(r, chatBodyEncoder(r.body, this.nonStreaming));
    const t = targetFor(r.endpoint.baseUrl, '/chat/completions');
    const post = postOptions(t);
    this.via = { host: t.host, proxy: post.proxy };
    // The cached options copied key by key (an object spread of them cost ~1 µs per request), plus this body's headers.
    const options: http.RequestOptions = {};
    for (const k in post.options) (options as Record<string, unknown>)[k] = (post.options as Record<string, unknown>)[k];
    options.headers = headers;
    this.req = t.mod.request(options, (res) => this.onResponse(res));
    this.req.on('error', (e) => this.finish(this.connectionError(e)));
    this.armUntilFirstToken(false);
    if (this.signal) {
      if (this.signal.aborted) {
        this.req.end();
        this.finish(new CancelledError());
        return;
      }
      this.signal.addEventListener('abort', this.onAbort, { once: true });
    }
    this.req.end(body);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Resolves (never rejects) once the first token is queued or the stream ended; `failure` then tells which. */
  untilFirstToken(): Promise<void> {
    if (this.gotToken || this.closed) return Promise.resolve();
    return (this.firstTokenPromise ??= new Promise((resolve) => (this.settleFirst = resolve)));
  }

  /** Why the stream failed, once it has (the queue may still hold chunks that came before). */
  get failure(): Error | undefined {
    return this.error;
  }

  /** A token arrived (it may still be queued). */
  get hasToken(): boolean {
    return this.gotToken;
  }

  next(): Promise<IteratorResult<ChatCompletionChunk>> {
    const value = this.takeQueued();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.error) return Promise.reject(this.error);
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** The next queued chunk without a promise (what `next()` would resolve with first), or undefined when none is. */
  takeQueued(): ChatCompletionChunk | undefined {
    if (this.head >= this.queue.length) return undefined;
    const value = this.queue[this.head++];
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
      if (this.paused) this.resume();
    }
    return value;
  }

  /** Leaving a `for await` early lands here: the upstream request is aborted. */
  return(): Promise<IteratorResult<ChatCompletionChunk>> {
    this.abort();
    this.queue.length = 0;
    this.head = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Closes the upstream socket now (unless the answer already completed); a pending `next()` rejects with CancelledError. */
  abort(): void {
    // An Error captures a stack trace: not worth building for a stream that already ended (the usual case).
    if (!this.closed) this.finish(new CancelledError());
  }

  private onResponse(res: http.IncomingMessage): void {
    this.res = res;
    this.status = res.statusCode;
    const rid = res.headers['x-request-id'];
    if (typeof rid === 'string') this.upstreamRequestId = this.ctx.requestId = rid;
    if (this.closed) return void res.resume();
    if (!this.gotToken) this.armUntilFirstToken(true);
    res.on('error', (e) => this.finish(this.connectionError(e)));
    res.on('close', () => {
      if (!this.complete) this.finish(new ConnectionError(this.ctx, `${this.where()}: the connection closed before the answer was complete.`));
    });
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) return this.readError(res, status);
    const type = String(res.headers['content-type'] ?? '');
    if (this.nonStreaming || type.includes('application/json')) return this.readCompletion(res);
    this.readEvents(res);
  }

  private readEvents(res: http.IncomingMessage): void {
    const parser = createChunkParser(
      {
        chunk: (c) => this.push(c),
        done: () => this.markComplete(),
        malformed: (detail) =>
          this.finish(new MalformedResponseError(this.ctx, `${this.where()} sent a malformed stream (${redact(detail, this.knownKeys)}).`)),
        upstreamError: (raw, status) => {
          const message = redact(raw, this.knownKeys);
          this.finish(
            status && status >= 400
              ? errorFromStatus({ ...this.ctx, status }, message)
              : new UnavailableError(this.ctx, `${this.where()} failed mid-stream: ${message}.`),
          );
        },
      },
      { knownKeys: this.knownKeys },
    );
    res.setEncoding('utf8');
    res.on('data', (s: string) => {
      this.sawEvent = true;
      if (this.deadlineKind === 'idle' && !this.paused) this.deadline.arm(this.timeouts.idleMs);
      parser.feed(s);
    });
    res.on('end', () => {
      if (this.closed) return;
      parser.reset({ consume: true });
      if (this.closed) return;
      if (this.sawFinish) return this.markComplete();
      this.finish(
        this.sawEvent
          ? new ConnectionError(this.ctx, `${this.where()}: the stream ended before the answer was complete.`)
          : new MalformedResponseError(this.ctx, `${this.where()} answered with an empty body instead of an event stream.`),
      );
    });
  }

  private readCompletion(res: http.IncomingMessage): void {
    this.collect(res, MAX_UPSTREAM_BODY_BYTES, (body) => {
      if (body.cut)
        return this.finish(new MalformedResponseError(this.ctx, `${this.where()} sent an answer larger than ${MAX_UPSTREAM_BODY_BYTES / 1024 / 1024} MB.`));
      let parsed: ChatCompletion;
      try {
        parsed = JSON.parse(body.text()) as ChatCompletion;
      } catch {
        return this.finish(new MalformedResponseError(this.ctx, `${this.where()} sent an answer that is not JSON.`));
      }
      const problem = completionShapeProblem(parsed);
      if (problem) return this.finish(new MalformedResponseError(this.ctx, `${this.where()} sent a malformed answer (${problem}).`));
      for (const c of chunksFromCompletion(parsed)) this.push(c);
      this.markComplete();
    });
  }

  private readError(res: http.IncomingMessage, status: number): void {
    this.collect(res, MAX_ERROR_BODY_BYTES, (body) => {
      const retryAfter = parseRetryAfter(res.headers);
      const err = errorFromStatus({ ...this.ctx, status }, errorMessageFromBody(body.text(), this.knownKeys), retryAfter);
      const shouldRetry = res.headers['x-should-retry'];
      attachShouldRetry(err, typeof shouldRetry === 'string' ? shouldRetry : undefined);
      // Read in full, the socket can go back to the pool; cut short, it is closed.
      this.complete = !body.cut;
      this.finish(err);
    });
  }

  private collect(res: http.IncomingMessage, limit: number, done: (body: LimitedBody) => void): void {
    readLimited(res, limit, (body) => {
      if (!this.closed) done(body);
    });
  }

  private push(chunk: ChatCompletionChunk): void {
    if (this.closed) return;
    if (!this.gotToken && isTokenChunk(chunk)) {
      this.gotToken = true;
      if (this.timeouts.idleMs > 0 && !this.nonStreaming) this.startIdleTimer();
      else this.deadline.disarm();
    }
    if (!this.sawFinish && chunk.choices.length && chunk.choices[0].finish_reason) this.sawFinish = true;
    if (this.gotToken) this.settleFirstToken();
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w.resolve({ value: chunk, done: false });
      return;
    }
    this.queue.push(chunk);
    // Before the first token nobody reads the queue (the router waits for the token), so it is not paused then.
    if (this.gotToken && this.queue.length - this.head >= HIGH_WATER && !this.paused && this.res) {
      // The consumer is slower than the upstream: stop reading, and stop the idle clock, which measures the upstream.
      this.paused = true;
      this.res.pause();
      this.deadline.disarm();
    }
  }

  private settleFirstToken(): void {
    const settle = this.settleFirst;
    if (!settle) return;
    this.settleFirst = undefined;
    settle();
  }

  private resume(): void {
    this.paused = false;
    if (this.closed) return;
    if (this.gotToken && this.timeouts.idleMs > 0) this.startIdleTimer();
    this.res?.resume();
  }

  private startIdleTimer(): void {
    this.deadlineKind = 'idle';
    this.deadline.arm(this.timeouts.idleMs);
  }

  /** Until the first token: the connect deadline (until headers) and the first-token one, whichever comes first. */
  private armUntilFirstToken(headersIn: boolean): void {
    const { connectMs, firstTokenMs } = this.timeouts;
    const connectAt = !headersIn && connectMs > 0 ? this.startedAt + connectMs : Infinity;
    const firstAt = firstTokenMs > 0 ? this.startedAt + firstTokenMs : Infinity;
    if (connectAt === Infinity && firstAt === Infinity) return this.deadline.disarm();
    this.deadlineKind = connectAt <= firstAt ? 'connect' : 'first-token';
    this.deadline.armAt(Math.min(connectAt, firstAt));
  }

  private onDeadline(): void {
    const kind = this.deadlineKind;
    const ms = kind === 'connect' ? this.timeouts.connectMs : kind === 'first-token' ? this.timeouts.firstTokenMs : this.timeouts.idleMs;
    this.finish(new TimeoutError(this.ctx, kind, ms));
  }

  private markComplete(): void {
    this.complete = true;
    this.finish(undefined);
  }

  /** The one exit: clears every timer, detaches from the signal, destroys the socket unless the answer completed. */
  private finish(err: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    this.deadline.disarm();
    this.signal?.removeEventListener('abort', this.onAbort);
    if (!this.complete) {
      this.req.destroy();
      this.res?.destroy();
    } else if (this.paused) {
      this.res?.resume();
    }
    if (err) this.error = err;
    this.settleFirstToken();
    const w = this.waiter;
    if (!w) return;
    this.waiter = undefined;
    if (err) w.reject(err);
    else w.resolve({ value: undefined, done: true });
  }

  private where(): string {
    return `${this.ctx.model} at ${this.ctx.endpoint}`;
  }

  private connectionError(e: Error): ConnectionError {
    return networkError(e, { ...this.ctx, ...this.via, midAnswer: this.res !== undefined });
  }
}

/** What a limited read got: the text (decoded on demand) and whether the body was longer than the limit. */
interface LimitedBody {
  cut: boolean;
  text(): string;
}

/**
 * Reads a body up to `limit` bytes. Past it, reading stops and `done` gets what came so far, marked `cut`; the caller
 * then closes the socket. So a hostile upstream cannot make memory grow past the limit.
 */
function readLimited(res: http.IncomingMessage, limit: number, done: (body: LimitedBody) => void): void {
  const parts: Buffer[] = [];
  let size = 0;
  const text = () => Buffer.concat(parts, size).toString('utf8');
  const onData = (b: Buffer) => {
    if (size + b.length > limit) {
      parts.push(b.subarray(0, limit - size));
      size = limit;
      res.off('data', onData);
      res.off('end', onEnd);
      res.pause();
      return done({ cut: true, text });
    }
    size += b.length;
    parts.push(b);
  };
  const onEnd = () => done({ cut: false, text });
  res.on('data', onData);
  res.on('end', onEnd);
}

/**
 * The message of an error body, with `knownKeys` and key-shaped text removed: `{"error": {"message": …}}`,
 * `{"error": "…"}`, `{"message": …}`, or the start of a text body (redacted whole before it is cut).
 */
export function errorMessageFromBody(text: string, knownKeys: readonly string[] = []): string | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  // Messages are embedded in sentences that add their own full stop.
  const clean = (m: string) => redact(m.trim().replace(/\.+$/, ''), knownKeys);
  try {
    const j = JSON.parse(trimmed) as { error?: unknown; message?: unknown; detail?: unknown };
    const e = j.error;
    if (typeof e === 'string') return clean(e);
    if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return clean((e as { message: string }).message);
    if (typeof j.message === 'string') return clean(j.message);
    if (typeof j.detail === 'string') return clean(j.detail);
  } catch {
    // not JSON: fall through to the text
  }
  return redactAndCut(trimmed, knownKeys, 300);
}

/** Throws ConfigError instead of sending a key over plain http to a remote host, whatever validated the settings,
 * and InvalidRequestError for a request that cannot be sent (see chatRequest.ts). */
export function openChatStream(r: ChatStreamRequest): ChatStream {
  return new ChatStream(r);
}

export interface GetJsonRequest {
  url: string;
  headers?: Record<string, string>;
  key?: string;
  signal?: AbortSignal;
}

/** A GET returning parsed JSON (model lists); non-2xx answers become the error tree's errors. */
export function getJson(r: GetJsonRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const u = new URL(r.url);
    const unsafe = r.key ? urlProblem(r.url) : undefined;
    if (unsafe) return reject(new ConfigError('switchboard.gateway.baseUrl', `The model list URL ${u.origin} ${unsafe}.`));
    const t = targetFor(u.origin, u.pathname + u.search);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'switchboard/0.1', ...r.headers };
    if (r.key) headers.authorization = `Bearer ${r.key}`;
    const ctx = { endpoint: u.host, model: '(model list)', keySent: !!r.key };
    const onAbort = () => req.destroy(new CancelledError());
    const route = network().route(t.url);
    const req = t.mod.request({ hostname: t.hostname, port: t.port, path: t.path, method: 'GET', headers, agent: route.agent, ...route.tls }, (res) => {
      res.on('error', (e) => reject(e));
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      readLimited(res, ok ? MAX_UPSTREAM_BODY_BYTES : MAX_ERROR_BODY_BYTES, (body) => {
        r.signal?.removeEventListener('abort', onAbort);
        if (body.cut) req.destroy();
        if (!ok) return reject(errorFromStatus({ ...ctx, status }, errorMessageFromBody(body.text(), r.key ? [r.key] : [])));
        if (body.cut) return reject(new MalformedResponseError(ctx, `${u.origin} sent a model list larger than ${MAX_UPSTREAM_BODY_BYTES / 1024 / 1024} MB.`));
        try {
          resolve(JSON.parse(body.text()));
        } catch {
          reject(new MalformedResponseError(ctx, `${r.url} did not answer with JSON.`));
        }
      });
    });
    req.on('error', (e) => {
      r.signal?.removeEventListener('abort', onAbort);
      reject(hasErrorCode(e, 'cancelled') ? e : networkError(e, { ...ctx, host: u.host, proxy: route.proxy }));
    });
    if (r.signal?.aborted) return onAbort();
    r.signal?.addEventListener('abort', onAbort, { once: true });
    req.end();
  });
}
