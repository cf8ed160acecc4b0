// From the router's events to usage records: the attempts of each request wait until its done (or error) event,
// then become one record — the answering attempt, and every other attempt beside it. A failed request becomes a
// record only when some attempt was billed.
import type { AttemptEvent, RoutingEvent, Usage } from '../base/types';
import type { OtherAttempt, UsageRecord } from './record';

/** Requests whose attempts are kept while waiting for their done/error event; beyond this the oldest are dropped. */
const MAX_PENDING_REQUESTS = 1000;

const ZERO_USAGE: Usage = { promptTokens: 0, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0, estimated: false };

export interface RecordsFromEventsOptions {
  /** The clock for records of failed requests (their events carry no time). */
  now: () => number;
  /** Receives each record as soon as its request ends. */
  onRecord: (r: UsageRecord) => void;
}

export class RecordsFromEvents {
  private readonly pending = new Map<string, AttemptEvent[]>();

  constructor(private readonly opts: RecordsFromEventsOptions) {}

  /** Takes one router event; a done or billed error becomes a record. */
  onEvent(e: RoutingEvent): void {
    switch (e.type) {
      case 'attempt': {
        let list = this.pending.get(e.requestId);
        if (!list) {
          if (this.pending.size >= MAX_PENDING_REQUESTS) this.pending.delete(this.pending.keys().next().value as string);
          list = [];
          this.pending.set(e.requestId, list);
        }
        list.push(e);
        return;
      }
      case 'done': {
        const attempts = this.takePending(e.requestId);
        // The answering attempt is the last `ok` one for the answering model; everything else is an "other" attempt.
        const winner = findLastIndex(attempts, (a) => a.outcome === 'ok' && a.model === e.answeredBy);
        this.opts.onRecord({
          v: 1,
          at: e.at,
          requestId: e.requestId,
          requested: e.requested,
          answeredBy: e.answeredBy,
          ...(e.served !== e.answeredBy ? { served: e.served } : {}),
          costSource: e.costSource,
          endpoint: e.endpoint,
          attempts: e.attempts,
          fallback: e.fallback,
          otherAttempts: attempts.filter((_, i) => i !== winner).map(toOtherAttempt),
          usage: e.usage,
          costUsd: e.costUsd,
          msToFirstToken: e.msToFirstToken,
          msTotal: e.msTotal,
          ...(e.selection ? { tier: e.selection.tier } : {}),
          ...(e.client ? { client: e.client } : {}),
        });
        return;
      }
      case 'error': {
        const attempts = this.takePending(e.requestId);
        // A request that failed or was stopped still costs money when an attempt was billed or streamed tokens
        // (estimated from the text shown, and marked by its error code).
        if (!attempts.some((a) => (a.costUsd ?? 0) > 0 || (a.usage?.completionTokens ?? 0) > 0)) return;
        const last = attempts[attempts.length - 1];
        this.opts.onRecord({
          v: 1,
          at: this.opts.now(),
          requestId: e.requestId,
          requested: e.requested,
          answeredBy: last.model,
          endpoint: last.endpoint,
          attempts: attempts.length,
          fallback: attempts.length > 1,
          otherAttempts: attempts.map(toOtherAttempt),
          usage: ZERO_USAGE,
          costUsd: 0,
          msToFirstToken: 0,
          msTotal: attempts.reduce((t, a) => Math.max(t, a.msTotal), 0),
          error: e.code,
          ...(e.client ? { client: e.client } : {}),
        });
        return;
      }
      default:
        return;
    }
  }

  private takePending(requestId: string): AttemptEvent[] {
    const list = this.pending.get(requestId) ?? [];
    this.pending.delete(requestId);
    return list;
  }

  /** Forgets the attempts of requests still running. */
  clear(): void {
    this.pending.clear();
  }
}

function toOtherAttempt(a: AttemptEvent): OtherAttempt {
  return {
    model: a.model,
    endpoint: a.endpoint,
    outcome: a.outcome,
    ...(a.status !== undefined ? { status: a.status } : {}),
    ...(a.errorCode !== undefined ? { errorCode: a.errorCode } : {}),
    msTotal: a.msTotal,
    ...(a.usage ? { usage: a.usage } : {}),
    ...(a.costUsd ? { costUsd: a.costUsd } : {}),
  };
}

function findLastIndex<T>(items: readonly T[], pred: (t: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (pred(items[i])) return i;
  return -1;
}
