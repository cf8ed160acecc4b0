// The router's answer (OpenAI chunks) → Anthropic Messages stream events, one chunk at a time: message_start,
// content blocks (text, thinking from an upstream's reasoning deltas, tool_use with its arguments as
// input_json_delta pieces), message_delta with the stop reason and usage in Anthropic's fields, message_stop.
// Each chunk's events go to the sink as the chunk arrives, with one exception: Anthropic's blocks come one after
// another, so while one tool call streams, the calls an upstream interleaves with it (parallel calls) wait and follow
// whole at the end. The non-streamed answer is the same events folded into one message (MessageCollector). Pure: no I/O.
import { randomUUID } from 'node:crypto';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { reasoningOf } from '../../core/base/chunks';
import type { Usage } from '../../core/base/types';

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export type BlockDelta =
  { type: 'text_delta'; text: string } | { type: 'thinking_delta'; thinking: string } | { type: 'input_json_delta'; partial_json: string };

export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

export type AnthropicEvent =
  | { type: 'message_start'; message: AnthropicMessage }
  | { type: 'content_block_start'; index: number; content_block: ContentBlock }
  | { type: 'content_block_delta'; index: number; delta: BlockDelta }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason: StopReason; stop_sequence: string | null }; usage: AnthropicUsage }
  | { type: 'message_stop' };

export type EventSink = (e: AnthropicEvent) => void;

/** Usage as Anthropic counts it: input_tokens are the prompt tokens not read from the cache. */
export function anthropicUsage(u: Pick<Usage, 'promptTokens' | 'completionTokens' | 'cachedTokens'> | undefined): AnthropicUsage {
  if (!u) return { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const cached = Math.min(u.cachedTokens, u.promptTokens);
  return { input_tokens: u.promptTokens - cached, output_tokens: u.completionTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: cached };
}

// randomUUID draws from a pooled buffer: a fraction of a microsecond, where randomBytes costs a syscall per id.
export const messageId = (): string => 'msg_' + randomUUID().replace(/-/g, '');
const toolUseId = (): string => 'toolu_' + randomUUID().replace(/-/g, '');

type Choice = ChatCompletionChunk.Choice & { stop_reason?: unknown };

/** A tool call as its deltas came: name fragments joined, arguments held until its block can take them. */
interface ToolCall {
  id: string;
  name: string;
  /** Arguments not sent yet. */
  args: string;
  state: 'waiting' | 'streaming' | 'done';
}

export class AnthropicAnswer {
  private index = -1;
  private open: 'text' | 'thinking' | 'tool' | undefined;
  /** Tool calls by their OpenAI index, in the order they began. */
  private readonly calls = new Map<number, ToolCall>();
  /** The call whose block is open (its argument deltas go out as they come). */
  private streaming: ToolCall | undefined;
  private finishReason: string | null = null;
  private matchedStop: string | null = null;

  constructor(
    private readonly sink: EventSink,
    private readonly opts: { id: string; model: string; stopSequences?: readonly string[] },
  ) {}

  /** message_start: the prompt's usage is not known yet; message_delta carries it. */
  start(): void {
    const message: AnthropicMessage = {
      id: this.opts.id,
      type: 'message',
      role: 'assistant',
      model: this.opts.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: anthropicUsage(undefined),
    };
    this.sink({ type: 'message_start', message });
  }

  chunk(c: ChatCompletionChunk): void {
    const choice = c.choices[0] as Choice | undefined;
    if (!choice) return;
    const d = choice.delta;
    if (d) {
      const thought = reasoningOf(c);
      if (thought) this.delta('thinking', { type: 'thinking_delta', thinking: thought });
      if (d.content) this.delta('text', { type: 'text_delta', text: d.content });
      if (d.tool_calls) for (const tc of d.tool_calls) this.toolDelta(tc);
    }
    if (choice.finish_reason) {
      this.finishReason = choice.finish_reason;
      // vLLM and others name the stop sequence that matched; OpenAI does not.
      if (typeof choice.stop_reason === 'string' && this.opts.stopSequences?.includes(choice.stop_reason)) this.matchedStop = choice.stop_reason;
    }
  }

  /** Closes the open block, then message_delta (stop reason, usage) and message_stop. */
  finish(usage: Pick<Usage, 'promptTokens' | 'completionTokens' | 'cachedTokens'> | undefined): void {
    this.flushCalls();
    this.close();
    this.sink({ type: 'message_delta', delta: { stop_reason: this.stopReason(), stop_sequence: this.matchedStop }, usage: anthropicUsage(usage) });
    this.sink({ type: 'message_stop' });
  }

  private stopReason(): StopReason {
    switch (this.finishReason) {
      case 'length':
        return 'max_tokens';
      case 'tool_calls':
      case 'function_call':
        return 'tool_use';
      case 'content_filter':
        return 'refusal';
      default:
        if (this.matchedStop !== null) return 'stop_sequence';
        // Some upstreams end a tool call with "stop".
        return this.calls.size > 0 ? 'tool_use' : 'end_turn';
    }
  }

  private delta(kind: 'text' | 'thinking', delta: BlockDelta): void {
    if (this.open !== kind) {
      // Text after tool calls: the calls end first, in order (a later delta of theirs has no block to go to).
      this.flushCalls();
      this.close();
      this.index++;
      this.open = kind;
      this.sink({
        type: 'content_block_start',
        index: this.index,
        content_block: kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' },
      });
    }
    this.sink({ type: 'content_block_delta', index: this.index, delta });
  }

  /**
   * One call's delta. The first call streams: its block starts once its name is whole (its arguments begin, or another
   * call begins) and takes its arguments as they come. Calls interleaved with it wait, whole, for finish.
   */
  private toolDelta(tc: ChatCompletionChunk.Choice.Delta.ToolCall): void {
    const key = tc.index ?? 0;
    let call = this.calls.get(key);
    if (!call) {
      call = { id: tc.id || toolUseId(), name: '', args: '', state: 'waiting' };
      this.calls.set(key, call);
      // Another call began: the streaming one's name is whole by now, so it can start.
      for (const other of this.calls.values()) if (other !== call && other.state === 'waiting' && !this.streaming) this.startCall(other);
    }
    if (call.state === 'done') return; // its block ended (text came after it): nowhere to put it
    if (tc.function?.name && call.state === 'waiting') call.name += tc.function.name;
    const args = tc.function?.arguments;
    if (args) call.args += args;
    if (call.state === 'waiting' && !this.streaming && call.args && this.isFirstWaiting(call)) this.startCall(call);
    if (call.state === 'streaming') this.sendArgs(call);
  }

  private isFirstWaiting(call: ToolCall): boolean {
    for (const c of this.calls.values()) if (c.state === 'waiting') return c === call;
    return false;
  }

  private startCall(call: ToolCall): void {
    this.close();
    this.index++;
    this.open = 'tool';
    this.streaming = call;
    call.state = 'streaming';
    this.sink({ type: 'content_block_start', index: this.index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } });
    this.sendArgs(call);
  }

  private sendArgs(call: ToolCall): void {
    if (!call.args) return;
    this.sink({ type: 'content_block_delta', index: this.index, delta: { type: 'input_json_delta', partial_json: call.args } });
    call.args = '';
  }

  /** Ends the streaming call's block, then sends every waiting call whole, each in its own block, in the order they began. */
  private flushCalls(): void {
    for (const call of this.calls.values()) {
      if (call.state === 'done') continue;
      if (call.state === 'waiting') this.startCall(call);
      this.close();
    }
  }

  private close(): void {
    if (this.open === undefined) return;
    this.sink({ type: 'content_block_stop', index: this.index });
    if (this.open === 'tool' && this.streaming) {
      this.streaming.state = 'done';
      this.streaming = undefined;
    }
    this.open = undefined;
  }
}

