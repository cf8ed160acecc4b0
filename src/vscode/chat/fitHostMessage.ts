// Fits every message the chat host sends to the webview within the protocol's limits (LIMITS in src/protocol.ts),
// so the webview never refuses one: a long label or model id is shortened with an ellipsis, a long text says how
// much is not shown, more than LIMITS.chips attachments end in one "+N more" chip, an answer's text too long for one
// `delta` goes as several. No vscode import: ChatController passes each message through it, tests call it directly.
import { LIMITS, type AnswerError, type Badge, type ContextChip, type HostMessage, type Meter, type ModelOption, type Turn } from '../../protocol';

/** The id of the chip standing for the attachments beyond the first LIMITS.chips − 1; removing it removes them. */
export const MORE_CHIP_ID = 'more-attachments';

/** `s` cut at `at` without splitting a surrogate pair. */
function cutAt(s: string, at: number): string {
  const code = s.charCodeAt(at - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? at - 1 : at);
}

/** A label of at most `max` characters: its start and end (a path's file name) around an ellipsis. */
export function shortLabel(s: string, max: number): string {
  if (s.length <= max) return s;
  const tail = Math.floor((max - 1) / 2);
  const head = cutAt(s, max - 1 - tail);
  let end = s.slice(s.length - tail);
  if (/[\udc00-\udfff]/.test(end.charAt(0))) end = end.slice(1);
  return `${head}…${end}`;
}

/** A text of at most `max` characters: its start, then how much is not shown. */
export function shortText(s: string, max: number): string {
  if (s.length <= max) return s;
  const note = (hidden: number) => `\n\n… (${hidden.toLocaleString('en-US')} more characters not shown)`;
  const keep = max - note(s.length).length;
  const head = cutAt(s, keep);
  return head + note(s.length - head.length);
}

/** A model id the protocol accepts: trimmed, never empty, shortened with an ellipsis when too long. */
function modelId(id: string): string {
  const trimmed = id.trim();
  return trimmed ? shortLabel(trimmed, LIMITS.modelId) : '(no model)';
}

/** A model id that can be acted on (chosen, continued with) as it is, or undefined: never a shortened one. */
function exactModelId(id: string | undefined): string | undefined {
  const trimmed = id?.trim();
  return trimmed && trimmed.length <= LIMITS.modelId ? trimmed : undefined;
}

const count = (n: number): number => (Number.isFinite(n) && n > 0 ? Math.min(Math.round(n), Number.MAX_SAFE_INTEGER) : 0);
const money = (n: number): number => (Number.isFinite(n) && n > 0 ? n : 0);

function fitChip(c: ContextChip): ContextChip {
  return { ...c, label: shortLabel(c.label, LIMITS.chipLabel), tokens: count(c.tokens) };
}

/** At most LIMITS.chips chips: the first ones as they are, the rest as one "+N more" chip naming them. */
export function fitChips(chips: readonly ContextChip[]): ContextChip[] {
  const fitted = chips.map(fitChip);
  if (fitted.length <= LIMITS.chips) return fitted;
  const shown = fitted.slice(0, LIMITS.chips - 1);
  const rest = fitted.slice(LIMITS.chips - 1);
  const more: ContextChip = {
    id: MORE_CHIP_ID,
    kind: rest[0].kind,
    label: shortLabel(`+${rest.length} more: ${rest.map((c) => c.label).join(', ')}`, LIMITS.chipLabel),
    tokens: count(rest.reduce((sum, c) => sum + c.tokens, 0)),
  };
  return [...shown, more];
}

function fitBadge(b: Badge): Badge {
  return {
    ...b,
    model: modelId(b.model),
    requested: modelId(b.requested),
    promptTokens: count(b.promptTokens),
    completionTokens: count(b.completionTokens),
    costUsd: money(b.costUsd),
    ...(b.fallbackNote !== undefined ? { fallbackNote: shortLabel(b.fallbackNote, LIMITS.fallbackNote) } : {}),
    ...(b.selection !== undefined ? { selection: shortLabel(b.selection, LIMITS.selection) } : {}),
    ...(b.selectionReason !== undefined ? { selectionReason: shortLabel(b.selectionReason, LIMITS.selectionReason) } : {}),
  };
}

