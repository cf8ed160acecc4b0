// A chat request body as the local gateway accepts it. Anything the core relies on (model, messages and their
// contents) is checked here, so bad input is a 400 naming the field, in OpenAI's words, never a 500. Other fields
// pass through to the upstream untouched.
import { SMART_SELECT } from '../core/config/names';
import type { ChatRequest } from '../core/base/types';
import { MAX_MODEL_ID_LENGTH } from '../protocol';
import { isObject, nestedPath, tooDeeplyNested, tooDeepMessage, typeName } from '../agents/untrusted';
import { openAIError, type HttpError } from './openaiErrors';

export interface ParsedChat {
  request: ChatRequest;
  stream: boolean;
  includeUsage: boolean;
  /** Notes for the routing log (how switchboard.agents.models mapped the model). */
  notes?: string[];
}

const invalid = (message: string, code: string, param: string | null): HttpError => openAIError(400, message, 'invalid_request_error', code, param);

function wrongType(param: string, expected: string, got: unknown): HttpError {
  return invalid(`Invalid type for '${param}': expected ${expected}, but got ${typeName(got)}.`, 'invalid_type', param);
}

function modelProblem(model: unknown): HttpError | undefined {
  if (typeof model !== 'string' || !model.trim())
    return invalid(`"model" is required: "${SMART_SELECT}" or a model id from GET /v1/models.`, 'missing_model', 'model');
  if (model.length > MAX_MODEL_ID_LENGTH)
    return invalid(
      `Invalid 'model': a model id has at most ${MAX_MODEL_ID_LENGTH} characters, this one has ${model.length}.`,
      'string_above_max_length',
      'model',
    );
  return undefined;
}

function messageProblem(m: unknown, i: number): HttpError | undefined {
  const at = `messages[${i}]`;
  if (!isObject(m)) return wrongType(at, 'an object with "role" and "content"', m);
  if (typeof m.role !== 'string') return wrongType(`${at}.role`, 'a string', m.role);
  const content = m.content;
  // Absent or null content is legal (an assistant message carrying tool calls).
  if (content === undefined || content === null || typeof content === 'string') return undefined;
  if (!Array.isArray(content)) return wrongType(`${at}.content`, 'a string or an array of content parts', content);
  for (let j = 0; j < content.length; j++) {
    const part: unknown = content[j];
    if (!isObject(part)) return wrongType(`${at}.content[${j}]`, 'an object with a "type"', part);
    if (typeof part.type !== 'string') return wrongType(`${at}.content[${j}].type`, 'a string', part.type);
    if (part.type === 'text' && typeof part.text !== 'string') return wrongType(`${at}.content[${j}].text`, 'a string', part.text);
  }
  return undefined;
}

export function parseChat(text: string): ParsedChat | HttpError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return invalid('The request body is not valid JSON.', 'invalid_json', null);
  }
  if (!isObject(body)) return invalid('The request body must be a JSON object.', 'invalid_body', null);
  // Far deeper input (a tool schema, response_format) overflows JSON.stringify's stack on its way upstream.
  const deep = tooDeeplyNested(text, body);
  if (deep) return invalid(tooDeepMessage(nestedPath(deep, 'brackets')), 'nesting_too_deep', nestedPath(deep, 'brackets'));
  const { stream, ...rest } = body as Record<string, unknown> & { stream?: unknown; stream_options?: { include_usage?: unknown } | null };
  const badModel = modelProblem(rest.model);
  if (badModel) return badModel;
  if (!Array.isArray(rest.messages) || rest.messages.length === 0)
    return invalid('"messages" must be a non-empty array of chat messages.', 'invalid_messages', 'messages');
  for (let i = 0; i < rest.messages.length; i++) {
    const bad = messageProblem(rest.messages[i], i);
    if (bad) return bad;
  }
  const isStream = stream === true;
  // OpenAI refuses stream_options on a non-streamed request, and the upstream is asked without streaming then.
  if (!isStream) delete rest.stream_options;
  return { request: rest as unknown as ChatRequest, stream: isStream, includeUsage: isStream && rest.stream_options?.include_usage === true };
}
