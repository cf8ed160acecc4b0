// The @switchboard chat participant's logic: answers through the router with the user's chosen model, and the
// /explain, /model and /usage commands. No runtime `vscode` import (the request, stream and token are passed in
// by participant.ts), so it is unit-tested with fakes.
import { consumeRoute } from '../../core/routing/consumeRoute';
import { isSwitchboardError } from '../../core/base/errors';
import { buildExplainPrompt, type ExplainInput } from '../../core/prompt/explainPrompt';
import { formatUsd } from '../../core/base/format';
import { resolveModel, SMART_SELECT } from '../../core/config/names';
import { TIERS, type ChatCompletionMessageParam } from '../../core/base/types';
import { fallbackText, selectionText } from '../chat/chatBadge';
import type { FeatureDeps } from '../featureDeps';
import { LM_VENDOR, PARTICIPANT_ID } from '../ids';
import { signalFromToken } from './cancellation';
import type { CancellationTokenLike } from './lmTypes';

/** Every footer part starts with this, so history rebuilding can leave footers out of the conversation. */
export const FOOTER_MARK = '\n\n---\n';

export interface ParticipantRequestLike {
  prompt: string;
  command?: string | undefined;
  /** The model chosen in VS Code's picker (ChatRequest.model, 1.95+): ours when its vendor is Switchboard's. */
  model?: { vendor: string; id: string } | undefined;
}

/** ChatRequestTurn (`prompt`) and ChatResponseTurn (`response` parts) as far as history needs them. */
export interface HistoryTurnLike {
  participant: string;
  prompt?: string;
  command?: string | undefined;
  response?: readonly unknown[];
  /** ChatResponseTurn.result: what our handler returned for that turn. */
  result?: ParticipantResult;
}

export interface ParticipantContextLike {
  history: readonly HistoryTurnLike[];
}

export interface ResponseStreamLike {
  markdown(value: string): void;
  progress(value: string): void;
}

export interface ParticipantResult {
  errorDetails?: { message: string };
  metadata?: { command?: string; model?: string; requested?: string; fallback?: string };
}

export interface ParticipantEnv extends Pick<FeatureDeps, 'core' | 'currentModel' | 'setModel' | 'log'> {
  /** The active editor's selection for /explain, without the size limit (filled in per model). */
  activeSelection(): Omit<ExplainInput, 'maxChars'> | undefined;
}

const HISTORY_TURNS = 20;

const TRAILING_FOOTER = /\n\n---\n\*[^\n]*\*\s*$/;

/**
 * Markdown text of a response turn's parts (ChatResponseMarkdownPart has `value: MarkdownString`), without our
 * footer (VS Code may have merged it into the preceding markdown part).
 */
function responseText(parts: readonly unknown[]): string {
  let out = '';
  for (const p of parts) {
    const v = (p as { value?: unknown } | null)?.value;
    const text = typeof v === 'string' ? v : typeof (v as { value?: unknown } | undefined)?.value === 'string' ? (v as { value: string }).value : undefined;
    if (text !== undefined) out += text;
  }
  return out.replace(TRAILING_FOOTER, '');
}

