// A Responses `input` (a string, or a list of items) as Chat Completions messages. Messages keep their text and
// images; `function_call` items become an assistant message's tool calls (consecutive calls join one message, as
// parallel calls do) and `function_call_output` items tool messages; `reasoning` items stay out of the upstream
// (their encrypted content means nothing to another model). `developer` is sent as `system`, which every
// OpenAI-compatible upstream knows.
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { isObject, problem, typeName, type RequestProblem } from './problem';

type Item = Record<string, unknown>;

function stringField(item: Item, field: string, at: string): string | RequestProblem {
  const v = item[field];
  return typeof v === 'string' ? v : problem(`Invalid type for '${at}.${field}': expected a string, but got ${typeName(v)}.`, `${at}.${field}`, 'invalid_type');
}

/** Text and image parts of a message; `output_text` / `refusal` (an assistant's earlier answer) count as text. */
function contentParts(content: unknown, at: string): ChatCompletionContentPart[] | string | RequestProblem {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content))
    return problem(
      `Invalid type for '${at}.content': expected a string or an array of content parts, but got ${typeName(content)}.`,
      `${at}.content`,
      'invalid_type',
    );
  const parts: ChatCompletionContentPart[] = [];
  for (let j = 0; j < content.length; j++) {
    const part: unknown = content[j];
    const where = `${at}.content[${j}]`;
    if (!isObject(part)) return problem(`Invalid type for '${where}': expected an object with a "type", but got ${typeName(part)}.`, where, 'invalid_type');
    switch (part.type) {
      case 'input_text':
      case 'output_text': {
        const text = stringField(part, 'text', where);
        if (typeof text !== 'string') return text;
        parts.push({ type: 'text', text });
        break;
      }
      case 'refusal': {
        const text = stringField(part, 'refusal', where);
        if (typeof text !== 'string') return text;
        parts.push({ type: 'text', text });
        break;
      }
      case 'input_image': {
        if (typeof part.image_url !== 'string')
          return problem(
            `'${where}' needs an "image_url" (a URL or a data: URL); images by file_id need OpenAI's file storage, which the local gateway does not have.`,
            `${where}.image_url`,
            'invalid_value',
          );
        const detail = part.detail === 'low' || part.detail === 'high' || part.detail === 'auto' ? part.detail : undefined;
        parts.push({ type: 'image_url', image_url: { url: part.image_url, ...(detail ? { detail } : {}) } });
        break;
      }
      default:
        return problem(
          `'${where}' has type ${JSON.stringify(String(part.type)).slice(0, 60)}; ` +
            'the local gateway takes input_text, output_text, refusal and input_image parts.',
          `${where}.type`,
          'invalid_value',
        );
    }
  }
  return parts;
}

const onlyText = (parts: ChatCompletionContentPart[]): string | undefined =>
  parts.every((p) => p.type === 'text') ? parts.map((p) => (p.type === 'text' ? p.text : '')).join('') : undefined;

function messageFrom(item: Item, at: string): ChatCompletionMessageParam | RequestProblem {
  const parts = contentParts(item.content, at);
  if (!Array.isArray(parts) && typeof parts !== 'string') return parts;
  const text = typeof parts === 'string' ? parts : onlyText(parts);
  switch (item.role) {
    case 'user':
      return { role: 'user', content: parts };
    case 'system':
    case 'developer':
      if (text === undefined)
        return problem(`'${at}' is a ${item.role} message with an image; only user messages may carry images.`, `${at}.content`, 'invalid_value');
      return { role: 'system', content: text };
    case 'assistant':
      if (text === undefined)
        return problem(`'${at}' is an assistant message with an image; only user messages may carry images.`, `${at}.content`, 'invalid_value');
      return { role: 'assistant', content: text };
    default:
      return problem(
        `'${at}.role' must be "user", "assistant", "system" or "developer", got ${JSON.stringify(String(item.role)).slice(0, 40)}.`,
        `${at}.role`,
        'invalid_value',
      );
  }
}

/** The text of a function_call_output's `output`: a string, or its text parts joined. */
function outputText(output: unknown, at: string): string | RequestProblem {
  if (typeof output === 'string') return output;
  const parts = contentParts(output, at);
  if (typeof parts === 'string') return parts;
  if (!Array.isArray(parts)) return parts;
  return parts.map((p) => (p.type === 'text' ? p.text : '[image]')).join('\n');
}

/** The assistant message tool calls are added to: the last message when it is an assistant's, else a new one. */
function assistantFor(messages: ChatCompletionMessageParam[]): ChatCompletionAssistantMessageParam {
  const last = messages[messages.length - 1];
  if (last?.role === 'assistant') return last;
  const added: ChatCompletionAssistantMessageParam = { role: 'assistant', content: null };
  messages.push(added);
  return added;
}

export function inputMessages(input: unknown): ChatCompletionMessageParam[] | RequestProblem {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input))
    return problem(`Invalid type for 'input': expected a string or an array of input items, but got ${typeName(input)}.`, 'input', 'invalid_type');
  const messages: ChatCompletionMessageParam[] = [];
  for (let i = 0; i < input.length; i++) {
    const item: unknown = input[i];
    const at = `input[${i}]`;
    if (!isObject(item)) return problem(`Invalid type for '${at}': expected an input item object, but got ${typeName(item)}.`, at, 'invalid_type');
    // An item without a type but with a role is a message (the "easy" input form).
    const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
    switch (type) {
      case 'message': {
        const m = messageFrom(item, at);
        if ('message' in m) return m;
        messages.push(m);
        break;
      }
      case 'function_call': {
        const callId = stringField(item, 'call_id', at);
        if (typeof callId !== 'string') return callId;
        const name = stringField(item, 'name', at);
        if (typeof name !== 'string') return name;
        const args = stringField(item, 'arguments', at);
        if (typeof args !== 'string') return args;
        const call: ChatCompletionMessageFunctionToolCall = { id: callId, type: 'function', function: { name, arguments: args } };
        const assistant = assistantFor(messages);
        assistant.tool_calls = [...(assistant.tool_calls ?? []), call];
        break;
      }
      case 'function_call_output': {
        const callId = stringField(item, 'call_id', at);
        if (typeof callId !== 'string') return callId;
        const content = outputText(item.output, `${at}.output`);
        if (typeof content !== 'string') return content;
        messages.push({ role: 'tool', tool_call_id: callId, content });
        break;
      }
      case 'reasoning':
        break;
      case 'item_reference':
        return problem(`'${at}' refers to a stored item, but the local gateway keeps no items: send the item itself in "input".`, at, 'unsupported_value');
      default:
        return problem(
          `'${at}' has type ${JSON.stringify(String(type)).slice(0, 60)}; ` +
            'the local gateway takes message, function_call, function_call_output and reasoning items.',
          `${at}.type`,
          'invalid_value',
        );
    }
  }
  if (messages.length === 0) return problem(`"input" holds no message: send at least one.`, 'input', 'empty_input');
  return messages;
}
