// The request's size against each candidate's context window, checked before anything is sent (as LiteLLM's
// pre-call checks do): a candidate that cannot hold the prompt is skipped with a note, smart-select moves up to a
// tier whose model can, and when nothing fits the user is told the size and the largest window available.
import type { CandidatePlan } from './candidates';
import type { Catalog } from '../catalog/catalog';
import type { Config } from '../config/settings';
import { compactTokens, windowShortfall } from '../prompt/contextWindow';
import { PromptTooLargeError } from '../base/errors';
import { contentText } from '../prompt/messages';
import { TIERS as TIER_ORDER, type ChatRequest, type SelectionDecision, type Tier } from '../base/types';

/** Characters of the prompt: an upper bound on its tokens (a token is at least one character). */
export function promptChars(req: ChatRequest): number {
  let n = 0;
  for (const m of req.messages) n += contentText(m.content).length;
  return n + (req.tools ? JSON.stringify(req.tools).length : 0);
}

/**
 * Counts the prompt's tokens only when some window might be too small for it, so an ordinary request never waits
 * for the tokenizer. Returns undefined when every known window is larger than the prompt has characters.
 */
export function tokensIfNearAWindow(req: ChatRequest, windows: readonly number[], count: (req: ChatRequest) => number): number | undefined {
  const known = windows.filter((w) => w > 0);
  if (known.length === 0 || promptChars(req) <= Math.min(...known)) return undefined;
  return count(req);
}

export interface WindowCheck {
  /** The candidates that can hold the prompt, in order. */
  plan: CandidatePlan;
  /** "skipped openai/gpt-4.1-mini: 180k tokens > its 128k window", one per skipped candidate. */
  notes: string[];
}

/** Skips candidates whose known window is smaller than the prompt; throws PromptTooLargeError when none is left. */
export function checkWindows(plan: CandidatePlan, req: ChatRequest, count: (req: ChatRequest) => number, catalog: Catalog): WindowCheck {
  const tokens = tokensIfNearAWindow(
    req,
    plan.candidates.map((c) => c.info?.contextWindow ?? 0),
    count,
  );
  if (tokens === undefined) return { plan, notes: [] };
  const notes: string[] = [];
  const kept = plan.candidates.filter((c) => {
    const why = windowShortfall(tokens, c.info);
    if (why) notes.push(`skipped ${c.model}: ${why}`);
    return !why;
  });
  if (kept.length === 0) throw tooLarge(tokens, plan, catalog);
  return { plan: { ...plan, candidates: kept }, notes };
}

function tooLarge(tokens: number, plan: CandidatePlan, catalog: Catalog): PromptTooLargeError {
  const tried = plan.candidates.map((c) => `${c.model} (${compactTokens(c.info?.contextWindow ?? 0)})`).join(', ');
  const largest = [...catalog.list()].sort((a, b) => b.contextWindow - a.contextWindow)[0];
  const hint =
    largest && largest.contextWindow >= tokens
      ? ` ${largest.id} has a ${compactTokens(largest.contextWindow)} window: choose it, or shorten the prompt.`
      : ' Shorten the prompt or remove attached context.';
  return new PromptTooLargeError(
    tokens,
    `The request is about ${compactTokens(tokens)} tokens, more than the context window of every candidate: ${tried}. Nothing was sent.${hint}`,
  );
}

/** smart-select's choice moved up to the first tier (from the chosen one) whose model's window can hold the prompt. */
export function fitSelection(
  decision: SelectionDecision,
  req: ChatRequest,
  config: Config,
  catalog: Catalog,
  count: (req: ChatRequest) => number,
): SelectionDecision {
  const windowOf = (tier: Tier) => catalog.get(config.smartSelect.tiers[tier])?.contextWindow ?? 0;
  const tokens = tokensIfNearAWindow(req, [windowOf(decision.tier)], count);
  if (tokens === undefined || !windowShortfall(tokens, catalog.get(decision.model))) return decision;
  for (const tier of TIER_ORDER.slice(TIER_ORDER.indexOf(decision.tier) + 1)) {
    const model = config.smartSelect.tiers[tier];
    if (windowShortfall(tokens, catalog.get(model))) continue;
    return {
      ...decision,
      tier,
      model,
      reasons: [
        ...decision.reasons,
        `moved up to ${tier}: ${compactTokens(tokens)} tokens > ${decision.model}'s ${compactTokens(windowOf(decision.tier))} window`,
      ],
    };
  }
  return decision; // nothing larger among the tiers: the router's window check explains it
}
