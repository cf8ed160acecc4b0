// The DOM of one question and its answer. Built with createElement/textContent; model output only enters through
// StreamingMarkdown (sanitised). The data-testid/data-state hooks are a contract with the e2e tests.
import type { AnswerError, AnswerState, Badge, Turn } from '../../src/protocol';
import { chipElement } from './contextBar';
import { el, iconButton } from './dom';
import { StreamingMarkdown } from './streamingMarkdown';
import { formatUsd } from '../../src/core/base/format';

export function badgeText(b: Badge): string {
  const tokens = `${b.promptTokens} → ${b.completionTokens} tokens${b.estimated ? ' (estimated)' : ''}`;
  // "asked smart-select · served anthropic/claude-sonnet-4" when what served is not what was asked for.
  const who = b.requested !== b.model ? `asked ${b.requested} · served ${b.model}` : b.model;
  const cost = `${formatUsd(b.costUsd)}${b.costSource === 'billed' ? ' billed' : b.costSource === 'estimated' ? ' (estimated)' : ''}`;
  return [who, tokens, cost].join(' · ');
}

/** Restored answers waiting to be rendered, by their root element; rendered when they come near the viewport. */
const deferred = new WeakMap<Element, () => void>();
const due: Element[] = [];
let nearViewport: IntersectionObserver | undefined;
/** Main-thread time one frame may spend rendering restored answers; the rest wait for the next frame. */
const RENDER_BUDGET_MS = 12;

function renderDue(): void {
  const start = performance.now();
  while (due.length && performance.now() - start < RENDER_BUDGET_MS) {
    const root = due.shift()!;
    deferred.get(root)?.();
    deferred.delete(root);
  }
  if (due.length) requestAnimationFrame(renderDue);
}

function renderWhenNear(root: Element, render: () => void): void {
  nearViewport ??= new IntersectionObserver(
    (entries) => {
      const idle = due.length === 0;
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        nearViewport?.unobserve(e.target);
        due.push(e.target);
      }
      if (idle && due.length) renderDue();
    },
    { rootMargin: '1200px 0px' },
  );
  deferred.set(root, render);
  nearViewport.observe(root);
}

export interface TurnViewOptions {
  /** A finished answer restored from history: show its text plainly and render the markdown only when it comes
   * near the viewport, so reopening a long chat costs what the visible turns cost. */
  deferRender?: boolean;
}

export class TurnView {
  readonly root: HTMLElement;
  private readonly answer: HTMLElement;
  private body!: HTMLElement;
  private markdown!: StreamingMarkdown;
  private readonly status: HTMLElement;
  private readonly footer: HTMLElement;
  private turn: Turn;
  private thinking: HTMLElement | undefined;
  /** "Waiting for <model>… N s" until the first token (or reasoning) arrives. */
  private waiting: { timer: ReturnType<typeof setInterval>; line: HTMLElement } | undefined;
  /** The answer's text while its markdown is not rendered yet (see `deferRender`). */
  private unrendered: { text: string; placeholder: HTMLElement } | undefined;

  /** Not called while the constructor renders: a restore of many turns must not force a layout per turn. */
  private onRender: (() => void) | undefined;

  constructor(turn: Turn, onRender: () => void, opts: TurnViewOptions = {}) {
    this.turn = { ...turn, text: '' };
    this.root = el('section', { className: 'turn' });
    this.root.dataset.id = turn.id;
    this.answer = el('article', { className: 'answer', testid: 'answer' });
    this.status = el('div', { className: 'answer-status' });
    this.footer = el('footer', { className: 'answer-footer' });
    this.root.append(this.userMessage(turn), this.answer);
    this.reset(turn);
    if (opts.deferRender && turn.state !== 'streaming' && turn.text) {
      const placeholder = el('div', { className: 'md-unrendered', text: turn.text });
      this.body.prepend(placeholder);
      this.unrendered = { text: turn.text, placeholder };
      renderWhenNear(this.root, () => this.renderDeferred());
    } else this.appendText(turn.text);
    if (turn.reasoning) this.appendReasoning(turn.reasoning);
    if (turn.state !== 'streaming') this.finish(turn.state, { badge: turn.badge, error: turn.error });
    this.onRender = onRender;
    this.markdown.onRender = onRender;
  }

  private renderDeferred(): void {
    if (!this.unrendered) return;
    const { text, placeholder } = this.unrendered;
    this.unrendered = undefined;
    placeholder.remove();
    this.markdown.append(text);
    this.markdown.render(true);
  }

  get id(): string {
    return this.turn.id;
  }

  get snapshot(): Turn {
    return { ...this.turn, text: this.unrendered?.text ?? this.markdown.text };
  }