/** Folds the events of one answer into the message a non-streamed request gets. */
export class MessageCollector {
  private message: AnthropicMessage | undefined;
  private readonly json = new Map<number, string>();

  readonly sink: EventSink = (e) => {
    switch (e.type) {
      case 'message_start':
        this.message = { ...e.message, content: [] };
        break;
      case 'content_block_start':
        this.message?.content.push({ ...e.content_block });
        break;
      case 'content_block_delta': {
        const block = this.message?.content[e.index];
        if (!block) break;
        if (e.delta.type === 'text_delta' && block.type === 'text') block.text += e.delta.text;
        else if (e.delta.type === 'thinking_delta' && block.type === 'thinking') block.thinking += e.delta.thinking;
        else if (e.delta.type === 'input_json_delta') this.json.set(e.index, (this.json.get(e.index) ?? '') + e.delta.partial_json);
        break;
      }
      case 'message_delta':
        if (this.message) Object.assign(this.message, { stop_reason: e.delta.stop_reason, stop_sequence: e.delta.stop_sequence, usage: e.usage });
        break;
      default:
        break;
    }
  };

  result(): AnthropicMessage | undefined {
    const m = this.message;
    if (!m) return undefined;
    for (const [i, text] of this.json) {
      const block = m.content[i];
      if (block?.type === 'tool_use') block.input = parseToolInput(text);
    }
    return m;
  }
}

/** A tool call's streamed arguments as the object Anthropic's `input` is; arguments that are not an object: `{}`. */
function parseToolInput(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
