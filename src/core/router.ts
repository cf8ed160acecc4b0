// The one routing loop: candidates (primary, fallback chain, context-window fallbacks, a hedge) × attempts (timeouts,
// retries, breaker). A failure before the first token moves on transparently; after tokens the partial answer is
// kept and a StreamBrokenError names the fallback that can continue. Every attempt is exactly one AttemptEvent.
import { randomUUID } from 'node:crypto';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { CandidateCursor, planCandidates, type PlannedCandidate } from './candidates';
import type { Catalog } from './catalog';
import { isTokenChunk, textOf } from './chunks';
import type { Config } from './config';
import { contentText } from './messages';
import { costOf } from './cost';
import { effectiveGateway, type GatewayEndpoint } from './endpoints';
import {
  AllCandidatesFailedError,
  BudgetError,
  CancelledError,
  ConnectionError,
  ContextLengthError,
  AuthError,
  NoKeyError,
  StreamBrokenError,
  SwitchboardError,
  TimeoutError,
  UpstreamError,
  type AttemptSummary,
} from './errors';
import { HealthTracker, type BreakerState } from './health';
import { Emitter, type Event, type IDisposable } from './lifecycle';
import { decideRetry, shouldRetryHeaderOf } from './retry';
import { openChatStream, type ChatStream } from './transport';
import type {
  AttemptEvent,
  AttemptOutcome,
  BudgetStatus,
  Candidate,
  ChatRequest,
  ChatRouter,
  DecisionEvent,
  DoneEvent,
  KeyLookup,
  RouteOptions,
  RouteYield,
  RoutingEvent,
  SelectionDecision,
  Usage,
} from './types';

export interface RouterOptions {
  config: Config;
  keys: KeyLookup;
  catalog: Catalog;
  /** smart-select; without it `smart-select` means `config.smartSelect.tiers.balanced`. */
  select?: (req: ChatRequest, budget?: BudgetStatus) => SelectionDecision;
  budget?: () => BudgetStatus;
  /** Wall clock (epoch ms) for breakers and event timestamps; injectable for tests. */
  now?: () => number;
  /** First retry backoff step (default 500 ms). */
  retryBaseMs?: number;
  /** Token counter for answers that arrive without usage (default: a word-based estimate). */
  estimateTokens?: (text: string) => number;
  breaker?: { failureThreshold?: number; cooldownMs?: number };
  /** Whether the user set `gateway.baseUrl` explicitly (see endpoints.ts `effectiveGateway`). */
  userSetBaseUrl?: boolean;
  /** Refresh a stale catalog from the gateway in the background (default true). */
  refreshCatalog?: boolean;
  /** [0, 1) source for retry jitter. */
  random?: () => number;
}

type ChunkYield = Extract<RouteYield, { type: 'chunk' }>;

/** ~4 tokens per 3 words: a cheap estimate for when the upstream reports no usage. */
export function estimateTokensByWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 10 || c === 9 || c === 13;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return Math.ceil((words * 4) / 3);
}

const promptText = (req: ChatRequest): string => req.messages.map((m) => contentText(m.content)).join('\n');

interface Running {
  pc: PlannedCandidate;
  role: Candidate['role'];
  index: number;
  /** Retries made for this candidate before this attempt. */
  retry: number;
  start: number;
  stream: ChatStream;
  /** Chunks up to and including the first token, held back until this attempt wins. */
  pre: ChatCompletionChunk[];
  firstTokenAt: number;
  text: string;
  usage: CompletionUsage | undefined;
  first: Promise<FirstResult>;
}
type FirstResult = { r: Running; error?: unknown };

const HEDGE = Symbol('hedge');

export class Router implements ChatRouter, IDisposable {
  private config: Config;
  private gateway: GatewayEndpoint;
  private readonly emitter = new Emitter<RoutingEvent>();
  private readonly health: HealthTracker;
  private readonly now: () => number;
  private readonly estimate: (text: string) => number;
  private readonly live = new Set<ChatStream>();
  private disposed = false;
  readonly onEvent: Event<RoutingEvent> = this.emitter.event;

