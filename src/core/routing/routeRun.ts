// One route after its decision: walks the candidates (fallbacks, retries, a hedge) until one has its first token,
// then streams that one. Every attempt goes through `Attempts`, so each ends in exactly one AttemptEvent and gives
// its breaker lease back; every chunk leaves through `chunkOut`.
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { Attempt } from './attempt';
import type { Attempts } from './attempts';
import { BreakerLease } from './breakerLease';
import type { CandidateCursor, PlannedCandidate } from './candidates';
import { prepareChat, type BodyEncoder, type PreparedChat } from '../net/chatRequest';
import { textOf, usageOf as usageIn } from '../base/chunks';
import type { Config } from '../config/settings';
import { answerCost, billedCostOf } from '../catalog/billedCost';
import { costOf } from '../catalog/cost';
import { upstreamModelOf } from './servedModel';
import {
  AllCandidatesFailedError,
  CancelledError,
  ConnectionError,
  NoKeyError,
  StreamBrokenError,
  hasErrorCode,
  isSwitchboardError,
  type SwitchboardError,
} from '../base/errors';
import type { HealthTracker } from './health';
import { firstToSettle, HEDGE } from './hedgeRace';
import { decideRetry, shouldRetryHeaderOf } from '../net/retry';
import { openChatStream } from '../net/transport';
import type { AttemptEvent, Candidate, ChatRequest, CostSource, ModelInfo, RouteYield, Usage } from '../base/types';

export type ChunkYield = Extract<RouteYield, { type: 'chunk' }>;

/** What the winning answer used and cost, and the model that served it. */
export interface AnswerFigures {
  usage: Usage;
  costUsd: number;
  costSource: CostSource;
  served: string;
}

export interface RouteRunOptions {
  req: ChatRequest;
  signal: AbortSignal | undefined;
  nonStreaming: boolean;
  config: Config;
  cursor: CandidateCursor;
  health: HealthTracker;
  attempts: Attempts;
  encode: BodyEncoder;
  /** The request was cancelled or the router disposed. */
  cancelled(): boolean;
  /** Usage counted locally for a completion text (the prompt is counted once per route). */
  estimate(completionText: string): Usage;
  /** Prices for the model that served (the catalog's entry for it, or the candidate's when it is unknown). */
  pricesFor(served: string, candidate: PlannedCandidate): ModelInfo | undefined;
  retryBaseMs?: number;
  random?: () => number;
}

export class RouteRun {
  private readonly prepared = new Map<PlannedCandidate, PreparedChat>();
  /** Why candidates could not even be tried (no key, a request that cannot be sent). */
  private readonly setupErrors: SwitchboardError[] = [];
  private readonly attempts: Attempts;
  private readonly cursor: CandidateCursor;

  constructor(private readonly o: RouteRunOptions) {
    this.attempts = o.attempts;
    this.cursor = o.cursor;
  }

  /**
   * Starts the first candidate that can be tried and returns the attempts that could not start (no key, breaker
   * open). The router calls this before it yields its decision, so the request is on the wire while the consumer
   * handles the decision; `firstToAnswer` calls it when nobody did.
   */
  startFirst(): AttemptEvent[] {
    const events: AttemptEvent[] = [];
    const starting = this.startNext(false);
    for (let r = starting.next(); ; r = starting.next()) {
      if (r.done) {
        this.firstStarted = r.value;
        return events;
      }
      events.push(r.value);
    }
  }

  /** Whether `startFirst` started a candidate; undefined until it is called. */
  private firstStarted: boolean | undefined;

  /**
   * The one attempt running when nothing else can join the race before it settles (no hedge is armed): the router
   * awaits its first token itself (`untilFirstToken`, then `settle`) and, when it answered, has its winner without entering `firstToAnswer`. Whatever
   * it settled with is handed to `firstToAnswer` otherwise, which handles it as its first settled attempt.
   */
  loneRacer(): Attempt | undefined {
    if (!this.firstStarted || this.o.config.hedgeAfterMs > 0 || this.attempts.running.size !== 1) return undefined;
    return this.attempts.running.values().next().value;
  }

