// What a request cost in USD from its token usage and the model's pricing (cached and reasoning tokens priced apart).
import type { ModelInfo, Usage } from '../base/types';

/**
 * Cost in USD. OpenAI-style usage counts cached tokens inside prompt tokens and reasoning tokens inside completion
 * tokens, so each is priced once: cached at the cached-input price, reasoning at the reasoning price (or output).
 */
export function costOf(usage: Usage, pricing: ModelInfo['pricing'] | undefined): number {
  if (!pricing) return 0;
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const reasoning = Math.min(usage.reasoningTokens, usage.completionTokens);
  return (
    (usage.promptTokens - cached) * pricing.input +
    cached * (pricing.cachedInput ?? pricing.input) +
    (usage.completionTokens - reasoning) * pricing.output +
    reasoning * (pricing.reasoning ?? pricing.output)
  );
}
