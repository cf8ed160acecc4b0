// The cost an upstream says it billed. OpenRouter reports it on every answer's usage: `usage.cost` is "the total
// amount charged to your account" and `usage.cost_details.upstream_inference_cost` what the upstream provider
// charged (openrouter.ai/docs/use-cases/usage-accounting). When it is there it is the answer's cost; otherwise
// the cost is priced from the catalog, or estimated when the tokens themselves were estimated.
import type { CostSource } from '../base/types';

export interface BilledCost {
  /** USD charged for the answer (`usage.cost`). */
  usd: number;
  /** USD the upstream provider charged, when reported (`cost_details.upstream_inference_cost`; BYOK). */
  upstreamUsd?: number;
}

/** More than any one answer costs: a bill above it is not believed (the answer is priced instead), nor a ledger line. */
export const MAX_BELIEVABLE_ANSWER_USD = 1000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function usd(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 && n <= MAX_BELIEVABLE_ANSWER_USD ? n : undefined;
}

/** The billed cost in a usage object (streamed or not), or undefined when the upstream reported none. */
export function billedCostOf(usage: unknown): BilledCost | undefined {
  if (!isObject(usage)) return undefined;
  const cost = usd(usage.cost);
  if (cost === undefined) return undefined;
  const upstream = isObject(usage.cost_details) ? usd(usage.cost_details.upstream_inference_cost) : undefined;
  return upstream === undefined ? { usd: cost } : { usd: cost, upstreamUsd: upstream };
}

export interface AnswerCost {
  costUsd: number;
  costSource: CostSource;
}

/** The answer's cost: billed when the upstream reported it, else priced from tokens (estimated if they were). */
export function answerCost(o: { billed: BilledCost | undefined; pricedUsd: number; tokensEstimated: boolean }): AnswerCost {
  if (o.billed) return { costUsd: o.billed.usd, costSource: 'billed' };
  return { costUsd: o.pricedUsd, costSource: o.tokensEstimated ? 'estimated' : 'priced' };
}
