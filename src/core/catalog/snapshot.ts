// Built-in model snapshot: ids as OpenRouter-style gateways spell them, list prices in USD per million tokens
// (converted to per token below), context windows, and capability tags. The gateway's /v1/models overrides these
// when it answers. Must contain every model in config/settings.ts DEFAULT_TIERS.
import type { ModelInfo } from '../base/types';

type Row = [id: string, name: string, inputPerM: number, outputPerM: number, cachedInputPerM: number | undefined, contextWindow: number, tags: string];

// prettier-ignore
const ROWS: Row[] = [
  ['openai/gpt-5', 'GPT-5', 1.25, 10, 0.125, 400_000, 'reasoning tools vision'],
  ['openai/gpt-5-mini', 'GPT-5 mini', 0.25, 2, 0.025, 400_000, 'reasoning cheap tools vision'],
  ['openai/gpt-5-nano', 'GPT-5 nano', 0.05, 0.4, 0.005, 400_000, 'fast cheap tools vision'],
  ['openai/gpt-4.1', 'GPT-4.1', 2, 8, 0.5, 1_047_576, 'tools vision'],
  ['openai/gpt-4.1-mini', 'GPT-4.1 mini', 0.4, 1.6, 0.1, 1_047_576, 'fast cheap tools vision'],
  ['openai/gpt-4.1-nano', 'GPT-4.1 nano', 0.1, 0.4, 0.025, 1_047_576, 'fast cheap tools vision'],
  ['openai/gpt-4o', 'GPT-4o', 2.5, 10, 1.25, 128_000, 'tools vision'],
  ['openai/gpt-4o-mini', 'GPT-4o mini', 0.15, 0.6, 0.075, 128_000, 'fast cheap tools vision'],
  ['openai/o3', 'o3', 2, 8, 0.5, 200_000, 'reasoning tools vision'],
  ['openai/o3-mini', 'o3-mini', 1.1, 4.4, 0.55, 200_000, 'reasoning tools'],
  ['openai/o4-mini', 'o4-mini', 1.1, 4.4, 0.275, 200_000, 'reasoning tools vision'],
  ['anthropic/claude-opus-4.1', 'Claude Opus 4.1', 15, 75, 1.5, 200_000, 'reasoning tools vision'],
  ['anthropic/claude-sonnet-4.5', 'Claude Sonnet 4.5', 3, 15, 0.3, 1_000_000, 'reasoning tools vision'],
  ['anthropic/claude-sonnet-4', 'Claude Sonnet 4', 3, 15, 0.3, 1_000_000, 'reasoning tools vision'],
  ['anthropic/claude-3.7-sonnet', 'Claude 3.7 Sonnet', 3, 15, 0.3, 200_000, 'reasoning tools vision'],
  ['anthropic/claude-haiku-4.5', 'Claude Haiku 4.5', 1, 5, 0.1, 200_000, 'fast tools vision'],
  ['anthropic/claude-3.5-haiku', 'Claude 3.5 Haiku', 0.8, 4, 0.08, 200_000, 'fast cheap tools'],
  ['google/gemini-2.5-pro', 'Gemini 2.5 Pro', 1.25, 10, 0.31, 1_048_576, 'reasoning tools vision'],
  ['google/gemini-2.5-flash', 'Gemini 2.5 Flash', 0.3, 2.5, 0.075, 1_048_576, 'fast cheap reasoning tools vision'],
  ['google/gemini-2.5-flash-lite', 'Gemini 2.5 Flash-Lite', 0.1, 0.4, 0.025, 1_048_576, 'fast cheap tools vision'],
  ['google/gemini-2.0-flash-001', 'Gemini 2.0 Flash', 0.1, 0.4, 0.025, 1_048_576, 'fast cheap tools vision'],
  ['meta-llama/llama-4-maverick', 'Llama 4 Maverick', 0.15, 0.6, undefined, 1_048_576, 'cheap tools vision'],
  ['meta-llama/llama-4-scout', 'Llama 4 Scout', 0.08, 0.3, undefined, 327_680, 'fast cheap tools vision'],
  ['meta-llama/llama-3.3-70b-instruct', 'Llama 3.3 70B Instruct', 0.13, 0.4, undefined, 131_072, 'cheap tools'],
  ['meta-llama/llama-3.1-8b-instruct', 'Llama 3.1 8B Instruct', 0.02, 0.03, undefined, 131_072, 'fast cheap'],
  ['mistralai/mistral-large-2411', 'Mistral Large 2411', 2, 6, undefined, 131_072, 'tools'],
  ['mistralai/mistral-medium-3.1', 'Mistral Medium 3.1', 0.4, 2, undefined, 131_072, 'cheap tools vision'],
  ['mistralai/mistral-small-3.2-24b-instruct', 'Mistral Small 3.2 24B', 0.1, 0.3, undefined, 131_072, 'fast cheap tools vision'],
  ['mistralai/codestral-2508', 'Codestral 2508', 0.3, 0.9, undefined, 256_000, 'fast cheap tools'],
  ['deepseek/deepseek-chat-v3.1', 'DeepSeek V3.1', 0.27, 1.1, 0.07, 163_840, 'cheap reasoning tools'],
  ['deepseek/deepseek-chat', 'DeepSeek V3', 0.27, 1.1, 0.07, 163_840, 'cheap tools'],
  ['deepseek/deepseek-r1', 'DeepSeek R1', 0.55, 2.19, 0.14, 163_840, 'reasoning cheap'],
  ['x-ai/grok-4', 'Grok 4', 3, 15, 0.75, 256_000, 'reasoning tools vision'],
  ['x-ai/grok-3-mini', 'Grok 3 Mini', 0.3, 0.5, 0.075, 131_072, 'fast cheap reasoning tools'],
  ['qwen/qwen3-coder', 'Qwen3 Coder', 0.22, 0.95, undefined, 262_144, 'cheap tools'],
];

const PER_M = 1e-6;

export const BUILTIN_MODELS: readonly ModelInfo[] = ROWS.map(([id, name, input, output, cached, contextWindow, tagList]) => {
  const tags = tagList.split(' ');
  return {
    id,
    provider: id.slice(0, id.indexOf('/')),
    name,
    pricing:
      cached === undefined ? { input: input * PER_M, output: output * PER_M } : { input: input * PER_M, output: output * PER_M, cachedInput: cached * PER_M },
    contextWindow,
    tags,
    supportsImages: tags.includes('vision'),
    supportsTools: tags.includes('tools'),
    supportsReasoning: tags.includes('reasoning'),
    source: 'builtin' as const,
  };
});
