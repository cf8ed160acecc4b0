// Routing events as log lines, one per event: shared by the extension's routing log and the CLI's `--verbose`.
import { formatUsd } from '../base/format';
import type { RoutingEvent } from '../base/types';

/** One log line per routing event; shared by the extension's routing log and the CLI's `--verbose`. */
export function formatEvent(e: RoutingEvent): string {
  switch (e.type) {
    case 'decision': {
      const chain = e.candidates.map((c) => `${c.model}@${c.endpoint}${c.role === 'primary' ? '' : ` (${c.role})`}`).join(' → ');
      const sel = e.selection
        ? ` smart-select → ${e.selection.tier}/${e.selection.model} (${e.selection.reasons.join('; ')}; confidence ${e.selection.confidence.toFixed(2)})`
        : '';
      const notes = e.notes.length ? ` [${e.notes.join('; ')}]` : '';
      return `[${e.requestId}] route ${e.requested}:${sel} candidates ${chain}${notes}`;
    }
    case 'attempt': {
      const status = e.status ? ` ${e.status}` : '';
      const ttft = e.msToFirstToken !== undefined ? ` ttft ${Math.round(e.msToFirstToken)} ms` : '';
      const tokens = e.usage ? ` ${e.usage.promptTokens}+${e.usage.completionTokens} tok${e.usage.estimated ? ' (est.)' : ''}` : '';
      const msg = e.message ? ` — ${e.message}` : '';
      return `[${e.requestId}] attempt ${e.index + 1} ${e.model}@${e.endpoint} ${e.outcome}${status}${ttft} total ${Math.round(e.msTotal)} ms${tokens}${msg}`;
    }
    case 'done':
      return (
        `[${e.requestId}] done ${e.answeredBy}${e.fallback ? ` (fallback from ${e.requested})` : ''} after ${e.attempts} attempt(s): ` +
        `${e.usage.promptTokens}+${e.usage.completionTokens} tok${e.usage.estimated ? ' (est.)' : ''}, ${formatUsd(e.costUsd)}, ` +
        `ttft ${Math.round(e.msToFirstToken)} ms, total ${Math.round(e.msTotal)} ms`
      );
    case 'error':
      return `[${e.requestId}] failed ${e.requested}: ${e.code} — ${e.message}`;
    case 'breaker':
      return `breaker ${e.key} ${e.state}${e.until ? ` until ${new Date(e.until).toISOString()}` : ''}`;
  }
}
