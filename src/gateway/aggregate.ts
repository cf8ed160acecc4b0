// Stream chunks → one `chat.completion`, for clients that asked with `stream: false`. Tool-call deltas are joined
// by their index, as OpenAI's own accumulators do.
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import { mergeToolCallDeltas, type ToolCallParts } from '../core/base/chunks';

interface ChoiceAcc {
  content: string | null;
  refusal: string | null;
  finish: ChatCompletion.Choice['finish_reason'] | null;
  tools: Map<number, ToolCallParts>;
}

export class CompletionAggregator {
  private id = '';
  private created = 0;
  private model = '';
  private fingerprint: string | undefined;
  private usage: ChatCompletion['usage'];
  private readonly choices = new Map<number, ChoiceAcc>();

  add(chunk: ChatCompletionChunk): void {
    if (!this.id) {
      this.id = chunk.id;
      this.created = chunk.created;
      this.model = chunk.model;
    }
    if (chunk.system_fingerprint) this.fingerprint = chunk.system_fingerprint;
    if (chunk.usage) this.usage = chunk.usage;
    for (const c of chunk.choices) {
      let acc = this.choices.get(c.index);
      if (!acc) this.choices.set(c.index, (acc = { content: null, refusal: null, finish: null, tools: new Map() }));
      const d = c.delta;
      if (d?.content) acc.content = (acc.content ?? '') + d.content;
      if (d?.refusal) acc.refusal = (acc.refusal ?? '') + d.refusal;
      mergeToolCallDeltas(acc.tools, d?.tool_calls);
      if (c.finish_reason) acc.finish = c.finish_reason;
    }
  }

  /** `model` names the model that answered when the chunks did not. */
  result(fallbackModel: string): ChatCompletion {
    const choices = [...this.choices.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([index, acc]): ChatCompletion.Choice => {
        const toolCalls: ChatCompletionMessageToolCall[] = [...acc.tools.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([, t]) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.args } }));
        return {
          index,
          message: { role: 'assistant', content: acc.content, refusal: acc.refusal, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
          finish_reason: acc.finish ?? (toolCalls.length ? 'tool_calls' : 'stop'),
          logprobs: null,
        };
      });
    return {
      id: this.id || 'chatcmpl-switchboard',
      object: 'chat.completion',
      created: this.created || Math.floor(Date.now() / 1000),
      model: this.model || fallbackModel,
      choices,
      ...(this.fingerprint ? { system_fingerprint: this.fingerprint } : {}),
      ...(this.usage ? { usage: this.usage } : {}),
    };
  }
}
