// VS Code language-model messages ⇄ OpenAI chat messages, without importing `vscode`: parts are recognised by
// their shape (text `value`; tool call `callId`+`name`+`input`; tool result `callId`+`content`; data
// `mimeType`+`data`), which is what VS Code's part classes carry. Unit-tested in plain Node.
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionChunk,
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import { mergeToolCallDeltas, type ToolCallParts } from '../base/chunks';

/** VS Code's LanguageModelChatMessageRole values. */
export const LM_ROLE = { User: 1, Assistant: 2, System: 3 } as const;

export interface LmTextPartLike {
  value: string;
}
export interface LmToolCallPartLike {
  callId: string;
  name: string;
  input: object;
}
export interface LmToolResultPartLike {
  callId: string;
  content: readonly unknown[];
}
export interface LmDataPartLike {
  mimeType: string;
  data: Uint8Array;
}

export interface LmMessageLike {
  role: number;
  content: readonly unknown[] | string;
  name?: string | undefined;
}

export interface LmToolLike {
  name: string;
  description: string;
  inputSchema?: object | undefined;
}

const isObject = (p: unknown): p is Record<string, unknown> => typeof p === 'object' && p !== null;
export const isTextPart = (p: unknown): p is LmTextPartLike => isObject(p) && typeof p.value === 'string';
export const isToolCallPart = (p: unknown): p is LmToolCallPartLike =>
  isObject(p) && typeof p.callId === 'string' && typeof p.name === 'string' && 'input' in p;
export const isToolResultPart = (p: unknown): p is LmToolResultPartLike => isObject(p) && typeof p.callId === 'string' && Array.isArray(p.content);
export const isDataPart = (p: unknown): p is LmDataPartLike => isObject(p) && typeof p.mimeType === 'string' && p.data instanceof Uint8Array;

const decoder = new TextDecoder();

/** Text of a tool result's content: text parts, JSON/text data parts; prompt-tsx and other parts as JSON. */
export function toolResultText(content: readonly unknown[]): string {
  const out: string[] = [];
  for (const p of content) {
    if (isTextPart(p)) out.push(p.value);
    else if (isDataPart(p) && (p.mimeType.startsWith('text/') || p.mimeType.includes('json'))) out.push(decoder.decode(p.data));
    else if (isDataPart(p)) out.push(`[${p.mimeType} data, ${p.data.byteLength} bytes]`);
    else if (isObject(p) && 'value' in p) out.push(JSON.stringify(p.value));
  }
  return out.join('');
}

export interface ToOpenAIOptions {
  /** Whether the model takes image input (catalog `supportsImages`); otherwise images become a short note. */
  supportsImages: boolean;
}

/** Cache-control and other marker data parts VS Code sends that carry no content for the model. */
const IGNORED_MIME = /^(cache_control|stateful_marker|application\/vnd\.)/i;

/**
 * Messages from VS Code → OpenAI messages. A user message's tool results become `tool` messages (placed first,
 * right after the assistant's tool calls, as OpenAI requires); an assistant message's tool calls become `tool_calls`.
 */
