// How a prompt's size compares with a model's context window: the chat's context meter and the router's check
// before sending share these, so "it fits" means the same everywhere.
import type { ModelInfo } from '../base/types';

/** From this share of the window on, the meter warns (amber). */
export const WARN_FRACTION = 0.8;

export interface PromptPreview {
  /** The model the prompt would go to (for smart-select, the one it would pick). */
  model: string;
  promptTokens: number;
  /** 0 when the model's window is unknown. */
  window: number;
  /** Estimated cost of the prompt tokens alone, USD. */
  costUsd: number;
  level: 'ok' | 'warn' | 'over';
}

export function previewPrompt(promptTokens: number, model: string, info: ModelInfo | undefined): PromptPreview {
  const window = info?.contextWindow ?? 0;
  const fraction = window > 0 ? promptTokens / window : 0;
  return {
    model,
    promptTokens,
    window,
    costUsd: promptTokens * (info?.pricing.input ?? 0),
    level: fraction > 1 ? 'over' : fraction >= WARN_FRACTION ? 'warn' : 'ok',
  };
}

/** Why `model` cannot take a prompt of `promptTokens` ("180k tokens > its 128k window"), or undefined when it can. */
export function windowShortfall(promptTokens: number, info: ModelInfo | undefined): string | undefined {
  const window = info?.contextWindow;
  if (!window || promptTokens <= window) return undefined;
  return `${compactTokens(promptTokens)} tokens > its ${compactTokens(window)} window`;
}

/** 180000 → "180k", 1048576 → "1M", 950 → "950". */
export function compactTokens(n: number): string {
  if (n >= 1_000_000) return `${+(n / 1_000_000).toFixed(n % 1_000_000 === 0 ? 0 : 1)}M`;
  if (n >= 1_000) return `${+(n / 1_000).toFixed(n >= 100_000 || n % 1_000 === 0 ? 0 : 1)}k`;
  return String(n);
}
