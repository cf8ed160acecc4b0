// Runs one chat request through the router and posts protocol messages for it: start, deltas (coalesced so a
// fast stream does not flood the webview), then exactly one of done / stopped / error. No vscode import, so it is
// unit-tested with a fake router and a fake webview.
import type { AnswerError, AnswerState, Badge, ContextChip, HostMessage } from '../../protocol';
import { reasoningOf } from '../../core/base/chunks';
import { consumeRoute, type RouteResult } from '../../core/routing/consumeRoute';
import type { ChatRequest, ChatRouter, ClientId } from '../../core/base/types';
import { isSwitchboardError } from '../../core/base/errors';
import { badgeFor } from './chatBadge';
import { redact } from '../../core/base/redact';

export interface ChatSessionOptions {
  /** Built lazily by the caller; a failure to build it (e.g. no key) becomes this answer's error. */
  router(): Promise<ChatRouter>;
  /** The answer id the webview keys its DOM on. */
  id: string;
  request: ChatRequest;
  /** What the transcript shows for the question. */
  prompt: string;
  title?: string;
  /** What was attached to the question, shown with it. */
  context?: ContextChip[];
  /** Posts to the webview; may be a no-op while the view is hidden (the caller re-sends full state on show). */
  post(msg: HostMessage): void;
  /** Deltas arriving within this window are sent as one message; 0 sends every chunk. */
  flushMs?: number;
  /** Who asks, for the ledger. */
  client?: ClientId;
}

export interface TurnOutcome {
  state: Exclude<AnswerState, 'streaming'>;
  text: string;
  badge?: Badge;
  error?: AnswerError;
  /** What the model reasoned before answering, when it sent reasoning deltas. */
  reasoning?: string;
  /** The original error, for the caller to show (e.g. a missing key → offer "Set API Key"). */
  cause?: unknown;
}

export class ChatSession {
  private readonly abort = new AbortController();
  private received = '';
  private reasoning = '';
  private pending = '';
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly opts: ChatSessionOptions) {}

  get id(): string {
    return this.opts.id;
  }

  /** Everything received so far (also what was already posted or is about to be). */
  get text(): string {
    return this.received;
  }

  /** What the webview has been sent so far: a full `state` built from this plus the deltas still to come never
   * repeats or loses text. */
  get postedText(): string {
    return this.pending ? this.received.slice(0, this.received.length - this.pending.length) : this.received;
  }

  get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  /** Cancels the request: the router sees the aborted signal and throws CancelledError. */
  stop(): void {
    this.abort.abort();
  }

  async run(): Promise<TurnOutcome> {
    const { router, request, id, post } = this.opts;
    post({
      type: 'start',
      id,
      prompt: this.opts.prompt,
      title: this.opts.title,
      model: request.model,
      ...(this.opts.context ? { context: this.opts.context } : {}),
    });
    let outcome: TurnOutcome;
    try {
      const built = await router();
      const r = await consumeRoute(built, request, {
        signal: this.abort.signal,
        requestId: id,
        ...(this.opts.client ? { client: this.opts.client } : {}),
        onChunk: (c) => {
          const thinking = reasoningOf(c.chunk);
          if (thinking) this.think(thinking);
          this.append(c.text);
        },
      });
      outcome = this.present(r);
    } catch (err) {
      outcome = this.failed(err); // the router could not be built (no key, bad settings)
    }
    this.flush();
    if (this.reasoning) outcome.reasoning = this.reasoning;
    if (outcome.badge) post({ type: 'done', id, badge: outcome.badge });
    else if (outcome.error) post({ type: 'error', id, error: outcome.error });
    else post({ type: 'stopped', id });
    return outcome;
  }

  private present(r: RouteResult): TurnOutcome {
    switch (r.outcome) {
      case 'done':
        return { state: 'done', text: this.received, badge: badgeFor(r.done, r.attempts, r.decision) };
      case 'stopped':
        return { state: 'stopped', text: this.received };
      case 'broken':
        // The router's partial text is authoritative; it normally equals what we received.
        if (r.text.length > this.received.length) this.append(r.text.slice(this.received.length));
        return { state: 'error', text: this.received, cause: r.error, error: { message: r.error.message, partial: true, continueWith: r.error.continueWith } };
      case 'failed':
        return this.failed(r.error);
    }
  }

  private failed(err: unknown): TurnOutcome {
    if (this.abort.signal.aborted) return { state: 'stopped', text: this.received };
    // Core errors are key-free by construction; anything else is scrubbed of key-shaped text before the webview sees it.
    const message = isSwitchboardError(err)
      ? err.message
      : `Unexpected error: ${redact(err instanceof Error ? err.message : String(err), [])}. See "Switchboard: Show Routing Log".`;
    return { state: 'error', text: this.received, cause: err, error: { message, partial: this.received.length > 0 } };
  }

  /** Reasoning goes to the view on its own channel (a collapsed "Thinking" section), never into the answer. */
  private think(text: string): void {
    this.flush();
    this.reasoning += text;
    this.opts.post({ type: 'reasoning', id: this.opts.id, text });
  }

  private append(chunk: string): void {
    if (!chunk) return;
    this.received += chunk;
    this.pending += chunk;
    const flushMs = this.opts.flushMs ?? 16;
    if (flushMs <= 0) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), flushMs);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.opts.post({ type: 'delta', id: this.opts.id, text });
  }
}