  /** Starts (or, on Retry, restarts) the answer. */
  reset(turn: Pick<Turn, 'model'>): void {
    this.unrendered = undefined;
    this.turn = { ...this.turn, model: turn.model, state: 'streaming', badge: undefined, error: undefined, reasoning: undefined };
    this.thinking = undefined;
    this.body = el('div', { className: 'answer-body', testid: 'answer-body' });
    this.body.setAttribute('aria-live', 'polite');
    this.markdown = new StreamingMarkdown(this.body);
    this.markdown.onRender = this.onRender;
    this.status.replaceChildren();
    this.footer.replaceChildren();
    this.answer.replaceChildren(this.body, this.status, this.footer);
    this.setState('streaming');
    this.startWaiting();
  }

  private startWaiting(): void {
    this.stopWaiting();
    const started = Date.now();
    const line = el('div', { className: 'waiting', testid: 'waiting' });
    const model = this.turn.model;
    const tick = () => {
      line.textContent = `Waiting for ${model}… ${Math.floor((Date.now() - started) / 1000)} s`;
    };
    tick();
    this.status.append(line);
    this.answer.classList.add('is-waiting');
    this.waiting = { timer: setInterval(tick, 1000), line };
  }

  private stopWaiting(): void {
    if (!this.waiting) return;
    clearInterval(this.waiting.timer);
    this.waiting.line.remove();
    this.waiting = undefined;
    this.answer.classList.remove('is-waiting');
  }

  /** The model's reasoning, in a collapsed "Thinking" section above the answer: plain text, never in copied code. */
  appendReasoning(text: string): void {
    this.stopWaiting();
    if (!this.thinking) {
      const details = el('details', { className: 'thinking', testid: 'thinking' });
      details.append(el('summary', { text: 'Thinking' }));
      this.thinking = el('div', { className: 'thinking-body' });
      details.append(this.thinking);
      this.answer.prepend(details);
    }
    this.thinking.textContent += text;
    this.turn = { ...this.turn, reasoning: (this.turn.reasoning ?? '') + text };
  }

  appendText(text: string): void {
    if (text) this.stopWaiting();
    this.renderDeferred();
    this.markdown.append(text);
  }

  finish(state: Exclude<AnswerState, 'streaming'>, extra: { badge?: Badge; error?: AnswerError }): void {
    this.stopWaiting();
    this.markdown.render(true);
    this.turn = { ...this.turn, state, badge: extra.badge, error: extra.error };
    this.setState(state);
    this.status.replaceChildren();
    if (state === 'stopped') this.status.append(el('span', { className: 'note', text: 'Stopped.' }));
    if (extra.error) {
      const e = el('div', { className: 'error' });
      e.setAttribute('role', 'alert');
      if (extra.error.partial) e.append(el('strong', { text: 'Partial answer — the stream broke. ' }));
      e.append(el('span', { text: extra.error.message }));
      this.status.append(e);
    }
    this.footer.replaceChildren();
    if (extra.badge) this.footer.append(this.badge(extra.badge));
    this.footer.append(iconButton({ action: 'retry', icon: 'refresh', label: 'Retry this question', text: 'Retry', testid: 'retry' }));
    if (extra.error?.continueWith) {
      const label = `Continue with ${extra.error.continueWith}`;
      this.footer.append(iconButton({ action: 'continue', icon: 'debug-continue', label, text: label, testid: 'continue' }));
    }
  }

  private setState(state: AnswerState): void {
    this.answer.dataset.state = state;
    this.body.setAttribute('aria-busy', String(state === 'streaming'));
    this.answer.setAttribute('aria-label', `Answer (${this.turn.model}), ${state}`);
  }

  private userMessage(turn: Turn): HTMLElement {
    const u = el('div', { className: 'user-message', testid: 'user-message', text: turn.title ?? turn.prompt });
    if (turn.title) u.title = turn.prompt.length > 2000 ? `${turn.prompt.slice(0, 2000)}…` : turn.prompt;
    u.setAttribute('aria-label', `You asked: ${turn.title ?? turn.prompt.slice(0, 300)}`);
    if (turn.context?.length) {
      const attached = el('div', { className: 'turn-context', testid: 'turn-context' });
      attached.append(...turn.context.map((c) => chipElement(c, false)));
      u.append(attached);
    }
    return u;
  }

  private badge(b: Badge): HTMLElement {
    const badge = el('div', { className: 'badge', testid: 'badge' });
    badge.append(el('span', { className: 'badge-main', text: badgeText(b) }));
    if (b.fallbackNote) badge.append(el('span', { className: 'badge-fallback', text: b.fallbackNote }));
    if (b.selection) {
      const selection = el('span', { className: 'badge-selection', testid: 'badge-selection', text: b.selection });
      if (b.selectionReason) selection.title = `Why: ${b.selectionReason}`;
      badge.append(selection);
    }
    return badge;
  }
}
