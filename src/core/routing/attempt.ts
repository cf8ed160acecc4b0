// One try of one candidate: it owns its upstream stream and its breaker lease. It waits for the first token (its
// stream queues the chunks it reads, so nothing is lost while the attempt races), hands out its chunks, and ends in
// `finish`, which closes the stream, gives the lease back with the verdict the outcome earned, and returns the
// attempt's one AttemptEvent. `finish` works once; the registry (`Attempts`) is the only caller, and it forgets the
// attempt at the same time.
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { BreakerLease, Verdict } from './breakerLease';
import type { PlannedCandidate } from './candidates';
import { costOf } from '../catalog/cost';
import { isSwitchboardError, type SwitchboardError } from '../base/errors';
import type { ChatStream } from '../net/transport';
import type { AttemptEvent, AttemptOutcome, Candidate, CostSource, Usage } from '../base/types';

/** How an attempt ended. `failed` takes its outcome (error / timeout / cancelled) and breaker verdict from the error. */
export type AttemptEnd =
  | { outcome: 'ok'; usage: Usage; costUsd: number; costSource: CostSource; served?: string }
  | { outcome: 'failed'; error: unknown }
  | { outcome: 'broken-after-tokens'; error: SwitchboardError }
  | { outcome: 'cancelled' }
  | { outcome: 'hedge-lost'; winner: string };

export interface AttemptSpec {
  candidate: PlannedCandidate;
  role: Candidate['role'];
  /** Retries made for this candidate before this attempt. */
  retry: number;
  lease: BreakerLease;
  /** Opens the upstream stream; a throw becomes this attempt's failure, never a leaked lease. */
  open(): ChatStream;
  /** Usage counted locally for an answer that ended without the upstream's figures. */
  estimate(completionText: string): Usage;
}

export class Attempt {
  readonly candidate: PlannedCandidate;
  readonly role: Candidate['role'];
  readonly retry: number;
  readonly started = performance.now();
  /** Resolves with this attempt once it has its first token or has failed (then `error` is set); never rejects. */
  readonly firstToken: Promise<Attempt>;
  error: unknown;
  firstTokenAt = 0;
  text = '';
  usage: CompletionUsage | undefined;
  /** The model the upstream's chunks name (a routing gateway may answer with another than the one asked). */
  served: string | undefined;
  private readonly stream: ChatStream | undefined;
  private ended = false;
  private settledOnce = false;

  constructor(
    private readonly spec: AttemptSpec,
    private readonly requestId: string,
    /** Its number in the route (attempts that never started are numbered too). */
    private readonly index: number,
  ) {
    this.candidate = spec.candidate;
    this.role = spec.role;
    this.retry = spec.retry;
    let stream: ChatStream | undefined;
    try {
      stream = spec.open();
    } catch (error) {
      this.error = error;
    }
    this.stream = stream;
    this.firstToken = stream ? stream.untilFirstToken().then(() => this.settle()) : Promise.resolve(this);
  }

  get model(): string {
    return this.candidate.model;
  }

  /** The stream's chunks: those queued while racing (the upstream's, read from its socket), then the rest. */
  next(): Promise<IteratorResult<ChatCompletionChunk>> {
    if (!this.stream) return Promise.resolve({ value: undefined, done: true });
    return this.stream.next();
  }

  /** The next chunk when one is already queued (then without a promise), else undefined: `next()` waits for one. */
  takeQueued(): ChatCompletionChunk | undefined {
    return this.stream?.takeQueued();
  }

  /** Closes the upstream socket now (a pending `next()` rejects with CancelledError). */
  abort(): void {
    this.stream?.abort();
  }

  /** Ends the attempt: closes the stream, releases the lease, returns its one event. A second call throws. */
  finish(end: AttemptEnd): AttemptEvent {
    if (this.ended) throw new Error(`attempt ${this.index} (${this.model}) finished twice`);
    this.ended = true;
    this.stream?.abort();
    this.spec.lease.release(verdictOf(end));
    const c = this.candidate;
    const ev: AttemptEvent = {
      type: 'attempt',
      requestId: this.requestId,
      index: this.index,
      model: c.model,
      endpoint: c.endpoint.id,
      role: this.role,
      outcome: outcomeOf(end),
      ...(this.firstTokenAt ? { msToFirstToken: this.firstTokenAt - this.started } : {}),
      msTotal: performance.now() - this.started,
    };
    switch (end.outcome) {
      case 'ok':
        return Object.assign(ev, { usage: end.usage, costUsd: end.costUsd, costSource: end.costSource }, end.served ? { served: end.served } : {});
      case 'failed':
        return Object.assign(ev, errorFields(end.error));
      case 'broken-after-tokens':
        return Object.assign(ev, errorFields(end.error), this.estimatedCost());
      case 'hedge-lost':
        return Object.assign(ev, { message: `${end.winner} answered first` }, this.estimatedCost());
      case 'cancelled':
        return Object.assign(ev, this.estimatedCost());
    }
  }

  private estimatedCost(): Pick<AttemptEvent, 'usage' | 'costUsd'> {
    const usage = this.spec.estimate(this.text);
    return { usage, costUsd: costOf(usage, this.candidate.info?.pricing) };
  }

  /**
   * The stream's own wait for its first token (or its end): one promise hop shorter than `firstToken`, for a caller
   * that then calls `settle()` itself.
   */
  untilFirstToken(): Promise<void> {
    return this.stream ? this.stream.untilFirstToken() : Promise.resolve();
  }

  /** The stream has its first token queued (role-only chunks before it stay queued too), or it ended. Works once. */
  settle(): Attempt {
    const stream = this.stream;
    if (this.settledOnce || !stream) return this;
    this.settledOnce = true;
    if (!stream.hasToken && stream.failure) this.error = stream.failure;
    else this.firstTokenAt = performance.now();
    return this;
  }
}

function outcomeOf(end: AttemptEnd): AttemptOutcome {
  if (end.outcome !== 'failed') return end.outcome;
  const code = isSwitchboardError(end.error) ? end.error.code : undefined;
  return code === 'timeout' ? 'timeout' : code === 'cancelled' ? 'cancelled' : 'error';
}

function verdictOf(end: AttemptEnd): Verdict {
  switch (end.outcome) {
    case 'ok':
      return 'success';
    case 'broken-after-tokens':
      return 'failure';
    case 'failed': {
      const e = end.error;
      if (!isSwitchboardError(e) || e.code === 'cancelled') return 'none';
      if (e.retryable) return 'failure';
      // The endpoint answered (400, 401, 404, context length): it is up, whatever it thought of the request.
      return (e as { status?: number }).status !== undefined ? 'success' : 'none';
    }
    default:
      return 'none';
  }
}

function errorFields(error: unknown): Pick<AttemptEvent, 'status' | 'errorCode' | 'message'> {
  const status = isSwitchboardError(error) ? (error as { status?: number }).status : undefined;
  return {
    ...(status !== undefined ? { status } : {}),
    ...(isSwitchboardError(error) ? { errorCode: error.code } : {}),
    message: error instanceof Error ? error.message : String(error),
  };
}
