// The one routing loop: candidates (primary, fallback chain, context-window fallbacks, a hedge) × attempts (timeouts,
// retries, breaker). A failure before the first token moves on transparently; after tokens the partial answer is
// kept and a StreamBrokenError names the fallback that can continue. Every attempt is exactly one AttemptEvent
// (attempt.ts); the walk over candidates is routeRun.ts; this file is the order of events.
import { randomUUID } from 'node:crypto';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Attempt } from './attempt';
import { Attempts } from './attempts';
import { CandidateCursor, planCandidates, withGatewayFallbacks, type CandidatePlan, type PlannedCandidate } from './candidates';
import type { Catalog } from '../catalog/catalog';
import { chatBodyEncoder } from '../net/chatRequest';
import type { Config } from '../config/settings';
import { contentText } from '../prompt/messages';
import { effectiveGateway, type GatewayEndpoint } from '../config/endpoints';
import { BudgetError, CancelledError, hasErrorCode, isSwitchboardError } from '../base/errors';
import { HealthTracker, type BreakerState } from './health';
import { Emitter, type Event, type IDisposable } from '../base/lifecycle';
import { budgetBlockedMessage } from '../usage/budget';
import { RouteRun, type AnswerFigures } from './routeRun';
import { pricingModel } from './servedModel';
import { checkWindows } from './windowCheck';
import type {
  AgentTraits,
  BudgetStatus,
  ChatRequest,
  ChatRouter,
  ClientId,
  DecisionEvent,
  DoneEvent,
  ErrorEvent,
  KeyLookup,
  RouteOptions,
  RouteYield,
  RoutingEvent,
  SelectionDecision,
  Usage,
} from '../base/types';

export interface RouterOptions {
  config: Config;
  keys: KeyLookup;
  catalog: Catalog;
  /** smart-select; without it `smart-select` means `config.smartSelect.tiers.balanced`. */
  select?: (req: ChatRequest, budget?: BudgetStatus, agent?: AgentTraits) => SelectionDecision;
  budget?: () => BudgetStatus;
  /** Wall clock (epoch ms) for breakers and event timestamps; injectable for tests. */
  now?: () => number;
  /** First retry backoff step (default 500 ms). */
  retryBaseMs?: number;
  /** Token counter for answers that arrive without usage (default: a word-based estimate). */
  estimateTokens?: (text: string) => number;
  /** Exact prompt tokens for the context-window check (default: `estimateTokens` over the messages' text). */
  countPromptTokens?: (req: ChatRequest) => number;
  breaker?: { failureThreshold?: number; cooldownMs?: number };
  /** Whether the user set `gateway.baseUrl` explicitly (see endpoints.ts `effectiveGateway`). */
  userSetBaseUrl?: boolean;
  /** Refresh a stale catalog from the gateway in the background (default true). */
  refreshCatalog?: boolean;
  /** [0, 1) source for retry jitter. */
  random?: () => number;
}

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

