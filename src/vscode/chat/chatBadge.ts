// The badge under an answer, derived from the router's own records (decision, attempts, done) — never a copy
// kept elsewhere. No vscode import: unit-tested in plain Node.
import type { Badge } from '../../protocol';
import type { AttemptEvent, DecisionEvent, DoneEvent } from '../../core/base/types';

/** How one failed attempt reads in "answered by X after …". Undefined for attempts that are not failures. */
export function describeFailure(a: AttemptEvent): string | undefined {
  switch (a.outcome) {
    case 'error':
      return `${a.model} failed (${a.status ?? a.errorCode ?? 'error'})`;
    case 'timeout':
      return `${a.model} timed out`;
    case 'skipped-breaker-open':
      return `${a.model} skipped (circuit open)`;
    case 'broken-after-tokens':
      return `${a.model} broke mid-stream`;
    default:
      return undefined;
  }
}

/** "answered by B after A failed (503) ×2, C timed out" — consecutive identical failures (retries) are counted. */
export function fallbackText(done: DoneEvent, attempts: readonly AttemptEvent[]): string | undefined {
  const failures = attempts.map(describeFailure).filter((d): d is string => d !== undefined);
  if (!done.fallback && failures.length === 0) return undefined;
  if (!done.fallback && attempts.every((a) => a.model === done.answeredBy)) return undefined; // a retry, not a fallback
  const grouped: { text: string; n: number }[] = [];
  for (const f of failures) {
    const last = grouped[grouped.length - 1];
    if (last && last.text === f) last.n++;
    else grouped.push({ text: f, n: 1 });
  }
  const after = grouped.map((g) => (g.n > 1 ? `${g.text} ×${g.n}` : g.text)).join(', ');
  return after ? `answered by ${done.answeredBy} after ${after}` : `answered by ${done.answeredBy} instead of ${done.requested}`;
}

export function selectionText(decision: DecisionEvent | undefined): string | undefined {
  const s = decision?.selection;
  if (!s) return undefined;
  return `${decision.requested} → ${s.model} (${s.tier}${s.downgradedFrom ? `, downgraded from ${s.downgradedFrom} by the budget` : ''})`;
}

export function badgeFor(done: DoneEvent, attempts: readonly AttemptEvent[], decision?: DecisionEvent): Badge {
  return {
    model: done.served,
    requested: done.requested,
    costSource: done.costSource,
    promptTokens: done.usage.promptTokens,
    completionTokens: done.usage.completionTokens,
    estimated: done.usage.estimated,
    costUsd: Math.max(0, done.costUsd),
    fallbackNote: fallbackText(done, attempts),
    selection: selectionText(decision),
  };
}
