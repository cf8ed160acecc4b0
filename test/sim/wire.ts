// OpenAI wire shapes: SSE chunk frames, the non-stream completion, the error body.
// Chunk frames are assembled from a per-reply prefix so a stream costs one small JSON.stringify per word.
import type { Content, ErrorPlan } from './modes';

export interface ReplyIdentity {
  id: string;
  /** Unix seconds. */
  created: number;
  /** The requested model string, echoed back exactly. */
  model: string;
}

export interface UsageFigures {
  promptTokens: number;
  completionTokens: number;
}

export const DONE_FRAME = 'data: [DONE]\n\n';

function usageJson(u: UsageFigures): string {
  return `{"prompt_tokens":${u.promptTokens},"completion_tokens":${u.completionTokens},"total_tokens":${u.promptTokens + u.completionTokens}}`;
}

export function finishReasonOf(content: Content): 'stop' | 'tool_calls' {
  return content.type === 'tool' ? 'tool_calls' : 'stop';
}

/** One delta object (as JSON) per streamed chunk: one word each, or a tool-call header then argument pieces. */
export function contentDeltas(content: Content): string[] {
  if (content.type === 'text') {
    if (content.pieces.length === 0) return ['{"role":"assistant","content":""}'];
    return content.pieces.map((piece, i) => (i === 0 ? `{"role":"assistant","content":${JSON.stringify(piece)}}` : `{"content":${JSON.stringify(piece)}}`));
  }
  const header =
    `{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":${JSON.stringify(content.callId)},` +
    `"type":"function","function":{"name":${JSON.stringify(content.name)},"arguments":""}}]}`;
  return [header, ...content.argPieces.map((p) => `{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(p)}}}]}`)];
}

export class StreamFrames {
  private readonly head: string;
  private readonly choicePrefix: string;
  private readonly usageTail: string;

  constructor(identity: ReplyIdentity, includeUsage: boolean) {
    this.head = `data: {"id":${JSON.stringify(identity.id)},"object":"chat.completion.chunk","created":${identity.created},"model":${JSON.stringify(identity.model)}`;
    this.choicePrefix = `${this.head},"choices":[{"index":0,"delta":`;
    // Like OpenAI: with include_usage every chunk carries `usage: null` until the final usage chunk.
    this.usageTail = includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  }

  delta(deltaJson: string): string {
    return `${this.choicePrefix}${deltaJson},"logprobs":null,"finish_reason":null}]${this.usageTail}`;
  }

  finish(reason: string): string {
    return `${this.choicePrefix}{},"logprobs":null,"finish_reason":"${reason}"}]${this.usageTail}`;
  }

  usage(u: UsageFigures): string {
    return `${this.head},"choices":[],"usage":${usageJson(u)}}\n\n`;
  }

  /** A frame whose data is not valid JSON (cut off mid-object). */
  malformed(): string {
    return `${this.choicePrefix}{"content":"\n\n`;
  }
}

export function completionBody(identity: ReplyIdentity, content: Content, usage: UsageFigures): string {
  const message =
    content.type === 'text'
      ? { role: 'assistant', content: content.pieces.join(''), refusal: null }
      : {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [{ id: content.callId, type: 'function', function: { name: content.name, arguments: content.argPieces.join('') } }],
        };
  return JSON.stringify({
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasonOf(content) }],
    usage: { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.promptTokens + usage.completionTokens },
  });
}

export function errorBody(plan: ErrorPlan): string {
  return JSON.stringify({ error: { message: plan.message, type: plan.type, param: plan.param ?? null, code: plan.code } });
}
