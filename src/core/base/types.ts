// Shared shapes between core modules, the extension, the CLI and the local gateway.
// The OpenAI SDK's types are used for everything on the wire.
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';

import type { ClientId } from './clients';

export type { ChatCompletionChunk, ChatCompletionMessageParam };
export type { ClientId } from './clients';

/** Where an answer's cost comes from: the upstream's bill, the catalog's prices, or locally estimated tokens. */
export type CostSource = 'billed' | 'priced' | 'estimated';

/** What a caller asks for. Fields other than model/messages pass through to the upstream untouched. */
export type ChatRequest = Omit<ChatCompletionCreateParamsStreaming, 'stream' | 'model'> & {
  /** `smart-select`, an alias, `provider/model` or a bare id. */
  model: string;
};

/** Where a request goes: the gateway, or a direct provider with its own key. Never holds the key itself. */
export interface Endpoint {
  /** `gateway` or the provider name from `switchboard.providers`. */
  id: string;
  baseUrl: string;
  headers: Record<string, string>;
  /** Name of the secret that holds this endpoint's key (`switchboard.apiKey`, `switchboard.providerKey.<name>`). */
  secretName: string;
}

export interface ModelInfo {
  /** Canonical id, usually `provider/model`. */
  id: string;
  provider: string;
  name?: string;
  /** USD per token. */
  pricing: { input: number; output: number; cachedInput?: number; reasoning?: number };
  contextWindow: number;
  tags: readonly string[];
  supportsImages?: boolean;
  supportsTools?: boolean;
  /** Takes `reasoning_effort` (undefined: not known, so it is sent as asked). */
  supportsReasoning?: boolean;
  source: 'builtin' | 'gateway';
}

/** smart-select's tiers, cheapest first: the one list every tier table, schema and loop is built from. */
export const TIERS = ['fast', 'balanced', 'strong', 'reasoning'] as const;
export type Tier = (typeof TIERS)[number];

export interface SelectionDecision {
  tier: Tier;
  model: string;
  confidence: number;
  reasons: string[];
  /** Set when the budget moved the request down a tier. */
  downgradedFrom?: Tier;
}

export interface Candidate {
  model: string;
  endpoint: Endpoint;
  /** Why this candidate is in the chain. */
  role: 'primary' | 'fallback' | 'context-fallback' | 'hedge';
}

export type AttemptOutcome = 'ok' | 'error' | 'timeout' | 'skipped-breaker-open' | 'cancelled' | 'hedge-lost' | 'broken-after-tokens';

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** True when the upstream sent no usage and we counted with a tokenizer. */
  estimated: boolean;
}

/** One record per attempt; the log, the ledger and the UI all read these. */
export interface AttemptEvent {
  type: 'attempt';
  requestId: string;
  /** 0-based attempt index within the request. */
  index: number;
  model: string;
  endpoint: string;
  role: Candidate['role'];
  outcome: AttemptOutcome;
  status?: number;
  errorCode?: string;
  message?: string;
  msToFirstToken?: number;
  msTotal: number;
  usage?: Usage;
  costUsd?: number;
  /** On `ok`: where costUsd comes from (the upstream's bill, the catalog's prices, or estimated tokens). */
  costSource?: CostSource;
  /** On `ok`: the model the upstream says answered (its chunks' `model`), when it named one. */
  served?: string;
}

export interface DecisionEvent {
  type: 'decision';
  requestId: string;
  requested: string;
  selection?: SelectionDecision;
  candidates: { model: string; endpoint: string; role: Candidate['role'] }[];
  /** Human-readable notes: breaker skips, budget actions, fallbacks. */
  notes: string[];
}

export interface DoneEvent {
  type: 'done';
  requestId: string;
  at: number;
  requested: string;
  /** The candidate that answered (what Switchboard sent). */
  answeredBy: string;
  /** The model that served, as the upstream names it (a gateway that routes may answer with another); else answeredBy. */
  served: string;
  endpoint: string;
  attempts: number;
  fallback: boolean;
  usage: Usage;
  costUsd: number;
  costSource: CostSource;
  msToFirstToken: number;
  msTotal: number;
  selection?: SelectionDecision;
  /** Who asked (RouteOptions.client). */
  client?: ClientId;
}

export interface ErrorEvent {
  type: 'error';
  requestId: string;
  requested: string;
  client?: ClientId;
  code: string;
  message: string;
  partialText?: string;
}

export interface BreakerEvent {
  type: 'breaker';
  key: string;
  state: 'open' | 'half-open' | 'closed';
  until?: number;
}

export type RoutingEvent = AttemptEvent | DecisionEvent | DoneEvent | ErrorEvent | BreakerEvent;

/** What a route yields, in order: one decision, then chunks of the winning candidate, then done. Errors are thrown. */
export type RouteYield = DecisionEvent | { type: 'chunk'; chunk: ChatCompletionChunk; text: string; model: string } | AttemptEvent | DoneEvent;

export interface RouteOptions {
  signal?: AbortSignal;
  requestId?: string;
  /** Send `stream: false` upstream (for gateways that cannot stream); still yields chunks. */
  nonStreaming?: boolean;
  /** Who asked: named in the done/error events, so the ledger can show spend per client. */
  client?: ClientId;
  /** The caller's notes for the routing log's decision (e.g. what a dialect translation dropped). */
  notes?: readonly string[];
  /** Set for a request that came in an agent's dialect (Anthropic Messages, OpenAI Responses): smart-select reads it. */
  agent?: AgentTraits;
}

/** What an agent's request says about itself beyond its messages and tools. */
export interface AgentTraits {
  /** The dialect it came in: `anthropic`, `responses`. */
  dialect: string;
  /** The agent asks the model to think before answering (Anthropic `thinking: enabled`, a Responses reasoning effort). */
  thinking?: { budgetTokens?: number; effort?: string };
  /**
   * The user's own words of the task: the latest user turn that has any, without tool results or the agent's
   * injected reminders. smart-select classifies these rather than a tool's output. Undefined when none was found.
   */
  task?: string;
}

/** Looks up keys by secret name; the extension reads SecretStorage, the CLI reads the environment. */
export type KeyLookup = (secretName: string) => Promise<string | undefined>;

export interface BudgetStatus {
  monthSpentUsd: number;
  todaySpentUsd: number;
  /** 0 = no budget. */
  limitUsd: number;
  /** monthSpentUsd / limitUsd (0 when no budget). */
  fraction: number;
  /** What the configured `budget.onExceed` means right now: ok below 80 %, warn from 80 %, the action from 100 %. */
  action: 'ok' | 'warn' | 'downgrade' | 'block';
}

/** The one routing loop, as seen by callers (chat view, Ask Model, LM provider, participant, local gateway, CLI). */
export interface ChatRouter {
  route(req: ChatRequest, opts?: RouteOptions): AsyncIterable<RouteYield>;
  readonly onEvent: import('./lifecycle').Event<RoutingEvent>;
}
