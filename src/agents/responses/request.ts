// A `POST /v1/responses` body as the router's chat request. Stateless: a request that needs a stored response
// (`previous_response_id`, `conversation`, `store: true`) is refused with what to send instead. Function tools
// become chat tools; hosted tools (web_search, file_search, namespaces, …) cannot run without OpenAI's servers and
// are dropped, each with a note for the routing log. Fields the translation does not use (`include`,
// `prompt_cache_key`, `text`, `client_metadata`, `store: false`, future ones) are ignored.
import type { ChatCompletionFunctionTool, ChatCompletionToolChoiceOption } from 'openai/resources/chat/completions';
import type { ChatRequest } from '../../core/base/types';
import { logSafe } from '../untrusted';
import { inputMessages } from './input';
import { isObject, problem, typeName, type RequestProblem } from './problem';
import type { EchoedRequest } from './wire';
import { MAX_MODEL_ID_LENGTH } from '../../protocol';

export interface ResponsesRequest {
  /** The model as the client named it (the caller maps it, e.g. with `switchboard.agents.models`). */
  model: string;
  chat: ChatRequest;
  stream: boolean;
  /** For the routing log: what was dropped and why. */
  notes: string[];
  /** What the response echoes back. */
  echo: EchoedRequest;
}

const STATELESS = 'The local gateway keeps no responses: send the whole conversation in "input" each time (with "store": false), as Codex does.';

function statefulProblem(body: Record<string, unknown>): RequestProblem | undefined {
  if (body.previous_response_id !== undefined && body.previous_response_id !== null)
    return problem(`"previous_response_id" is not supported. ${STATELESS}`, 'previous_response_id', 'unsupported_parameter');
  if (body.conversation !== undefined && body.conversation !== null)
    return problem(`"conversation" is not supported. ${STATELESS}`, 'conversation', 'unsupported_parameter');
  if (body.store === true) return problem(`"store": true is not supported. ${STATELESS}`, 'store', 'unsupported_parameter');
  if (body.background === true)
    return problem(
      `"background": true is not supported (it needs a stored response). Stream the answer instead ("stream": true).`,
      'background',
      'unsupported_parameter',
    );
  return undefined;
}

interface Tools {
  tools: ChatCompletionFunctionTool[];
  notes: string[];
}

function functionTools(raw: unknown): Tools | RequestProblem {
  if (raw === undefined || raw === null) return { tools: [], notes: [] };
  if (!Array.isArray(raw)) return problem(`Invalid type for 'tools': expected an array, but got ${typeName(raw)}.`, 'tools', 'invalid_type');
  const tools: ChatCompletionFunctionTool[] = [];
  const dropped: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const t: unknown = raw[i];
    if (!isObject(t)) return problem(`Invalid type for 'tools[${i}]': expected a tool object, but got ${typeName(t)}.`, `tools[${i}]`, 'invalid_type');
    if (t.type !== 'function') {
      const label = typeof t.name === 'string' ? `${String(t.type)} "${t.name}"` : String(t.type);
      dropped.push(logSafe(label, 80));
      continue;
    }
    if (typeof t.name !== 'string' || !t.name)
      return problem(`'tools[${i}].name' is required for a function tool.`, `tools[${i}].name`, 'missing_required_parameter');
    const parameters = isObject(t.parameters) ? t.parameters : { type: 'object', properties: {} };
    tools.push({
      type: 'function',
      function: {
        name: t.name,
        ...(typeof t.description === 'string' ? { description: t.description } : {}),
        parameters,
        ...(typeof t.strict === 'boolean' ? { strict: t.strict } : {}),
      },
    });
  }
  const notes = dropped.length
    ? [
        `Responses: tools other than functions (hosted tools, namespaces) need OpenAI's servers and were dropped: ${dropped.join(', ')}. ` +
          'The model sees only the function tools.',
      ]
    : [];
  return { tools, notes };
}

function toolChoice(raw: unknown, tools: ChatCompletionFunctionTool[], notes: string[]): ChatCompletionToolChoiceOption | undefined {
  if (raw === undefined || raw === null || tools.length === 0) return undefined;
  if (raw === 'auto' || raw === 'none' || raw === 'required') return raw;
  if (isObject(raw) && raw.type === 'function' && typeof raw.name === 'string') {
    if (tools.some((t) => t.function.name === raw.name)) return { type: 'function', function: { name: raw.name } };
  }
  notes.push(`Responses: tool_choice ${JSON.stringify(raw).slice(0, 80)} names no function tool of this request; "auto" was sent.`);
  return 'auto';
}

const numberOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Checks and translates a parsed JSON body; a problem is answered as a 400. */
export function fromResponsesBody(body: unknown): ResponsesRequest | RequestProblem {
  if (!isObject(body)) return problem('The request body must be a JSON object.', null, 'invalid_body');
  const stateful = statefulProblem(body);
  if (stateful) return stateful;
  const model = body.model;
  if (typeof model !== 'string' || !model.trim())
    return problem('"model" is required: "smart-select" or a model id from GET /v1/models.', 'model', 'missing_required_parameter');
  if (model.length > MAX_MODEL_ID_LENGTH)
    return problem(
      `Invalid 'model': a model id has at most ${MAX_MODEL_ID_LENGTH} characters, this one has ${model.length}.`,
      'model',
      'string_above_max_length',
    );
  if (body.instructions !== undefined && body.instructions !== null && typeof body.instructions !== 'string')
    return problem(`Invalid type for 'instructions': expected a string, but got ${typeName(body.instructions)}.`, 'instructions', 'invalid_type');
  const input = inputMessages(body.input);
  if (!Array.isArray(input)) return input;
  const found = functionTools(body.tools);
  if ('message' in found) return found;
  const { tools, notes } = found;

  const instructions = typeof body.instructions === 'string' ? body.instructions : null;
  const messages = instructions ? [{ role: 'system' as const, content: instructions }, ...input] : input;
  const choice = toolChoice(body.tool_choice, tools, notes);
  const reasoning = isObject(body.reasoning) ? body.reasoning : {};
  const effort = typeof reasoning.effort === 'string' ? reasoning.effort : null;
  const maxOutput = numberOrNull(body.max_output_tokens);
  const temperature = numberOrNull(body.temperature);
  const topP = numberOrNull(body.top_p);
  const parallel = typeof body.parallel_tool_calls === 'boolean' ? body.parallel_tool_calls : undefined;

  const chat: ChatRequest = {
    model,
    messages,
    ...(tools.length ? { tools } : {}),
    ...(choice ? { tool_choice: choice } : {}),
    // Chat Completions refuses parallel_tool_calls without tools.
    ...(tools.length && parallel !== undefined ? { parallel_tool_calls: parallel } : {}),
    ...(effort && effort !== 'none' ? { reasoning_effort: effort as ChatRequest['reasoning_effort'] } : {}),
    ...(maxOutput !== null ? { max_tokens: maxOutput } : {}),
    ...(temperature !== null ? { temperature } : {}),
    ...(topP !== null ? { top_p: topP } : {}),
  };
  const echo: EchoedRequest = {
    instructions,
    max_output_tokens: maxOutput,
    parallel_tool_calls: parallel ?? true,
    temperature,
    top_p: topP,
    tool_choice: body.tool_choice ?? 'auto',
    tools: Array.isArray(body.tools) ? body.tools : [],
    reasoning: { effort, summary: typeof reasoning.summary === 'string' ? reasoning.summary : null },
    metadata: isObject(body.metadata) ? (body.metadata as Record<string, string>) : {},
  };
  return { model, chat, stream: body.stream === true, notes, echo };
}
