// The one consumer of a route. Every surface (chat view, @switchboard, VS Code's LM API, the local gateway, the CLI)
// hands its request here with an AbortSignal and callbacks for what it shows as it arrives, and gets back one
// result with the text, the decision, every attempt and exactly one outcome — then only presents it.
import { CancelledError, MalformedResponseError, hasErrorCode, type StreamBrokenError } from '../base/errors';
import type { AttemptEvent, ChatRequest, ChatRouter, ClientId, DecisionEvent, DoneEvent, RouteOptions, RouteYield } from '../base/types';

export type RouteChunk = Extract<RouteYield, { type: 'chunk' }>;

/**
 * done: answered in full · stopped: the caller cancelled · broken: failed after tokens (text is partial) · failed.
 * `servedModel` is the model the upstream says answered (its chunks' `model`), else the candidate that was asked.
 */
export type RouteResult = RouteBase &
  (
    | { outcome: 'done'; done: DoneEvent; servedModel: string; costUsd: number }
    | { outcome: 'stopped' }
    | { outcome: 'broken'; error: StreamBrokenError; servedModel: string }
    | { outcome: 'failed'; error: unknown }
  );

interface RouteBase {
  /** Every text delta received, in order (for `broken`, the router's partial text when it knows more). */
  text: string;
  decision: DecisionEvent | undefined;
  attempts: AttemptEvent[];
}

export interface ConsumeOptions {
  signal?: AbortSignal;
  requestId?: string;
  /** Ask the upstream without streaming (chunks still arrive, all at the end). */
  nonStreaming?: boolean;
  /** Who asks (named in the ledger). */
  client?: ClientId;
  /** Notes for the routing log's decision. */
  notes?: readonly string[];
  /** Set for an agent's request (see RouteOptions.agent). */
  agent?: RouteOptions['agent'];
  onDecision?(decision: DecisionEvent): void;
  /**
   * The winning attempt ended `ok`: every chunk has been handed to `onChunk`. Called before the router records the
   * request in the ledger and yields `done`, so an answer can leave without waiting for that bookkeeping.
   */
  onAnswered?(attempt: AttemptEvent): void;
  /** May return a promise (e.g. a socket's back-pressure); the next chunk waits for it. */
  onChunk?(chunk: RouteChunk): void | Promise<void>;
}

/** Runs `req` through `router` to its end; never throws (a failure is the `failed` outcome). */
export async function consumeRoute(router: Pick<ChatRouter, 'route'>, req: ChatRequest, opts: ConsumeOptions = {}): Promise<RouteResult> {
  const { signal } = opts;
  const base: RouteBase = { text: '', decision: undefined, attempts: [] };
  try {
    if (signal?.aborted) throw new CancelledError();
    const routeOpts: RouteOptions = {
      ...(signal ? { signal } : {}),
      ...(opts.requestId ? { requestId: opts.requestId } : {}),
      ...(opts.nonStreaming ? { nonStreaming: true } : {}),
      ...(opts.client ? { client: opts.client } : {}),
      ...(opts.notes?.length ? { notes: opts.notes } : {}),
      ...(opts.agent ? { agent: opts.agent } : {}),
    };
    for await (const y of router.route(req, routeOpts)) {
      if (signal?.aborted) throw new CancelledError();
      switch (y.type) {
        case 'chunk': {
          base.text += y.text;
          const wait = opts.onChunk?.(y);
          if (wait) await wait;
          break;
        }
        case 'decision':
          base.decision = y;
          opts.onDecision?.(y);
          break;
        case 'attempt':
          base.attempts.push(y);
          if (y.outcome === 'ok') opts.onAnswered?.(y);
          break;
        case 'done':
          return { ...base, outcome: 'done', done: y, servedModel: y.served, costUsd: y.costUsd };
      }
    }
    if (signal?.aborted) return { ...base, outcome: 'stopped' };
    const error = new MalformedResponseError(
      { endpoint: 'router', model: req.model },
      `${req.model}: the answer ended before it was complete. Retry, or pick another model.`,
    );
    return { ...base, outcome: 'failed', error };
  } catch (error) {
    if (signal?.aborted || hasErrorCode(error, 'cancelled')) return { ...base, outcome: 'stopped' };
    if (hasErrorCode(error, 'stream-broken')) {
      const partial = error.partialText;
      const text = partial.length > base.text.length && partial.startsWith(base.text) ? partial : base.text;
      return { ...base, text, outcome: 'broken', error, servedModel: error.model };
    }
    return { ...base, outcome: 'failed', error };
  }
}
