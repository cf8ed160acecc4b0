// `POST /v1/messages/count_tokens`: the prompt's tokens (system, messages, tools) under Switchboard's tokenizer
// (o200k), the count the router's context-window check uses, so what an agent is told fits is what gets routed.
import { estimatePromptTokens, estimateTokens } from '../../core/prompt/tokens';
import type { ChatRequest } from '../../core/base/types';

export function countInputTokens(req: Pick<ChatRequest, 'messages' | 'tools'>): number {
  return estimatePromptTokens(req.messages) + (req.tools?.length ? estimateTokens(JSON.stringify(req.tools)) : 0);
}