  /**
   * Waits until one candidate has its first token, starting others, yielding every attempt that ends on the way.
   * `alreadySettled`: an attempt from `loneRacer` the caller already awaited and settled.
   */
  async *firstToAnswer(alreadySettled?: Attempt): AsyncGenerator<AttemptEvent, Attempt> {
    let hedgeAfterMs = this.o.config.hedgeAfterMs > 0 ? this.o.config.hedgeAfterMs : undefined;
    if (this.firstStarted === undefined) yield* this.startFirst();
    if (!this.firstStarted) throw this.allFailed();
    let pending = alreadySettled;
    for (;;) {
      const settled = pending ?? (await firstToSettle(this.attempts.running, hedgeAfterMs));
      pending = undefined;
      if (settled === HEDGE) {
        hedgeAfterMs = undefined;
        yield* this.startNext(true);
        continue;
      }
      if (settled.error === undefined) {
        for (const other of [...this.attempts.running]) if (other !== settled) yield this.attempts.end(other, { outcome: 'hedge-lost', winner: settled.model });
        return settled;
      }
      if (this.o.cancelled()) {
        yield this.attempts.end(settled, { outcome: 'cancelled' });
        throw new CancelledError();
      }
      const error = settled.error;
      yield this.attempts.end(settled, { outcome: 'failed', error });
      if (hasErrorCode(error, 'context-length')) this.cursor.requireLargerContext(settled.candidate.info?.contextWindow);
      if (hasErrorCode(error, 'auth')) this.cursor.skipEndpoint(settled.candidate.endpoint.id);
      if (this.attempts.running.size > 0) continue; // the hedge partner is still running
      if (await this.retried(settled, error)) continue;
      if (!(yield* this.startNext(false))) throw this.allFailed();
    }
  }

  /** The winner's stream failed after tokens: yields its attempt, then throws (StreamBrokenError, or CancelledError). */
  async *broken(w: Attempt, error: unknown): AsyncGenerator<AttemptEvent, never> {
    if (this.o.cancelled() || hasErrorCode(error, 'cancelled')) {
      yield this.attempts.end(w, { outcome: 'cancelled' });
      throw new CancelledError();
    }
    const { endpoint, model } = w.candidate;
    const cause = isSwitchboardError(error) ? error : new ConnectionError({ endpoint: endpoint.id, model }, String(error));
    yield this.attempts.end(w, { outcome: 'broken-after-tokens', error: cause });
    const status = (cause as { status?: number }).status;
    throw new StreamBrokenError({ endpoint: endpoint.id, model, ...(status !== undefined ? { status } : {}) }, w.text, cause, this.cursor.peekModel());
  }

  /** The winner's stream ended: its `ok` attempt, with what the answer used. */
  answered(w: Attempt): AnswerFigures & { event: AttemptEvent } {
    // The upstream's token counts when they are believable, else counted here (and marked estimated).
    const reported = w.usage && usageOf(w.usage);
    const usage = reported || this.o.estimate(w.text);
    const served = w.served ?? w.candidate.model;
    // The upstream's bill when it sent one beside believable token counts; otherwise the served model's prices.
    const { costUsd, costSource } = answerCost({
      billed: reported ? billedCostOf(w.usage) : undefined,
      pricedUsd: costOf(usage, this.o.pricesFor(served, w.candidate)?.pricing),
      tokensEstimated: usage.estimated,
    });
    const event = this.attempts.end(w, { outcome: 'ok', usage, costUsd, costSource, ...(w.served ? { served: w.served } : {}) });
    return { event, usage, costUsd, costSource, served };
  }

  /** The one way a chunk leaves the router. */
  chunkOut(w: Attempt, chunk: ChatCompletionChunk): ChunkYield {
    const usage = usageIn(chunk);
    if (usage) w.usage = usage;
    w.served ??= upstreamModelOf(chunk);
    const text = textOf(chunk);
    if (text) w.text += text;
    return { type: 'chunk', chunk, text, model: w.candidate.model };
  }

  /** Starts the next candidate that can be tried, recording those that cannot. False when none is left. */
  private *startNext(hedge: boolean): Generator<AttemptEvent, boolean> {
    for (let pc = this.cursor.next(); pc; pc = this.cursor.next()) {
      const role: Candidate['role'] = hedge ? 'hedge' : this.cursor.contextFallback ? 'context-fallback' : pc.role;
      let prepared: PreparedChat;
      try {
        prepared = this.prepare(pc);
      } catch (e) {
        if (!isSwitchboardError(e)) throw e;
        this.setupErrors.push(e);
        yield this.attempts.notStarted(pc, role, 'error', e);
        continue;
      }
      // Only now, with a request that can be sent, is the breaker asked.
      const lease = this.cursor.admit(pc);
      if (!lease) {
        const until = new Date(this.o.health.openUntil(pc.breakerKey)).toISOString();
        yield this.attempts.notStarted(pc, role, 'skipped-breaker-open', { code: 'breaker-open', message: `breaker open until ${until}` });
        continue;
      }
      this.launch(pc, role, 0, lease, prepared);
      return true;
    }
    return false;
  }

