// An Anthropic Messages request (`POST /v1/messages`, as Claude Code and the Anthropic SDKs send it) → the router's
// ChatRequest (OpenAI Chat Completions). What the core relies on is checked, so bad input is a 400 naming the field;
// fields with no counterpart (context_management, output_config, cache_control, top_k, anything new) are ignored,
// never refused. Thinking and redacted_thinking blocks stay here: they are signed for Anthropic's models, and no
// OpenAI-compatible upstream takes them back. Pure: no I/O.
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import type { AgentTraits, ChatRequest } from '../../core/base/types';
import { MAX_MODEL_ID_LENGTH } from '../../protocol';
import { isObject, logSafe, nestedPath, tooDeeplyNested, tooDeepMessage, typeName } from '../untrusted';
import { anthropicError, type AnthropicHttpError } from './errors';

export interface MessagesRequest {
  /** `model` is the agent's model name as sent; the gateway maps it (agentModel.ts). */
  request: ChatRequest;
  stream: boolean;
  agent: AgentTraits;
  /** For the routing log: what was left out (server tools no upstream runs). */
  notes: string[];
}

/**
 * Agents size `max_tokens` for Claude (32k–64k); many upstream models refuse a limit above their own output limit
 * (gpt-4.1 32k, DeepSeek 8k). A ceiling above this is left to the upstream's own limit; a small one (a title's) is sent.
 */
export const MAX_FORWARDED_MAX_TOKENS = 8192;
/** OpenAI accepts at most four stop sequences. */
const MAX_STOP_SEQUENCES = 4;

type Json = Record<string, unknown>;

class Invalid extends Error {}
const invalid = (message: string): never => {
  throw new Invalid(message);
};

const wrongType = (at: string, expected: string, got: unknown): never => invalid(`${at}: expected ${expected}, but got ${typeName(got)}.`);

function str(v: unknown, at: string): string {
  return typeof v === 'string' ? v : wrongType(at, 'a string', v);
}

/** A text block list (system, tool_result content) as one string. */
function textOfBlocks(blocks: unknown[], at: string): string {
  const texts: string[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (!isObject(b)) wrongType(`${at}.${i}`, 'a content block object', b);
    if ((b as Json).type === 'text') texts.push(str((b as Json).text, `${at}.${i}.text`));
  }
  return texts.join('\n');
}

function systemText(system: unknown): string | undefined {
  if (system === undefined || system === null) return undefined;
  if (typeof system === 'string') return system || undefined;
  if (!Array.isArray(system)) return wrongType('system', 'a string or an array of text blocks', system);
  return textOfBlocks(system, 'system') || undefined;
}

function imagePart(b: Json, at: string): ChatCompletionContentPart | undefined {
  const source = b.source;
  if (!isObject(source)) return wrongType(`${at}.source`, 'an object', source);
  if (source.type === 'base64')
    return {
      type: 'image_url',
      image_url: { url: `data:${str(source.media_type, `${at}.source.media_type`)};base64,${str(source.data, `${at}.source.data`)}` },
    };
  if (source.type === 'url') return { type: 'image_url', image_url: { url: str(source.url, `${at}.source.url`) } };
  return undefined; // a file id: only Anthropic holds the file
}

/** A tool_result's content: a string, or blocks whose text is joined and whose images follow in a user message. */
function toolResult(b: Json, at: string, images: ChatCompletionContentPart[]): ChatCompletionMessageParam {
  const id = str(b.tool_use_id, `${at}.tool_use_id`);
  let text: string;
  if (b.content === undefined || b.content === null) text = '';
  else if (typeof b.content === 'string') text = b.content;
  else if (Array.isArray(b.content)) {
    text = textOfBlocks(b.content, `${at}.content`);
    b.content.forEach((c, i) => {
      if (isObject(c) && c.type === 'image') {
        const img = imagePart(c, `${at}.content.${i}`);
        if (img) images.push(img);
      }
    });
  } else return wrongType(`${at}.content`, 'a string or an array of content blocks', b.content);
  // Chat Completions has no error flag on a tool message: the model reads it in the text.
  return { role: 'tool', tool_call_id: id, content: b.is_error === true ? `Error: ${text}` : text };
}

const joinText = (parts: ChatCompletionContentPart[]): string => parts.map((p) => (p.type === 'text' ? p.text : '')).join('\n');

/** One Anthropic user message → its tool results (each a `tool` message, first, as OpenAI requires) and a user message. */
function userMessages(content: unknown[], at: string, out: ChatCompletionMessageParam[]): void {
  const parts: ChatCompletionContentPart[] = [];
  const images: ChatCompletionContentPart[] = [];
  for (let i = 0; i < content.length; i++) {
    const b = content[i];
    const where = `${at}.content.${i}`;
    if (!isObject(b)) wrongType(where, 'a content block object', b);
    const block = b as Json;
    switch (block.type) {
      case 'text':
        parts.push({ type: 'text', text: str(block.text, `${where}.text`) });
        break;
      case 'image': {
        const img = imagePart(block, where);
        if (img) parts.push(img);
        break;
      }
      case 'tool_result':
        out.push(toolResult(block, where, images));
        break;
      case 'document':
        if (isObject(block.source) && block.source.type === 'text' && typeof block.source.data === 'string')
          parts.push({ type: 'text', text: block.source.data });
        break;
      default:
        if (typeof block.type !== 'string') wrongType(`${where}.type`, 'a string', block.type);
      // thinking, redacted_thinking, search results, anything new: nothing an upstream can take
    }
  }
  const all = [...parts, ...images];
  if (all.length === 0) return;
  // Text alone travels as a string: every OpenAI-compatible server takes that, not all take part arrays.
  out.push({ role: 'user', content: all.every((p) => p.type === 'text') ? joinText(all) : all });
}

