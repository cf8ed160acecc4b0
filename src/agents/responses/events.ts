// Chat Completions chunks → a Responses answer, as the events OpenAI streams (`response.created` … `response.completed`)
// and the response object they build. One chunk in, its events out at once: nothing is held back, so a stream is
// never buffered. Output items open as their first delta arrives: reasoning (DeepSeek's `reasoning_content`,
// OpenRouter's `reasoning`) as a reasoning item with a summary and text as a message item with one output_text part,
// each closed when another kind begins or the answer ends; each tool call as a function_call item, closed only when
// the answer ends (an upstream may interleave the argument deltas of parallel calls, so no call is known to be whole
// before). A non-streamed request uses the same builder and returns `response`.
import { randomUUID } from 'node:crypto';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { reasoningOf } from '../../core/base/chunks';
import type { Usage } from '../../core/base/types';
import type { EchoedRequest, FunctionCallItem, MessageItem, OutputItem, ReasoningItem, ResponseUsageWire, ResponseWire, StreamEvent } from './wire';

export interface ResponseBuilderOptions {
  /** The model the client asked for; the response names the served model once it is known. */
  model: string;
  echo: EchoedRequest;
  /** Epoch seconds (injectable for tests). */
  createdAt?: number;
  /** Random id suffixes (injectable for tests). */
  newId?: (prefix: string) => string;
}

export interface Finish {
  usage: Usage;
  /** The model that answered. */
  served: string;
}

type Open =
  | { kind: 'message'; item: MessageItem; index: number }
  | { kind: 'reasoning'; item: ReasoningItem; index: number }
  | { kind: 'call'; item: FunctionCallItem; index: number };

// randomUUID draws from a cached pool: no syscall per id on the first-text path (randomBytes makes one).
const randomId = (prefix: string): string => `${prefix}_${randomUUID().replace(/-/g, '')}`;