export class Router implements ChatRouter, IDisposable {
  private config: Config;
  private gateway: GatewayEndpoint;
  private readonly emitter = new Emitter<RoutingEvent>();
  private readonly health: HealthTracker;
  private readonly now: () => number;
  private readonly estimate: (text: string) => number;
  private readonly live = new Set<Attempt>();
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
    for (const a of this.live) a.abort();
    this.live.clear();
    this.emitter.dispose();
  }

  route(req: ChatRequest, opts: RouteOptions = {}): AsyncIterable<RouteYield> {
    return this.run(req, opts);
  }

  private async *run(req: ChatRequest, opts: RouteOptions): AsyncGenerator<RouteYield, void, undefined> {
    const requestId = opts.requestId ?? randomUUID();
    const requested = req.model || this.config.model;
    const config = this.config;
    const t0 = performance.now();
    const attempts = new Attempts(requestId, (e) => this.emitter.fire(e), this.live);
    const cancelled = () => !!opts.signal?.aborted || this.disposed;
    let outcomeFired = false;
    const ended = (e: DoneEvent | ErrorEvent): void => {
      outcomeFired = true;
      this.emitter.fire(e);
    };
    try {
      if (cancelled()) throw new CancelledError();
      const budget = this.admitBudget();
      // Serialised before any breaker is asked: a request that cannot be sent is a clear error that costs no endpoint.
      const encode = chatBodyEncoder(req, opts.nonStreaming);
      const planned = await planCandidates({
        req,
        config,
        gateway: this.gateway,
        catalog: this.opts.catalog,
        keys: this.opts.keys,
        select: this.opts.select,
        budget,
        agent: opts.agent,
      });
      if (cancelled()) throw new CancelledError();
      this.refreshCatalogIfStale(planned);
      // Candidates whose window cannot hold the prompt are never asked.
      const fitting = checkWindows(planned, req, this.countPrompt, this.opts.catalog);
      const plan = withGatewayFallbacks(fitting.plan, config);
      const windowNotes = fitting.notes;
      const cursor = new CandidateCursor(plan, this.health);
      const decision = this.decision(requestId, requested, plan, cursor, budget, [...(opts.notes ?? []), ...windowNotes]);
      this.emitter.fire(decision);

      const estimate = this.estimatorFor(req);
      const pricesFor = (served: string, c: PlannedCandidate) =>
        served === c.model ? c.info : (this.opts.catalog.get(pricingModel(served, c.model, (id) => !!this.opts.catalog.get(id))) ?? c.info);
      const run = new RouteRun({
        req,
        signal: opts.signal,
        nonStreaming: !!opts.nonStreaming,
        config,
        cursor,
        health: this.health,
        attempts,
        encode,
        cancelled,
        estimate,
        pricesFor,
        retryBaseMs: this.opts.retryBaseMs,
        random: this.opts.random,
      });
      // The first request goes out before the decision is yielded: the consumer's turn overlaps the upstream's.
      const notStarted = run.startFirst();
      yield decision;
      for (const e of notStarted) yield e;
      // The common race has one runner and no hedge: its first token is awaited here, without a nested generator's
      // hops; anything else (a failure to fall back from, a hedge) goes through `firstToAnswer`.
      const lone = run.loneRacer();
      if (lone) await lone.untilFirstToken();
      const settled = lone?.settle();
      const winner = settled && settled.error === undefined ? settled : yield* run.firstToAnswer(settled);
      // The hot loop stays here: a nested generator would add a promise hop to every chunk, and a chunk already
      // queued (the first one always is) is taken without awaiting.
      for (;;) {
        let chunk = winner.takeQueued();
        if (chunk === undefined) {
          let n: IteratorResult<ChatCompletionChunk>;
          try {
            n = await winner.next();
          } catch (error) {
            return yield* run.broken(winner, error);
          }
          if (n.done) break;
          chunk = n.value;
        }
        yield run.chunkOut(winner, chunk);
      }
      const ok = run.answered(winner);
      yield ok.event;
      const done = this.doneEvent(requestId, requested, planned, winner, ok, attempts.events.length, t0, opts.client);
      ended(done);
      yield done;
    } catch (e) {
      ended({
        type: 'error',
        requestId,
        requested,
        ...(opts.client ? { client: opts.client } : {}),
        code: isSwitchboardError(e) ? e.code : 'internal',
        message: e instanceof Error ? e.message : String(e),
        ...(hasErrorCode(e, 'stream-broken') ? { partialText: e.partialText } : {}),
      });
      throw e;
    } finally {
      // Left early (the consumer stopped iterating), cancelled, or failed: nothing may keep running.
      attempts.cancelRunning();
      // A consumer that stops iterating (consumeRoute on abort) ends the generator with `return()`: no catch runs,
      // yet the request needs its one outcome, or the ledger never records what the cancelled attempts streamed.
      if (!outcomeFired) ended({ type: 'error', requestId, requested, ...(opts.client ? { client: opts.client } : {}), code: 'cancelled', message: 'stopped' });
    }
  }

  private admitBudget(): BudgetStatus | undefined {
    const budget = this.opts.budget?.();
    if (budget?.action === 'block') {
      throw new BudgetError(budgetBlockedMessage(budget));
    }
    return budget;
  }

  private refreshCatalogIfStale(plan: CandidatePlan): void {
    if (this.opts.refreshCatalog === false || !this.opts.catalog.isStale()) return;
    if (plan.gatewayKey || !plan.candidates.some((c) => c.missingKey))
      this.opts.catalog.refreshInBackground({ baseUrl: this.gateway.baseUrl, headers: this.gateway.headers, key: plan.gatewayKey });
  }

  private decision(
    requestId: string,
    requested: string,
    plan: CandidatePlan,
    cursor: CandidateCursor,
    budget: BudgetStatus | undefined,
    windowNotes: string[],
  ): DecisionEvent {
    const notes: string[] = [...windowNotes];
    if (plan.gatewayRouted)
      notes.push(
        `smart-select: the gateway decides (${plan.gatewayRouted.label}, "${plan.gatewayRouted.model}" sent as is; switchboard.smartSelect.mode is "gateway").`,
      );
    const listed = plan.candidates.find((c) => c.gatewayFallbacks)?.gatewayFallbacks;
    if (listed) notes.push(`The gateway may fail over itself, in order: ${listed.join(', ')}.`);
    if (budget?.action === 'warn')
      notes.push(`Budget: ${Math.round(budget.fraction * 100)} % of $${budget.limitUsd} (switchboard.budget.monthlyUsd) spent this month.`);
    if (cursor.forced) notes.push(`Every candidate's breaker is open; trying ${cursor.forced.model}, whose cooldown ends first.`);
    for (const c of plan.candidates)
      if (this.health.isOpen(c.breakerKey) && c !== cursor.forced) notes.push(`${c.model} at ${c.endpoint.id}: breaker open, skipped.`);
    return {
      type: 'decision',
      requestId,
      requested,
      ...(plan.selection ? { selection: plan.selection } : {}),
      candidates: plan.candidates.map((c) => ({ model: c.model, endpoint: c.endpoint.id, role: c.role })),
      notes,
    };
  }

  private readonly countPrompt = (req: ChatRequest): number => this.opts.countPromptTokens?.(req) ?? this.estimate(promptText(req));

  /** Usage for an answer without upstream figures; the prompt is counted at most once per route. */
  private estimatorFor(req: ChatRequest): (completionText: string) => Usage {
    let prompt = -1;
    return (text) => {
      if (prompt < 0) prompt = this.estimate(promptText(req));
      return { promptTokens: prompt, completionTokens: this.estimate(text), cachedTokens: 0, reasoningTokens: 0, estimated: true };
    };
  }

  private doneEvent(
    requestId: string,
    requested: string,
    plan: CandidatePlan,
    w: Attempt,
    ok: AnswerFigures,
    attempts: number,
    t0: number,
    client: ClientId | undefined,
  ): DoneEvent {
    const end = performance.now();
    return {
      type: 'done',
      requestId,
      at: this.now(),
      requested,
      answeredBy: w.candidate.model,
      served: ok.served,
      endpoint: w.candidate.endpoint.id,
      attempts,
      fallback: w.candidate !== plan.candidates[0],
      usage: ok.usage,
      costUsd: ok.costUsd,
      costSource: ok.costSource,
      msToFirstToken: (w.firstTokenAt || end) - t0,
      msTotal: end - t0,
      ...(plan.selection ? { selection: plan.selection } : {}),
      ...(client ? { client } : {}),
    };
  }
}