  constructor(private readonly opts: RouterOptions) {
    this.config = opts.config;
    this.gateway = effectiveGateway(opts.config, opts.userSetBaseUrl);
    this.now = opts.now ?? Date.now;
    this.estimate = opts.estimateTokens ?? estimateTokensByWords;
    this.health = new HealthTracker({ ...opts.breaker, now: this.now, onChange: (e) => this.emitter.fire(e) });
  }

  /** Settings changes apply to the next request; breaker state is kept. */
  updateConfig(config: Config, userSetBaseUrl?: boolean): void {
    this.config = config;
    this.gateway = effectiveGateway(config, userSetBaseUrl ?? this.opts.userSetBaseUrl);
  }

  /** Breaker states for the status bar tooltip and the log. */
  breakers(): BreakerState[] {
    return this.health.list();
  }

  /** The gateway endpoint requests go to (after presets). */
  gatewayEndpoint(): GatewayEndpoint {
    return this.gateway;
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.live) s.abort();
    this.live.clear();
    this.emitter.dispose();
  }

  route(req: ChatRequest, opts: RouteOptions = {}): AsyncIterable<RouteYield> {
    return this.run(req, opts);
  }

  private async *run(req: ChatRequest, opts: RouteOptions): AsyncGenerator<RouteYield, void, undefined> {
    const requestId = opts.requestId ?? randomUUID();
    const requested = req.model || this.config.model;
    const signal = opts.signal;
    const config = this.config;
    const t0 = performance.now();
    const attempts: AttemptEvent[] = [];
    const active = new Set<Running>();
    let promptEstimate = -1;
    const estimatePrompt = () => (promptEstimate >= 0 ? promptEstimate : (promptEstimate = this.estimate(promptText(req))));

    const attemptEvent = (r: Running, outcome: AttemptOutcome, extra: Partial<AttemptEvent> = {}): AttemptEvent => {
      const ev: AttemptEvent = {
        type: 'attempt',
        requestId,
        index: r.index,
        model: r.pc.model,
        endpoint: r.pc.endpoint.id,
        role: r.role,
        outcome,
        ...(r.firstTokenAt ? { msToFirstToken: r.firstTokenAt - r.start } : {}),
        msTotal: performance.now() - r.start,
        ...extra,
      };
      attempts.push(ev);
      this.emitter.fire(ev);
      return ev;
    };
    const failureEvent = (r: Running, error: unknown, outcome?: AttemptOutcome): AttemptEvent => {
      const e = error instanceof SwitchboardError ? error : undefined;
      const status = error instanceof UpstreamError ? error.status : undefined;
      return attemptEvent(r, outcome ?? (error instanceof TimeoutError ? 'timeout' : error instanceof CancelledError ? 'cancelled' : 'error'), {
        ...(status !== undefined ? { status } : {}),
        ...(e ? { errorCode: e.code } : {}),
        message: error instanceof Error ? error.message : String(error),
      });
    };
    /** Usage and cost of an attempt that ended without upstream usage (cancelled, lost a hedge, broke). */
    const estimatedCost = (r: Running): Partial<AttemptEvent> => {
      const usage: Usage = { promptTokens: estimatePrompt(), completionTokens: this.estimate(r.text), cachedTokens: 0, reasoningTokens: 0, estimated: true };
      return { usage, costUsd: costOf(usage, r.pc.info?.pricing) };
    };
    const settle = (r: Running) => {
      active.delete(r);
      this.live.delete(r.stream);
    };

    try {
      if (signal?.aborted || this.disposed) throw new CancelledError();
      const budget = this.opts.budget?.();
      if (budget?.action === 'block') {
        throw new BudgetError(
          `The monthly budget is used up ($${budget.monthSpentUsd.toFixed(2)} of $${budget.limitUsd.toFixed(2)}), and switchboard.budget.onExceed is "block". ` +
            `Raise switchboard.budget.monthlyUsd or set switchboard.budget.onExceed to "warn" or "downgrade" to continue.`,
        );
      }
      const plan = await planCandidates({ req, config, gateway: this.gateway, catalog: this.opts.catalog, keys: this.opts.keys, select: this.opts.select, budget });
      if (signal?.aborted) throw new CancelledError();
      if (this.opts.refreshCatalog !== false && (plan.gatewayKey || !plan.candidates.some((c) => c.missingKey)) && this.opts.catalog.isStale())
        this.opts.catalog.refreshInBackground({ baseUrl: this.gateway.baseUrl, headers: this.gateway.headers, key: plan.gatewayKey });

      const notes: string[] = [];
      if (budget?.action === 'warn') notes.push(`Budget: ${Math.round(budget.fraction * 100)} % of $${budget.limitUsd} (switchboard.budget.monthlyUsd) spent this month.`);
      const cursor = new CandidateCursor(plan, this.health);
      if (cursor.forced) notes.push(`Every candidate's breaker is open; trying ${cursor.forced.model}, whose cooldown ends first.`);
      for (const c of plan.candidates) if (this.health.isOpen(c.breakerKey) && c !== cursor.forced) notes.push(`${c.model} at ${c.endpoint.id}: breaker open, skipped.`);
      const decision: DecisionEvent = {
        type: 'decision',
        requestId,
        requested,
        ...(plan.selection ? { selection: plan.selection } : {}),
        candidates: plan.candidates.map((c) => ({ model: c.model, endpoint: c.endpoint.id, role: c.role })),
        notes,
      };
      this.emitter.fire(decision);
      yield decision;

      const start = (pc: PlannedCandidate, role: Candidate['role'], retry: number): Running => {
        const stream = openChatStream({
          endpoint: pc.endpoint,
          key: pc.key,
          upstreamModel: pc.upstreamModel,
          model: pc.model,
          body: req,
          headers: pc.headers,
          signal,
          timeouts: config.timeouts,
          nonStreaming: opts.nonStreaming,
        });
        const r: Running = { pc, role, index: attempts.length + active.size, retry, start: performance.now(), stream, pre: [], firstTokenAt: 0, text: '', usage: undefined, first: undefined as unknown as Promise<FirstResult> };
        r.first = awaitFirstToken(r);
        active.add(r);
        this.live.add(stream);
        return r;
      };
      const health = this.health;
      /** Takes the next candidate, recording breaker skips and missing keys as attempts. */
      const takeNext = function* (hedge: boolean): Generator<AttemptEvent, Running | undefined> {
        for (;;) {
          const step = cursor.next();
          if (!step) return undefined;
          const { pc, admission } = step;
          const role: Candidate['role'] = hedge ? 'hedge' : cursor.contextFallback ? 'context-fallback' : pc.role;
          const stub = { pc, role, index: attempts.length + active.size, start: performance.now(), firstTokenAt: 0 } as Running;
          if (admission === 'denied') {
            const until = health.openUntil(pc.breakerKey);
            yield attemptEvent(stub, 'skipped-breaker-open', { errorCode: 'breaker-open', message: `breaker open until ${new Date(until).toISOString()}`, msTotal: 0 });
            continue;
          }
          if (pc.missingKey) {
            if (admission === 'probe' || admission === 'forced') health.release(pc.breakerKey);
            const err = new NoKeyError(pc.endpoint.id, pc.endpoint.baseUrl);
            yield attemptEvent(stub, 'error', { errorCode: err.code, message: err.message, msTotal: 0 });
            continue;
          }
          return start(pc, role, 0);
        }
      };

      let hedgeUsed = config.hedgeAfterMs <= 0;
      let winner: Running | undefined;
      if (!(yield* takeNext(false))) throw this.allFailed(attempts);

      while (!winner) {
        let result: FirstResult | typeof HEDGE;
        if (active.size === 1) {
          const only = active.values().next().value as Running;
          result = hedgeUsed ? await only.first : await raceTimer(only.first, only.start + config.hedgeAfterMs - performance.now());
        } else {
          result = await Promise.race(Array.from(active, (r) => r.first));
        }

        if (result === HEDGE) {
          hedgeUsed = true;
          yield* takeNext(true);
          continue;
        }

        const r = result.r;
        if (result.error === undefined) {
          winner = r;
          break;
        }
        const error = result.error;
        settle(r);
        if (signal?.aborted || this.disposed) {
          this.health.release(r.pc.breakerKey);
          yield attemptEvent(r, 'cancelled', estimatedCost(r));
          throw new CancelledError();
        }
        yield failureEvent(r, error);
        this.recordVerdict(r, error);
        if (error instanceof ContextLengthError) cursor.requireLargerContext(r.pc.info?.contextWindow);
        if (error instanceof AuthError) cursor.skipEndpoint(r.pc.endpoint.id);
        if (active.size > 0) continue; // the hedge partner is still running

        const d = decideRetry({
          error,
          retriesSoFar: r.retry,
          maxRetries: config.retries,
          shouldRetryHeader: shouldRetryHeaderOf(error),
          hasNextCandidate: cursor.hasNext(),
          ...(this.opts.retryBaseMs !== undefined ? { baseMs: this.opts.retryBaseMs } : {}),
          ...(this.opts.random ? { random: this.opts.random } : {}),
        });
        if (d.retry && !(error instanceof ContextLengthError)) {
          const admission = this.health.acquire(r.pc.breakerKey);
          if (admission !== 'denied') {
            if (d.delayMs > 0) await sleep(d.delayMs, signal);
            if (signal?.aborted || this.disposed) {
              if (admission === 'probe') this.health.release(r.pc.breakerKey);
              throw new CancelledError();
            }
            start(r.pc, r.role, r.retry + 1);
            continue;
          }
        }
        if (!(yield* takeNext(false))) throw this.allFailed(attempts);
      }

      // A winner: the others lost the hedge. Their cost is recorded, their sockets closed now.
      for (const other of active) {
        if (other === winner) continue;
        other.stream.abort();
        settle(other);
        this.health.release(other.pc.breakerKey);
        yield attemptEvent(other, 'hedge-lost', { message: `${winner.pc.model} answered first`, ...estimatedCost(other) });
      }

      const w = winner;
      const model = w.pc.model;
      for (const c of w.pre) {
        if (c.usage) w.usage = c.usage;
        const text = textOf(c);
        if (text) w.text += text;
        const y: ChunkYield = { type: 'chunk', chunk: c, text, model };
        yield y;
      }
      w.pre.length = 0;
      const stream = w.stream;
      for (;;) {
        let n: IteratorResult<ChatCompletionChunk>;
        try {
          n = await stream.next();
        } catch (error) {
          settle(w);
          if (signal?.aborted || this.disposed || error instanceof CancelledError) {
            this.health.release(w.pc.breakerKey);
            yield attemptEvent(w, 'cancelled', estimatedCost(w));
            throw new CancelledError();
          }
          const cause = error instanceof SwitchboardError ? error : new ConnectionError({ endpoint: w.pc.endpoint.id, model }, String(error));
          yield failureEvent(w, cause, 'broken-after-tokens');
          Object.assign(attempts[attempts.length - 1], estimatedCost(w));
          this.health.failure(w.pc.breakerKey);
          const status = error instanceof UpstreamError ? error.status : undefined;
          throw new StreamBrokenError({ endpoint: w.pc.endpoint.id, model, ...(status !== undefined ? { status } : {}) }, w.text, cause, cursor.peekModel());
        }
        if (n.done) break;
        const c = n.value;
        if (c.usage) w.usage = c.usage;
        const text = textOf(c);
        if (text) w.text += text;
        const y: ChunkYield = { type: 'chunk', chunk: c, text, model };
        yield y;
      }
      settle(w);
      this.health.success(w.pc.breakerKey);

      const u = w.usage;
      const usage: Usage = u
        ? {
            promptTokens: u.prompt_tokens ?? 0,
            completionTokens: u.completion_tokens ?? 0,
            cachedTokens: u.prompt_tokens_details?.cached_tokens ?? 0,
            reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
            estimated: false,
          }
        : { promptTokens: estimatePrompt(), completionTokens: this.estimate(w.text), cachedTokens: 0, reasoningTokens: 0, estimated: true };
      const costUsd = costOf(usage, w.pc.info?.pricing);
      yield attemptEvent(w, 'ok', { usage, costUsd });
      const end = performance.now();
      const done: DoneEvent = {
        type: 'done',
        requestId,
        at: this.now(),
        requested,
        answeredBy: model,
        endpoint: w.pc.endpoint.id,
        attempts: attempts.length,
        fallback: w.pc !== plan.candidates[0],
        usage,
        costUsd,
        msToFirstToken: (w.firstTokenAt || end) - t0,
        msTotal: end - t0,
        ...(plan.selection ? { selection: plan.selection } : {}),
      };
      this.emitter.fire(done);
      yield done;
    } catch (e) {
      const err = e instanceof SwitchboardError ? e : undefined;
      this.emitter.fire({
        type: 'error',
        requestId,
        requested,
        code: err?.code ?? 'internal',
        message: e instanceof Error ? e.message : String(e),
        ...(e instanceof StreamBrokenError ? { partialText: e.partialText } : {}),
      });
      throw e;
    } finally {
      // Left early (the consumer stopped iterating), cancelled, or failed: nothing may keep running.
      for (const r of active) {
        r.stream.abort();
        this.live.delete(r.stream);
        this.health.release(r.pc.breakerKey);
        attemptEvent(r, 'cancelled', estimatedCost(r));
      }
      active.clear();
    }
  }

  private recordVerdict(r: Running, error: unknown): void {
    const key = r.pc.breakerKey;
    if (error instanceof CancelledError || !(error instanceof SwitchboardError)) this.health.release(key);
    else if (error.retryable) this.health.failure(key);
    // The endpoint answered (400, 401, 404, context length): it is up, whatever it thought of the request.
    else if (error instanceof UpstreamError && error.status !== undefined) this.health.success(key);
    else this.health.release(key);
  }

  private allFailed(attempts: readonly AttemptEvent[]): SwitchboardError {
    if (attempts.length > 0 && attempts.every((a) => a.errorCode === 'no-key')) {
      const id = attempts[0].endpoint;
      return new NoKeyError(id, id === 'gateway' ? this.gateway.baseUrl : this.config.providers[id]?.baseUrl);
    }
    const list: AttemptSummary[] = attempts.map((a) => ({
      model: a.model,
      endpoint: a.endpoint,
      outcome: a.outcome,
      ...(a.status !== undefined ? { status: a.status } : {}),
      message: a.message ?? a.outcome,
    }));
    return new AllCandidatesFailedError(list);
  }
}

/** Reads until the first token (buffering role-only chunks) or the end; never rejects. */
async function awaitFirstToken(r: Running): Promise<FirstResult> {
  try {
    for (;;) {
      const n = await r.stream.next();
      if (n.done) break;
      r.pre.push(n.value);
      if (isTokenChunk(n.value)) break;
    }
    r.firstTokenAt = performance.now();
    return { r };
  } catch (error) {
    return { r, error };
  }
}

function raceTimer<T>(p: Promise<T>, ms: number): Promise<T | typeof HEDGE> {
  if (ms <= 0) return Promise.resolve(HEDGE);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(HEDGE), ms);
    void p.then((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