function fitError(e: AnswerError): AnswerError {
  const { continueWith, ...rest } = e;
  const model = exactModelId(continueWith);
  return { ...rest, message: shortText(e.message, LIMITS.errorMessage), ...(model ? { continueWith: model } : {}) };
}

function fitMeter(m: Meter): Meter {
  return { ...m, model: modelId(m.model), promptTokens: count(m.promptTokens), window: count(m.window), costUsd: money(m.costUsd) };
}

/** A turn as the protocol (and the stored history, which is read back with it) accepts it. */
export function fitTurn(t: Turn): Turn {
  return {
    ...t,
    prompt: shortText(t.prompt, LIMITS.text),
    ...(t.title !== undefined ? { title: shortLabel(t.title, LIMITS.title) } : {}),
    model: modelId(t.model),
    ...(t.context ? { context: fitChips(t.context) } : {}),
    ...(t.reasoning !== undefined ? { reasoning: shortText(t.reasoning, LIMITS.text) } : {}),
    text: shortText(t.text, LIMITS.text),
    ...(t.badge ? { badge: fitBadge(t.badge) } : {}),
    ...(t.error ? { error: fitError(t.error) } : {}),
  };
}

/** Model options the user can pick as they are: an id too long to send back is left out, never shortened. */
function fitModels(models: readonly ModelOption[]): ModelOption[] {
  const out: ModelOption[] = [];
  for (const m of models) {
    const id = exactModelId(m.id);
    if (!id) continue;
    out.push({
      ...m,
      id,
      provider: shortLabel(m.provider, LIMITS.provider),
      ...(m.label !== undefined ? { label: shortLabel(m.label, LIMITS.modelLabel) } : {}),
      ...(m.detail !== undefined ? { detail: shortLabel(m.detail, LIMITS.modelLabel) } : {}),
    });
    if (out.length === LIMITS.models) break;
  }
  return out;
}

/** Pieces of at most LIMITS.text characters, never splitting a surrogate pair. */
function pieces(text: string): string[] {
  if (text.length <= LIMITS.text) return [text];
  const out: string[] = [];
  for (let rest = text; rest;) {
    const piece = rest.length <= LIMITS.text ? rest : cutAt(rest, LIMITS.text);
    out.push(piece);
    rest = rest.slice(piece.length);
  }
  return out;
}

/** The message(s) to send for `msg`: the same content within the protocol's limits (a long delta becomes several). */
export function fitHostMessage(msg: HostMessage): HostMessage[] {
  switch (msg.type) {
    case 'state':
      return [{ ...msg, turns: msg.turns.slice(-LIMITS.turns).map(fitTurn), models: fitModels(msg.models), currentModel: modelId(msg.currentModel) }];
    case 'models':
      return [{ ...msg, models: fitModels(msg.models), currentModel: modelId(msg.currentModel) }];
    case 'start':
      return [
        {
          ...msg,
          prompt: shortText(msg.prompt, LIMITS.text),
          ...(msg.title !== undefined ? { title: shortLabel(msg.title, LIMITS.title) } : {}),
          model: modelId(msg.model),
          ...(msg.context ? { context: fitChips(msg.context) } : {}),
        },
      ];
    case 'context':
      return [{ ...msg, chips: fitChips(msg.chips), ...(msg.meter ? { meter: fitMeter(msg.meter) } : {}) }];
    case 'delta':
    case 'reasoning':
      return pieces(msg.text).map((text) => ({ ...msg, text }));
    case 'done':
      return [{ ...msg, badge: fitBadge(msg.badge) }];
    case 'error':
      return [{ ...msg, error: fitError(msg.error) }];
    case 'stopped':
      return [msg];
    case 'keyState':
      // The gateway's base URL, shown in the no-key notice (the protocol allows 2000 characters).
      return [{ ...msg, gateway: shortLabel(msg.gateway, 2000) }];
  }
}