export function usageWire(u: Usage): ResponseUsageWire {
  return {
    input_tokens: u.promptTokens,
    input_tokens_details: { cached_tokens: u.cachedTokens },
    output_tokens: u.completionTokens,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens },
    total_tokens: u.promptTokens + u.completionTokens,
  };
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export class ResponseBuilder {
  readonly response: ResponseWire;
  private seq = 0;
  private open: Open | undefined;
  /** Function calls by their chunk index, in output order; each stays open until finish. */
  private readonly calls = new Map<number, Open & { kind: 'call' }>();
  private finishReason: string | null = null;
  private readonly newId: (prefix: string) => string;

  constructor(opts: ResponseBuilderOptions) {
    this.newId = opts.newId ?? randomId;
    this.response = {
      id: this.newId('resp'),
      object: 'response',
      created_at: opts.createdAt ?? Math.floor(Date.now() / 1000),
      status: 'in_progress',
      model: opts.model,
      output: [],
      error: null,
      incomplete_details: null,
      previous_response_id: null,
      store: false,
      usage: null,
      ...opts.echo,
    };
  }

  /** `response.created` and `response.in_progress`. */
  start(): StreamEvent[] {
    return [this.event('response.created', { response: this.snapshot() }), this.event('response.in_progress', { response: this.snapshot() })];
  }

  /** The events one upstream chunk makes. */
  add(chunk: ChatCompletionChunk): StreamEvent[] {
    const choice = chunk.choices[0];
    if (!choice) return [];
    const out: StreamEvent[] = [];
    const thought = reasoningOf(chunk);
    if (thought) this.reasoning(thought, out);
    const text = choice.delta?.content;
    if (text) this.text(text, out);
    for (const call of choice.delta?.tool_calls ?? []) this.toolCall(call, out);
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    return out;
  }

  /** Closes what is open and ends with `response.completed` (or `response.incomplete` when the answer was cut short). */
  finish(f: Finish): StreamEvent[] {
    const out: StreamEvent[] = [];
    this.close(out);
    for (const call of this.calls.values()) this.done(call, out);
    const r = this.response;
    r.model = f.served;
    r.usage = usageWire(f.usage);
    const cut = this.finishReason === 'length' ? 'max_output_tokens' : this.finishReason === 'content_filter' ? 'content_filter' : undefined;
    r.status = cut ? 'incomplete' : 'completed';
    if (cut) r.incomplete_details = { reason: cut };
    out.push(this.event(cut ? 'response.incomplete' : 'response.completed', { response: this.snapshot() }));
    return out;
  }

  /** `response.failed`: the answer broke after it began (before that, the gateway answers with an HTTP error). */
  fail(error: { code: string; message: string }): StreamEvent[] {
    this.response.status = 'failed';
    this.response.error = error;
    return [this.event('response.failed', { response: this.snapshot() })];
  }

  private reasoning(delta: string, out: StreamEvent[]): void {
    let open = this.open;
    if (open?.kind !== 'reasoning') {
      this.close(out);
      const item: ReasoningItem = { type: 'reasoning', id: this.newId('rs'), summary: [], encrypted_content: null };
      open = this.begin({ kind: 'reasoning', item, index: this.response.output.length }, out);
      item.summary.push({ type: 'summary_text', text: '' });
      out.push(this.event('response.reasoning_summary_part.added', { ...this.at(open), summary_index: 0, part: { type: 'summary_text', text: '' } }));
    }
    open.item.summary[0].text += delta;
    out.push(this.event('response.reasoning_summary_text.delta', { ...this.at(open), summary_index: 0, delta }));
  }

  private text(delta: string, out: StreamEvent[]): void {
    let open = this.open;
    if (open?.kind !== 'message') {
      this.close(out);
      const item: MessageItem = { type: 'message', id: this.newId('msg'), role: 'assistant', status: 'in_progress', content: [] };
      open = this.begin({ kind: 'message', item, index: this.response.output.length }, out);
      item.content.push({ type: 'output_text', text: '', annotations: [], logprobs: [] });
      out.push(this.event('response.content_part.added', { ...this.at(open), content_index: 0, part: clone(item.content[0]) }));
    }
    open.item.content[0].text += delta;
    out.push(this.event('response.output_text.delta', { ...this.at(open), content_index: 0, delta, logprobs: [] }));
  }

  private toolCall(call: NonNullable<ChatCompletionChunk.Choice.Delta['tool_calls']>[number], out: StreamEvent[]): void {
    let open = this.calls.get(call.index);
    if (!open) {
      this.close(out);
      const item: FunctionCallItem = {
        type: 'function_call',
        id: this.newId('fc'),
        call_id: call.id || this.newId('call'),
        name: call.function?.name ?? '',
        arguments: '',
        status: 'in_progress',
      };
      open = this.begin({ kind: 'call', item, index: this.response.output.length }, out);
      // Not the open item: a call stays open beside whatever comes next, until finish.
      this.open = undefined;
      this.calls.set(call.index, open);
    } else if (call.function?.name) {
      open.item.name += call.function.name;
    }
    const delta = call.function?.arguments;
    if (delta) {
      open.item.arguments += delta;
      out.push(this.event('response.function_call_arguments.delta', { ...this.at(open), delta }));
    }
  }

  private begin<O extends Open>(open: O, out: StreamEvent[]): O {
    this.open = open;
    this.response.output.push(open.item);
    out.push(this.event('response.output_item.added', { output_index: open.index, item: clone(open.item) }));
    return open;
  }

  private close(out: StreamEvent[]): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    this.done(open, out);
  }

  /** An item's closing events: its parts' `done` events, then `response.output_item.done`. */
  private done(open: Open, out: StreamEvent[]): void {
    const at = this.at(open);
    switch (open.kind) {
      case 'message': {
        const part = open.item.content[0];
        open.item.status = 'completed';
        out.push(this.event('response.output_text.done', { ...at, content_index: 0, text: part.text, logprobs: [] }));
        out.push(this.event('response.content_part.done', { ...at, content_index: 0, part: clone(part) }));
        break;
      }
      case 'reasoning': {
        const part = open.item.summary[0];
        out.push(this.event('response.reasoning_summary_text.done', { ...at, summary_index: 0, text: part.text }));
        out.push(this.event('response.reasoning_summary_part.done', { ...at, summary_index: 0, part: clone(part) }));
        break;
      }
      case 'call':
        open.item.status = 'completed';
        out.push(this.event('response.function_call_arguments.done', { ...at, name: open.item.name, arguments: open.item.arguments }));
        break;
    }
    out.push(this.event('response.output_item.done', { output_index: open.index, item: clone(open.item as OutputItem) }));
  }

  private at(open: Open): { item_id: string; output_index: number } {
    return { item_id: open.item.id, output_index: open.index };
  }

  private snapshot(): ResponseWire {
    return clone(this.response);
  }

  private event(type: string, fields: Record<string, unknown>): StreamEvent {
    return { type, sequence_number: this.seq++, ...fields };
  }
}

/** One event as OpenAI sends it on the wire: its type as the SSE `event:` name, then the JSON. */
export function sseEvent(e: StreamEvent): string {
  return `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
}