export function historyMessages(history: readonly HistoryTurnLike[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  for (const t of history.slice(-HISTORY_TURNS)) {
    if (t.participant !== PARTICIPANT_ID || (t.command && t.command !== 'explain')) continue;
    if (t.response) {
      const text = responseText(t.response);
      if (text) out.push({ role: 'assistant', content: text });
    } else if (t.prompt !== undefined) out.push({ role: 'user', content: t.prompt });
  }
  return out;
}

/** VS Code's convention: a participant answers with the model picked in the Chat view when it is one of ours, else the setting's. */
export function answeringModel(request: ParticipantRequestLike, setting: string): string {
  return request.model?.vendor === LM_VENDOR && request.model.id ? request.model.id : setting;
}

export class ParticipantHandler {
  constructor(private readonly env: ParticipantEnv) {}

  async handle(
    request: ParticipantRequestLike,
    context: ParticipantContextLike,
    stream: ResponseStreamLike,
    token: CancellationTokenLike,
  ): Promise<ParticipantResult> {
    const model = answeringModel(request, this.env.currentModel());
    switch (request.command) {
      case 'model':
        return this.model(request.prompt.trim(), stream);
      case 'usage':
        return this.usage(stream);
      case 'explain':
        return this.explain(context, stream, token, model);
      default:
        if (!request.prompt.trim()) {
          stream.markdown("Ask me anything, or use `/explain` (the editor selection), `/model` (show or switch the model) or `/usage` (today's spend).");
          return {};
        }
        this.noteReask(context.history, request.prompt, model);
        return this.answer([...historyMessages(context.history), { role: 'user', content: request.prompt }], stream, token, undefined, model);
    }
  }

  /** The prompt smart-select answered last, asked again after `/model <other>`: smart-select may learn from it. */
  private noteReask(history: readonly HistoryTurnLike[], prompt: string, model: string): void {
    if (model === 'smart-select') return;
    let i = history.length - 1;
    while (i >= 0 && !(history[i].participant === PARTICIPANT_ID && history[i].prompt !== undefined && !history[i].command)) i--;
    const asked = history[i];
    if (!asked?.prompt || asked.prompt.trim() !== prompt.trim() || history[i + 1]?.result?.metadata?.requested !== 'smart-select') return;
    const messages: ChatCompletionMessageParam[] = [...historyMessages(history.slice(0, i)), { role: 'user', content: asked.prompt }];
    void this.env
      .core()
      .then((core) => core.recordSelectCorrection({ messages }, model))
      .catch((err: unknown) => this.env.log(`[smart-select] could not record a correction: ${err instanceof Error ? err.message : String(err)}`));
  }

  private async model(arg: string, stream: ResponseStreamLike): Promise<ParticipantResult> {
    const current = this.env.currentModel();
    if (!arg) {
      const core = await this.env.core();
      const tiers = core.config().smartSelect.tiers;
      stream.markdown(
        `Current model: **${current}**\n\n` +
          (current === SMART_SELECT ? `smart-select tiers: ${TIERS.map((tier) => `${tier} → \`${tiers[tier]}\``).join(', ')}\n\n` : '') +
          'Switch with `/model <id>`, e.g. `/model smart-select` or `/model openai/gpt-4.1`.',
      );
      return { metadata: { command: 'model', model: current } };
    }
    const core = await this.env.core();
    const resolved = resolveModel(arg, core.config());
    const known = resolved.smartSelect || resolved.ids.every((id) => !!core.catalog.get(id));
    await this.env.setModel(arg);
    stream.markdown(
      `Model switched from **${current}** to **${arg}**.` +
        (known ? '' : `\n\n\`${arg}\` is not in the model catalog; requests will still try it, so check the id if they fail with 404.`),
    );
    return { metadata: { command: 'model', model: arg } };
  }

  private async usage(stream: ResponseStreamLike): Promise<ParticipantResult> {
    const core = await this.env.core();
    const b = core.budget();
    const today = core.ledger.summary({ now: Date.now(), days: 1 });
    const fallbacks = today.perModel.reduce((n, m) => n + m.answeredAsFallback, 0);
    const answers = today.totalRequests;
    const lines = [
      `**Today:** ${formatUsd(b.todaySpentUsd)} over ${answers} answer${answers === 1 ? '' : 's'}${fallbacks ? ` (${fallbacks} after a fallback)` : ''}.`,
    ];
    lines.push(
      b.limitUsd > 0
        ? `**This month:** ${formatUsd(b.monthSpentUsd)} of ${formatUsd(b.limitUsd)} (${Math.floor(b.fraction * 100)} %).`
        : `**This month:** ${formatUsd(b.monthSpentUsd)} (no budget set).`,
    );
    const used = today.perModel.filter((m) => m.requests > 0 || m.costUsd > 0);
    if (used.length) {
      // Chat is narrow: the short numeric columns come first and never wrap; the model id, last, takes what is left.
      lines.push('', '| cost | answers | tokens | model |', '| ---: | ---: | ---: | --- |');
      for (const m of used) lines.push(`| ${formatUsd(m.costUsd)} | ${m.requests} | ${compactCount(m.promptTokens + m.completionTokens)} | ${m.model} |`);
    }
    stream.markdown(lines.join('\n'));
    return { metadata: { command: 'usage' } };
  }

  private async explain(context: ParticipantContextLike, stream: ResponseStreamLike, token: CancellationTokenLike, model: string): Promise<ParticipantResult> {
    const selection = this.env.activeSelection();
    if (!selection || !selection.code.trim()) {
      stream.markdown('Select some code in an editor first, then ask `@switchboard /explain`.');
      return { metadata: { command: 'explain' } };
    }
    const core = await this.env.core();
    const prompt = buildExplainPrompt({ ...selection, maxChars: core.maxPromptChars(model) });
    if (prompt.trimmedChars) stream.markdown(`*The selection was trimmed by ${prompt.trimmedChars} characters to fit the model's context.*\n\n`);
    return this.answer([...historyMessages(context.history), { role: 'user', content: prompt.prompt }], stream, token, 'explain', model);
  }

  private async answer(
    messages: ChatCompletionMessageParam[],
    stream: ResponseStreamLike,
    token: CancellationTokenLike,
    command: string | undefined,
    model: string,
  ): Promise<ParticipantResult> {
    const core = await this.env.core();
    const cancel = signalFromToken(token);
    const r = await consumeRoute(
      core.router,
      { model, messages },
      {
        signal: cancel.signal,
        client: 'participant',
        onDecision: (d) => {
          const sel = selectionText(d);
          if (sel) stream.progress(sel);
        },
        onChunk: (c) => {
          if (c.text) stream.markdown(c.text);
        },
      },
    ).finally(() => cancel.dispose());
    switch (r.outcome) {
      case 'stopped':
        return { metadata: { command, requested: model } };
      case 'broken':
        stream.markdown(`${FOOTER_MARK}*The answer was interrupted: ${r.error.message}*`);
        return { metadata: { command, requested: model, model: r.servedModel } };
      case 'failed': {
        const message = isSwitchboardError(r.error)
          ? r.error.message
          : `Switchboard failed unexpectedly: ${r.error instanceof Error ? r.error.message : String(r.error)}`;
        this.env.log(`@switchboard: ${message}`);
        return { errorDetails: { message }, metadata: { command, requested: model } };
      }
      case 'done': {
        const fallback = fallbackText(r.done, r.attempts);
        // "asked smart-select · served anthropic/claude-sonnet-4", then which fallback was taken and why.
        const asked = r.servedModel !== model ? `asked ${model} · served ${r.servedModel}` : undefined;
        const footer = [asked, fallback ?? (asked ? undefined : `answered by ${r.servedModel}`), selectionText(r.decision)].filter(Boolean).join(' · ');
        stream.markdown(`${FOOTER_MARK}*${footer}*`);
        return { metadata: { command, requested: model, model: r.servedModel, ...(fallback ? { fallback } : {}) } };
      }
    }
  }
}

/** 950 → "950", 1 234 → "1.2k", 12 345 → "12k", 4 200 000 → "4.2M": a token count that fits a narrow column. */
export function compactCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 999_500) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0).replace(/\.0$/, '')}k`;
  return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
}