export function toOpenAIMessages(messages: readonly LmMessageLike[], opts: ToOpenAIOptions): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  for (const m of messages) {
    const parts = typeof m.content === 'string' ? [{ value: m.content }] : m.content;
    const texts: string[] = [];
    const rich: ChatCompletionContentPart[] = [];
    let hasImage = false;
    const toolCalls: NonNullable<ChatCompletionAssistantMessageParam['tool_calls']> = [];
    const toolResults: ChatCompletionMessageParam[] = [];
    for (const p of parts) {
      if (isToolResultPart(p)) toolResults.push({ role: 'tool', tool_call_id: p.callId, content: toolResultText(p.content) });
      else if (isToolCallPart(p)) toolCalls.push({ id: p.callId, type: 'function', function: { name: p.name, arguments: JSON.stringify(p.input ?? {}) } });
      else if (isTextPart(p)) {
        texts.push(p.value);
        rich.push({ type: 'text', text: p.value });
      } else if (isDataPart(p)) {
        if (IGNORED_MIME.test(p.mimeType)) continue;
        if (p.mimeType.startsWith('image/')) {
          if (opts.supportsImages && m.role === LM_ROLE.User) {
            hasImage = true;
            rich.push({ type: 'image_url', image_url: { url: `data:${p.mimeType};base64,${Buffer.from(p.data).toString('base64')}` } });
          } else {
            const note = `[image omitted: this model does not take image input]`;
            texts.push(note);
            rich.push({ type: 'text', text: note });
          }
        } else if (p.mimeType.startsWith('text/') || p.mimeType.includes('json')) {
          const t = decoder.decode(p.data);
          texts.push(t);
          rich.push({ type: 'text', text: t });
        }
      }
    }
    const text = texts.join('');
    const name = m.name ? { name: m.name } : {};
    if (m.role === LM_ROLE.Assistant) {
      const msg: ChatCompletionAssistantMessageParam = { role: 'assistant', content: text || (toolCalls.length ? null : ''), ...name };
      if (toolCalls.length) msg.tool_calls = toolCalls;
      out.push(msg);
    } else if (m.role === LM_ROLE.System) {
      out.push({ role: 'system', content: text, ...name });
    } else {
      out.push(...toolResults);
      if (hasImage) out.push({ role: 'user', content: rich, ...name });
      else if (text || toolResults.length === 0) out.push({ role: 'user', content: text, ...name });
    }
  }
  return out;
}

/** VS Code tools → OpenAI function tools. */
export function toOpenAITools(tools: readonly LmToolLike[] | undefined): ChatCompletionTool[] | undefined {
  if (!tools?.length) return undefined;
  return tools.map((t) => ({
    type: 'function',
    function: {
      name: t.name,
      description: t.description,
      parameters: (t.inputSchema as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} },
    },
  }));
}

/** VS Code's toolMode (1 Auto, 2 Required) → `tool_choice`; Required with one tool names it. */
export function toOpenAIToolChoice(toolMode: number | undefined, tools: readonly LmToolLike[] | undefined): ChatCompletionToolChoiceOption | undefined {
  if (!tools?.length) return undefined;
  if (toolMode === 2) return tools.length === 1 ? { type: 'function', function: { name: tools[0].name } } : 'required';
  return 'auto';
}

export interface ToolCallOut {
  callId: string;
  name: string;
  input: object;
}

/**
 * Joins streamed `tool_calls` deltas (by index) into whole calls. `add` returns nothing; `flush` returns the calls
 * complete so far (all of them once the stream ends), each once.
 */
export class ToolCallAccumulator {
  private readonly calls = new Map<number, ToolCallParts>();

  add(delta: ChatCompletionChunk.Choice.Delta | undefined): void {
    mergeToolCallDeltas(this.calls, delta?.tool_calls);
  }

  get pending(): boolean {
    return this.calls.size > 0;
  }

  /** Every accumulated call, parsed; arguments that are not a JSON object are wrapped as `{ "raw": … }`. */
  flush(): ToolCallOut[] {
    const out = [...this.calls.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([i, c]) => ({ callId: c.id || `call_${i}`, name: c.name, input: parseArguments(c.args) }));
    this.calls.clear();
    return out;
  }
}

function parseArguments(args: string): object {
  if (!args.trim()) return {};
  try {
    const v: unknown = JSON.parse(args);
    return isObject(v) && !Array.isArray(v) ? v : { value: v };
  } catch {
    return { raw: args };
  }
}

/** Text of a message for token counting: texts, tool calls' names and arguments, tool results. */
export function lmMessageText(m: LmMessageLike): string {
  if (typeof m.content === 'string') return m.content;
  const out: string[] = [];
  for (const p of m.content) {
    if (isToolResultPart(p)) out.push(toolResultText(p.content));
    else if (isToolCallPart(p)) out.push(p.name, JSON.stringify(p.input ?? {}));
    else if (isTextPart(p)) out.push(p.value);
    else if (isDataPart(p) && (p.mimeType.startsWith('text/') || p.mimeType.includes('json'))) out.push(decoder.decode(p.data));
  }
  return out.join('\n');
}
