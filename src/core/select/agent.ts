// smart-select for an agent's request (Claude Code, Codex…): what the agent says about the request decides the tier
// before the prompt's words do. Asked to think → the reasoning tier; a small request without tools (an agent's
// background call: a title, a summary, a topic check) → fast. Anything else is classified like any prompt.
import { contentText } from '../prompt/messages';
import type { SelectInput } from './features';
import type { Tier } from '../base/types';

/** An agent's background calls (titles, summaries) are a few thousand characters at most; its working turns carry tools. */
export const SMALL_AGENT_REQUEST_CHARS = 8000;

export interface AgentTier {
  tier: Tier;
  reason: string;
}

function promptChars(input: SelectInput, limit: number): number {
  let n = 0;
  for (const m of input.messages) {
    n += contentText(m.content).length;
    if (n > limit) break;
  }
  return n;
}

/** What smart-select reads of an agent's request: the user's words of the task when the dialect found them. */
export function agentClassifyInput(input: SelectInput): SelectInput {
  const task = input.agent?.task;
  return task === undefined ? input : { messages: [{ role: 'user', content: task }] };
}

/** The tier an agent's request asks for by its shape, or undefined when the prompt's words should decide. */
export function agentTier(input: SelectInput): AgentTier | undefined {
  const agent = input.agent;
  if (!agent) return undefined;
  if (agent.thinking) {
    const t = agent.thinking;
    const how = t.budgetTokens ? ` (budget ${t.budgetTokens} tokens)` : t.effort ? ` (effort ${t.effort})` : '';
    return { tier: 'reasoning', reason: `the agent asks for thinking${how}` };
  }
  if (!input.tools && promptChars(input, SMALL_AGENT_REQUEST_CHARS) <= SMALL_AGENT_REQUEST_CHARS)
    return { tier: 'fast', reason: 'a small agent request without tools (a title, summary or check)' };
  return undefined;
}
