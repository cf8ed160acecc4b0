// Token estimates for when the upstream sends no usage. The o200k tokenizer's tables are several MB, so they are
// loaded on the first estimate, never at activation.
import { contentText } from './messages';
import type { ChatCompletionMessageParam } from '../base/types';

type Tokenizer = typeof import('gpt-tokenizer/encoding/o200k_base');

let tokenizer: Tokenizer | undefined;

function load(): Tokenizer {
  tokenizer ??= require('gpt-tokenizer/encoding/o200k_base') as Tokenizer;
  return tokenizer;
}

/** Tokens in `text` under the o200k encoding. Special-token markers in user text count as plain text. */
export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  return load().countTokens(text, { disallowedSpecial: new Set() });
}

// OpenAI's chat format adds a few tokens of framing per message and to prime the reply.
const TOKENS_PER_MESSAGE = 3;
const TOKENS_TO_PRIME_REPLY = 3;

/** Prompt tokens of a chat request: message texts (images and audio are not counted) plus the chat framing. */
export function estimatePromptTokens(messages: readonly ChatCompletionMessageParam[]): number {
  let total = TOKENS_TO_PRIME_REPLY;
  for (const m of messages) {
    total += TOKENS_PER_MESSAGE + estimateTokens(contentText(m.content));
    if (m.role === 'assistant' && m.tool_calls) {
      for (const call of m.tool_calls) {
        if (call.type === 'function') total += estimateTokens(call.function.name + call.function.arguments);
      }
    }
  }
  return total;
}

/** True once the tokenizer has been loaded (lets tests prove the import is lazy). */
export function tokenizerLoaded(): boolean {
  return tokenizer !== undefined;
}

let loadScheduled = false;

/**
 * For the request path: exact once the tokenizer is loaded; until then a length-based estimate, with the tokenizer
 * loaded on a later tick so no request (or cancellation) waits for its multi-megabyte tables.
 */
export function estimateTokensSoon(text: string): number {
  if (tokenizer) return estimateTokens(text);
  if (!loadScheduled) {
    loadScheduled = true;
    setTimeout(() => void load(), 50).unref();
  }
  return Math.ceil(text.length / 4);
}
