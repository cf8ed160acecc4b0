// Small facts about OpenAI stream chunks, shared by the transport and the router.
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';

type DeltaWithReasoning = ChatCompletionChunk.Choice.Delta & { reasoning?: string | null; reasoning_content?: string | null };

/**
 * Whether a chunk carries a token: text, a tool call, a refusal, reasoning, a finish reason or usage. A leading
 * `{role: "assistant", content: ""}` chunk does not count, so a stream that dies right after it can still fail over.
 */
export function isTokenChunk(chunk: ChatCompletionChunk): boolean {
  if (chunk.usage) return true;
  const choice = chunk.choices[0];
  if (!choice) return false;
  if (choice.finish_reason) return true;
  const d = choice.delta as DeltaWithReasoning | undefined;
  if (!d) return false;
  return !!(d.content || d.tool_calls?.length || d.refusal || d.reasoning || d.reasoning_content);
}

/** The visible text a chunk adds (empty for tool calls, usage, role and reasoning chunks). */
export function textOf(chunk: ChatCompletionChunk): string {
  const choice = chunk.choices[0];
  return (choice && choice.delta && choice.delta.content) || '';
}

/**
 * The reasoning a chunk adds, kept apart from the answer: DeepSeek's `reasoning_content`, or `reasoning` as
 * OpenRouter normalises it. Empty when the chunk carries none.
 */
export function reasoningOf(chunk: ChatCompletionChunk): string {
  const d = chunk.choices[0]?.delta as DeltaWithReasoning | undefined;
  if (!d) return '';
  return (typeof d.reasoning_content === 'string' && d.reasoning_content) || (typeof d.reasoning === 'string' && d.reasoning) || '';
}

/** The usage a chunk reports: the standard `usage`, or Groq's `x_groq.usage` when that is the only place it is. */
export function usageOf(chunk: ChatCompletionChunk): CompletionUsage | undefined {
  if (chunk.usage) return chunk.usage;
  const groq = (chunk as { x_groq?: { usage?: unknown } }).x_groq?.usage;
  return isObject(groq) && typeof groq.prompt_tokens === 'number' && typeof groq.completion_tokens === 'number'
    ? (groq as unknown as CompletionUsage)
    : undefined;
}

/** A non-streamed answer as the chunks a stream would have carried (for gateways that cannot stream). */
export function chunksFromCompletion(c: ChatCompletion): ChatCompletionChunk[] {
  const base = { id: c.id, object: 'chat.completion.chunk' as const, created: c.created, model: c.model };
  const out: ChatCompletionChunk[] = [];
  for (const choice of c.choices ?? []) {
    const m = choice.message;
    const delta: ChatCompletionChunk.Choice.Delta = { role: 'assistant' };
    if (m?.content != null) delta.content = m.content;
    if (m?.refusal) delta.refusal = m.refusal;
    const thought = m as { reasoning_content?: unknown; reasoning?: unknown } | undefined;
    if (typeof thought?.reasoning_content === 'string') (delta as DeltaWithReasoning).reasoning_content = thought.reasoning_content;
    if (typeof thought?.reasoning === 'string') (delta as DeltaWithReasoning).reasoning = thought.reasoning;
    if (m?.tool_calls?.length) {
      delta.tool_calls = m.tool_calls.map((t, index) =>
        t.type === 'function'
          ? { index, id: t.id, type: 'function' as const, function: { name: t.function.name, arguments: t.function.arguments } }
          : { index, id: t.id },
      );
    }
    out.push({ ...base, choices: [{ index: choice.index, delta, finish_reason: choice.finish_reason, logprobs: null }] });
  }
  if (c.usage) out.push({ ...base, choices: [], usage: c.usage });
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalString = (v: unknown) => v === undefined || v === null || typeof v === 'string';

/** Why a parsed stream event is not a usable chunk (so it becomes a malformed-stream error, not a crash); undefined if fine. */
export function chunkShapeProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'event data is not an object';
  if (!Array.isArray(v.choices)) return 'event without a "choices" list';
  for (const c of v.choices) {
    if (!isObject(c)) return 'a choice is not an object';
    if (c.delta !== undefined && c.delta !== null && !isObject(c.delta)) return 'a choice\'s "delta" is not an object';
    if (isObject(c.delta) && !optionalString(c.delta.content)) return 'a choice\'s "delta.content" is not text';
  }
  return undefined;
}

/** Like chunkShapeProblem, for a non-streamed answer. */
export function completionShapeProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'the answer is not a JSON object';
  if (!Array.isArray(v.choices)) return 'JSON without "choices"';
  for (const c of v.choices) {
    if (!isObject(c)) return 'a choice is not an object';
    if (c.message !== undefined && c.message !== null && !isObject(c.message)) return 'a choice\'s "message" is not an object';
    if (isObject(c.message) && !optionalString(c.message.content)) return 'a choice\'s "message.content" is not text';
  }
  return undefined;
}

/** A tool call as its streamed deltas add up. */
export interface ToolCallParts {
  id: string;
  name: string;
  args: string;
}

/** Joins streamed `tool_calls` deltas into `calls` by their index, as OpenAI's own accumulators do. */
export function mergeToolCallDeltas(calls: Map<number, ToolCallParts>, deltas: readonly ChatCompletionChunk.Choice.Delta.ToolCall[] | undefined): void {
  for (const t of deltas ?? []) {
    let c = calls.get(t.index);
    if (!c) calls.set(t.index, (c = { id: '', name: '', args: '' }));
    if (t.id) c.id = t.id;
    if (t.function?.name) c.name += t.function.name;
    if (t.function?.arguments) c.args += t.function.arguments;
  }
}
