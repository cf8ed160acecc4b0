// The OpenAI Responses API as the local gateway speaks it: the few shapes it sends back (a response, its output
// items, its stream events) written out here rather than taken from the SDK, whose `Response` type also holds
// client-side conveniences (`output_text`) and dozens of fields a stateless translation never fills.

export interface ResponseUsageWire {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export interface OutputTextPart {
  type: 'output_text';
  text: string;
  annotations: never[];
  logprobs: never[];
}

export interface MessageItem {
  type: 'message';
  id: string;
  role: 'assistant';
  status: 'in_progress' | 'completed' | 'incomplete';
  content: OutputTextPart[];
}

export interface FunctionCallItem {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: 'in_progress' | 'completed' | 'incomplete';
}

export interface SummaryTextPart {
  type: 'summary_text';
  text: string;
}

export interface ReasoningItem {
  type: 'reasoning';
  id: string;
  summary: SummaryTextPart[];
  /** Stateless: nothing to decrypt later, so always null (clients that `include` it get null). */
  encrypted_content: null;
}

export type OutputItem = MessageItem | FunctionCallItem | ReasoningItem;

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** The request fields a response echoes back, as OpenAI's own responses do. */
export interface EchoedRequest {
  instructions: string | null;
  max_output_tokens: number | null;
  parallel_tool_calls: boolean;
  temperature: number | null;
  top_p: number | null;
  tool_choice: unknown;
  tools: unknown[];
  reasoning: { effort: string | null; summary: string | null };
  metadata: Record<string, string>;
}

export interface ResponseWire extends EchoedRequest {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  model: string;
  output: OutputItem[];
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  previous_response_id: null;
  store: false;
  usage: ResponseUsageWire | null;
}

/** One server-sent event: its `type` is also the SSE `event:` name. */
export interface StreamEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}