function assistantMessage(content: unknown[], at: string): ChatCompletionAssistantMessageParam | undefined {
  const texts: string[] = [];
  const calls: ChatCompletionMessageToolCall[] = [];
  for (let i = 0; i < content.length; i++) {
    const b = content[i];
    const where = `${at}.content.${i}`;
    if (!isObject(b)) wrongType(where, 'a content block object', b);
    const block = b as Json;
    if (block.type === 'text') texts.push(str(block.text, `${where}.text`));
    else if (block.type === 'tool_use') {
      const input = block.input === undefined ? {} : block.input;
      calls.push({
        id: str(block.id, `${where}.id`),
        type: 'function',
        function: { name: str(block.name, `${where}.name`), arguments: JSON.stringify(input) },
      });
    } else if (typeof block.type !== 'string') wrongType(`${where}.type`, 'a string', block.type);
    // thinking and redacted_thinking stay out: signed for Anthropic's models only
  }
  const text = texts.join('');
  if (!text && calls.length === 0) return undefined;
  return { role: 'assistant', content: text || null, ...(calls.length ? { tool_calls: calls } : {}) };
}

function chatMessages(messages: unknown, system: string | undefined, requireOne: boolean): ChatCompletionMessageParam[] {
  if (!Array.isArray(messages)) return wrongType('messages', 'an array of messages', messages);
  if (requireOne && messages.length === 0) invalid('messages: at least one message is required.');
  const out: ChatCompletionMessageParam[] = system ? [{ role: 'system', content: system }] : [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const at = `messages.${i}`;
    if (!isObject(m)) wrongType(at, 'an object with "role" and "content"', m);
    const { role, content } = m as Json;
    if (role === 'system') {
      // Mid-conversation instructions (Claude Code sends them): a system message where they stand.
      const text =
        typeof content === 'string'
          ? content
          : Array.isArray(content)
            ? textOfBlocks(content, `${at}.content`)
            : wrongType(`${at}.content`, 'a string or an array of text blocks', content);
      if (text) out.push({ role: 'system', content: text });
      continue;
    }
    if (role !== 'user' && role !== 'assistant')
      invalid(`${at}.role: expected "user", "assistant" or "system", but got ${JSON.stringify(role)?.slice(0, 40)}.`);
    if (typeof content === 'string') {
      out.push(role === 'user' ? { role: 'user', content } : { role: 'assistant', content });
      continue;
    }
    if (!Array.isArray(content)) wrongType(`${at}.content`, 'a string or an array of content blocks', content);
    if (role === 'user') userMessages(content as unknown[], at, out);
    else {
      const a = assistantMessage(content as unknown[], at);
      if (a) out.push(a);
    }
  }
  return out;
}

/** Client tools become functions; Anthropic's server tools (web search, code execution) run nowhere upstream: noted, dropped. */
function chatTools(tools: unknown, notes: string[]): ChatCompletionTool[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) return wrongType('tools', 'an array of tools', tools);
  const out: ChatCompletionTool[] = [];
  const dropped: string[] = [];
  tools.forEach((t, i) => {
    if (!isObject(t)) wrongType(`tools.${i}`, 'a tool object', t);
    const tool = t as Json;
    const name = str(tool.name, `tools.${i}.name`);
    if (!isObject(tool.input_schema)) {
      dropped.push(logSafe(name, 80));
      return;
    }
    out.push({
      type: 'function',
      function: { name, ...(typeof tool.description === 'string' ? { description: tool.description } : {}), parameters: tool.input_schema },
    });
  });
  if (dropped.length) notes.push(`left out Anthropic server tools no upstream runs: ${dropped.join(', ')}`);
  return out.length ? out : undefined;
}

function chatToolChoice(choice: unknown): { tool_choice?: ChatCompletionToolChoiceOption; parallel_tool_calls?: boolean } {
  if (!isObject(choice)) return {};
  const parallel = choice.disable_parallel_tool_use === true ? { parallel_tool_calls: false } : {};
  switch (choice.type) {
    case 'auto':
      return { tool_choice: 'auto', ...parallel };
    case 'any':
      return { tool_choice: 'required', ...parallel };
    case 'none':
      return { tool_choice: 'none' };
    case 'tool':
      return { tool_choice: { type: 'function', function: { name: str(choice.name, 'tool_choice.name') } }, ...parallel };
    default:
      return {};
  }
}

