// Reads an incoming chat-completion body (untrusted JSON) into the few facts the simulator acts on.

export interface SimMessage {
  role: string;
  /** The message's text: a string content, or its text parts joined by newlines. */
  text: string;
}

export interface SimRequest {
  /** The requested model string, exactly as sent (query included). */
  model: string;
  stream: boolean;
  includeUsage: boolean;
  messages: SimMessage[];
  /** Names of the request's function tools, in order. */
  toolNames: string[];
  /** OpenRouter's gateway-side fallback list (`models`), when the request has one. */
  models?: string[];
}

/** A request the simulator refuses with HTTP 400; the message names the field. */
export class SimInputError extends Error {
  constructor(
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) {
    if (isObject(part) && part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
  }
  return texts.join('\n');
}

function toolNamesOf(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  const names: string[] = [];
  for (const tool of tools) {
    if (isObject(tool) && isObject(tool.function) && typeof tool.function.name === 'string') names.push(tool.function.name);
  }
  return names;
}

export function parseChatRequest(raw: string): SimRequest {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new SimInputError('The request body is not valid JSON.');
  }
  if (!isObject(body)) throw new SimInputError('The request body must be a JSON object.');
  if (typeof body.model !== 'string' || body.model === '') throw new SimInputError('`model` must be a non-empty string.', 'model');
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw new SimInputError('`messages` must be a non-empty array.', 'messages');
  const messages: SimMessage[] = [];
  for (const m of body.messages) {
    if (!isObject(m) || typeof m.role !== 'string') throw new SimInputError('Every message needs a string `role`.', 'messages');
    messages.push({ role: m.role, text: textOf(m.content) });
  }
  const streamOptions = body.stream_options;
  return {
    model: body.model,
    stream: body.stream === true,
    includeUsage: isObject(streamOptions) && streamOptions.include_usage === true,
    messages,
    toolNames: toolNamesOf(body.tools),
    ...(Array.isArray(body.models) ? { models: body.models.filter((m): m is string => typeof m === 'string') } : {}),
  };
}