  /** Tries the same candidate again when the retry policy says so and its breaker still admits it. */
  private async retried(failed: Attempt, error: unknown): Promise<boolean> {
    if (hasErrorCode(error, 'context-length')) return false;
    const d = decideRetry({
      error,
      retriesSoFar: failed.retry,
      maxRetries: this.o.config.retries,
      shouldRetryHeader: shouldRetryHeaderOf(error),
      hasNextCandidate: this.cursor.hasNext(),
      ...(this.o.retryBaseMs !== undefined ? { baseMs: this.o.retryBaseMs } : {}),
      ...(this.o.random ? { random: this.o.random } : {}),
    });
    if (!d.retry) return false;
    const pc = failed.candidate;
    const lease = BreakerLease.acquire(this.o.health, pc.breakerKey);
    if (!lease) return false;
    if (d.delayMs > 0) await sleep(d.delayMs, this.o.signal);
    if (this.o.cancelled()) {
      lease.release('none');
      throw new CancelledError();
    }
    this.launch(pc, failed.role, failed.retry + 1, lease, this.prepare(pc));
    return true;
  }

  private prepare(pc: PlannedCandidate): PreparedChat {
    let p = this.prepared.get(pc);
    if (p) return p;
    if (pc.missingKey) throw new NoKeyError(pc.endpoint.id, pc.endpoint.baseUrl);
    const target = {
      endpoint: pc.endpoint,
      key: pc.key,
      upstreamModel: pc.upstreamModel,
      model: pc.model,
      headers: pc.headers,
      nonStreaming: this.o.nonStreaming,
      gatewayFallbacks: pc.gatewayFallbacks,
      withoutReasoningEffort: pc.info?.supportsReasoning === false,
    };
    p = prepareChat(target, this.o.encode);
    this.prepared.set(pc, p);
    return p;
  }

  private launch(pc: PlannedCandidate, role: Candidate['role'], retry: number, lease: BreakerLease, prepared: PreparedChat): void {
    const { req, signal, config, nonStreaming } = this.o;
    this.attempts.start({
      candidate: pc,
      role,
      retry,
      lease,
      estimate: this.o.estimate,
      open: () =>
        openChatStream({
          endpoint: pc.endpoint,
          key: pc.key,
          upstreamModel: pc.upstreamModel,
          model: pc.model,
          body: req,
          headers: pc.headers,
          signal,
          timeouts: config.timeouts,
          nonStreaming,
          prepared,
        }),
    });
  }

  /** Every candidate failed. When none could even be tried for the same reason (no key, …), that reason is the error. */
  private allFailed(): SwitchboardError {
    const events = this.attempts.events;
    const first = this.setupErrors[0];
    if (first && this.setupErrors.length === events.length && this.setupErrors.every((e) => e.code === first.code)) return first;
    return new AllCandidatesFailedError(
      events.map((a) => ({
        model: a.model,
        endpoint: a.endpoint,
        outcome: a.outcome,
        ...(a.status !== undefined ? { status: a.status } : {}),
        ...(a.errorCode !== undefined ? { code: a.errorCode } : {}),
        message: a.message ?? a.outcome,
      })),
    );
  }
}

/** More tokens than any model's window holds: a count above it is not believed. */
const MAX_BELIEVABLE_TOKENS = 100_000_000;
const isTokenCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= MAX_BELIEVABLE_TOKENS;

/** The upstream's usage, when every count is a whole number from 0 up (a negative one would be a refund); else undefined. */
function usageOf(u: CompletionUsage): Usage | undefined {
  const usage = {
    promptTokens: u.prompt_tokens ?? 0,
    completionTokens: u.completion_tokens ?? 0,
    cachedTokens: u.prompt_tokens_details?.cached_tokens ?? 0,
    reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
    estimated: false,
  };
  return isTokenCount(usage.promptTokens) && isTokenCount(usage.completionTokens) && isTokenCount(usage.cachedTokens) && isTokenCount(usage.reasoningTokens)
    ? usage
    : undefined;
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