function thinkingOf(thinking: unknown): AgentTraits['thinking'] {
  // `adaptive` leaves thinking to the model: the prompt decides the tier. Only `enabled` asks for it.
  if (!isObject(thinking) || thinking.type !== 'enabled') return undefined;
  return typeof thinking.budget_tokens === 'number' ? { budgetTokens: thinking.budget_tokens } : {};
}

const REMINDER_OPEN = '<system-reminder>';
const REMINDER_CLOSE = '</system-reminder>';

/**
 * The text without its `<system-reminder>…</system-reminder>` spans, each from an opener to the first closer after it.
 * One pass: an opener with no closer after it ends the search (no later opener has one either), so unclosed openers
 * cost nothing (a lazy regular expression rescanned the rest of the text from each of them).
 */
export function withoutReminders(text: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const open = text.indexOf(REMINDER_OPEN, from);
    if (open < 0) break;
    const close = text.indexOf(REMINDER_CLOSE, open + REMINDER_OPEN.length);
    if (close < 0) break;
    out += text.slice(from, open);
    from = close + REMINDER_CLOSE.length;
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * The user's own words of the task for smart-select: the latest user message with text of its own, without tool
 * results and without Claude Code's `<system-reminder>` insertions. Undefined when there is none.
 */
function taskOf(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m: unknown = messages[i];
    if (!isObject(m) || m.role !== 'user') continue;
    const texts =
      typeof m.content === 'string'
        ? [m.content]
        : Array.isArray(m.content)
          ? m.content.flatMap((b) => (isObject(b) && b.type === 'text' && typeof b.text === 'string' ? [b.text] : []))
          : [];
    const words = texts
      .map((t) => withoutReminders(t).trim())
      .filter(Boolean)
      .join('\n');
    if (words) return words;
  }
  return undefined;
}

function parseBody(text: string): Json {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return invalid('The request body is not valid JSON.');
  }
  // Far deeper input overflows JSON.stringify's stack (tool_use.input here, tool schemas upstream): the client's 400.
  const deep = tooDeeplyNested(text, body);
  if (deep) invalid(tooDeepMessage(nestedPath(deep, 'dots')));
  return isObject(body) ? body : invalid('The request body must be a JSON object.');
}

function modelOf(model: unknown): string {
  if (typeof model !== 'string' || !model.trim()) return invalid('model: a model name is required (e.g. "claude-sonnet-4-5", or "smart-select").');
  // The limit of every dialect of the gateway (and of the chat view's protocol).
  if (model.length > MAX_MODEL_ID_LENGTH) invalid(`model: a model name has at most ${MAX_MODEL_ID_LENGTH} characters, this one has ${model.length}.`);
  return model;
}

/** `POST /v1/messages`: the body → a ChatRequest, or a 400 in Anthropic's shape. */
export function parseMessagesRequest(text: string): MessagesRequest | AnthropicHttpError {
  try {
    const body = parseBody(text);
    const model = modelOf(body.model);
    const notes: string[] = [];
    const messages = chatMessages(body.messages, systemText(body.system), true);
    const tools = chatTools(body.tools, notes);
    const request: ChatRequest = { model, messages };
    if (tools) Object.assign(request, { tools }, chatToolChoice(body.tool_choice));
    if (typeof body.max_tokens === 'number' && body.max_tokens > 0 && body.max_tokens <= MAX_FORWARDED_MAX_TOKENS) request.max_tokens = body.max_tokens;
    if (typeof body.temperature === 'number') request.temperature = body.temperature;
    if (typeof body.top_p === 'number') request.top_p = body.top_p;
    if (Array.isArray(body.stop_sequences)) {
      const stops = body.stop_sequences.filter((s): s is string => typeof s === 'string' && s !== '').slice(0, MAX_STOP_SEQUENCES);
      if (stops.length) request.stop = stops;
    }
    // metadata.user_id stays here: Claude Code puts its account and session ids in it, and OpenAI's `user` would hand
    // them to every upstream. Not a hash either: a stable hash still lets upstreams link one person's requests.
    const thinking = thinkingOf(body.thinking);
    const task = taskOf(body.messages);
    return {
      request,
      stream: body.stream === true,
      agent: { dialect: 'anthropic', ...(thinking ? { thinking } : {}), ...(task !== undefined ? { task } : {}) },
      notes,
    };
  } catch (e) {
    if (e instanceof Invalid) return anthropicError(400, e.message);
    throw e;
  }
}

/** `POST /v1/messages/count_tokens`: the same body (no max_tokens needed) → the messages and tools to count. */
export function parseCountTokensRequest(text: string): Pick<ChatRequest, 'messages' | 'tools'> | AnthropicHttpError {
  try {
    const body = parseBody(text);
    modelOf(body.model);
    const messages = chatMessages(body.messages, systemText(body.system), false);
    const tools = chatTools(body.tools, []);
    return { messages, ...(tools ? { tools } : {}) };
  } catch (e) {
    if (e instanceof Invalid) return anthropicError(400, e.message);
    throw e;
  }
}
