// The one message protocol between the chat webview and the extension host, imported by both sides (the webview
// bundle too, so no node or vscode imports here). Every message crossing the boundary is parsed with these schemas;
// a malformed one is rejected with a short reason (never echoing its content) and logged, never acted on.
import * as z from 'zod/mini';

/** Longest model id accepted anywhere a caller names a model (webview messages, the local gateway). */
export const MAX_MODEL_ID_LENGTH = 300;

/** The protocol's size limits, in one place: the schemas check them and the host fits what it sends to them
 * (src/vscode/chat/fitHostMessage.ts), so a message the host sends is never one the webview refuses. */
export const LIMITS = {
  /** Prompts, answers, reasoning, deltas, copied code. */
  text: 2_000_000,
  id: 100,
  modelId: MAX_MODEL_ID_LENGTH,
  title: 500,
  chipLabel: 500,
  /** Chips per message (waiting attachments, or one question's). */
  chips: 50,
  fallbackNote: 2000,
  selection: 500,
  selectionReason: 1000,
  errorMessage: 20_000,
  provider: 200,
  modelLabel: 300,
  models: 5000,
  turns: 1000,
} as const;

// Schemas are built on first parse, not when the extension loads.
function build() {
  const MAX_TEXT = LIMITS.text;
  const text = z.string().check(z.maxLength(MAX_TEXT));
  const id = z.string().check(z.minLength(1), z.maxLength(LIMITS.id));
  const modelId = z.string().check(z.trim(), z.minLength(1), z.maxLength(MAX_MODEL_ID_LENGTH));

  const AnswerState = z.enum(['streaming', 'done', 'stopped', 'error']);

  /** What is shown under a finished answer. */
  const Badge = z.object({
    /** The model that produced the answer. */
    model: modelId,
    /** What was asked for (`smart-select`, an alias, a model id). */
    requested: modelId,
    promptTokens: z.int().check(z.minimum(0)),
    completionTokens: z.int().check(z.minimum(0)),
    /** True when the upstream sent no usage and the tokens were counted locally. */
    estimated: z.boolean(),
    costUsd: z.number().check(z.minimum(0)),
    /** billed: the upstream's own bill · priced: tokens × the catalog's prices · estimated: tokens counted locally. */
    costSource: z.optional(z.enum(['billed', 'priced', 'estimated'])),
    /** e.g. "answered by sim/echo after sim/fail?status=503 failed (503)"; absent when the first candidate answered. */
    fallbackNote: z.optional(z.string().check(z.maxLength(LIMITS.fallbackNote))),
    /** e.g. "smart-select → gpt-4o-mini (balanced)". */
    selection: z.optional(z.string().check(z.maxLength(LIMITS.selection))),
    /** Why smart-select chose that tier ("asks for a proof"), shown when the pointer rests on the selection. */
    selectionReason: z.optional(z.string().check(z.maxLength(LIMITS.selectionReason))),
  });

  const AnswerError = z.object({
    message: z.string().check(z.maxLength(LIMITS.errorMessage)),
    /** True when tokens had arrived before the failure; the partial text is kept and marked. */
    partial: z.boolean(),
    /** The fallback model a broken stream can be continued with. */
    continueWith: z.optional(modelId),
  });

  const ContextKind = z.enum(['file', 'selection', 'editors', 'problems', 'terminal']);
  const KeyState = z.enum(['ok', 'missing', 'missing-local']);
  /** An attachment as the view shows it: a chip with its size. Its text stays in the extension host. */
  const ContextChip = z.object({ id, kind: ContextKind, label: z.string().check(z.maxLength(LIMITS.chipLabel)), tokens: z.int().check(z.minimum(0)) });
  /** The prompt (question + context) against the window of the model it would go to. */
  const Meter = z.object({
    model: modelId,
    promptTokens: z.int().check(z.minimum(0)),
    /** 0 when the model's window is unknown. */
    window: z.int().check(z.minimum(0)),
    costUsd: z.number().check(z.minimum(0)),
    level: z.enum(['ok', 'warn', 'over']),
  });

  /** One question and its answer; the transcript is a list of these. */
  const Turn = z.object({
    id,
    prompt: text,
    /** Shown instead of a long prompt, e.g. "Explain foo.ts:10-20". */
    title: z.optional(z.string().check(z.maxLength(LIMITS.title))),
    /** The model asked for. */
    model: modelId,
    /** What was attached to the question (shown in the history). */
    context: z.optional(z.array(ContextChip).check(z.maxLength(LIMITS.chips))),
    /** The model's reasoning (`reasoning_content` / `reasoning` deltas), shown apart as "Thinking", never in the answer. */
    reasoning: z.optional(text),
    text,
    state: AnswerState,
    badge: z.optional(Badge),
    error: z.optional(AnswerError),
  });

  const SmartSelectMode = z.enum(['local', 'gateway']);
  /** One entry of the model dropdown: `id` is what choosing it writes to switchboard.model, `label` its one name. */
  const ModelOption = z.object({
    id: modelId,
    /** The group it is listed under ('' for smart-select and the gateway's auto routing, on top). */
    provider: z.string().check(z.maxLength(LIMITS.provider)),
    label: z.optional(z.string().check(z.maxLength(LIMITS.modelLabel))),
    /** The friendly name, or who decides; shown on hover. */
    detail: z.optional(z.string().check(z.maxLength(LIMITS.modelLabel))),
    /** Choosing it also sets switchboard.smartSelect.mode (Select Auto is `smart-select` decided by the gateway). */
    smartSelectMode: z.optional(SmartSelectMode),
    /** The entry in use now (smart-select and Select Auto share an id). */
    current: z.optional(z.boolean()),
  });

  // ── host → webview ────────────────────────────────────────────────────────────────────────────────────────────

  const HostMessage = z.discriminatedUnion('type', [
    /** The whole picture: sent on `ready`, after New Chat/Clear, and when the view is shown again. */
    z.object({
      type: z.literal('state'),
      turns: z.array(Turn).check(z.maxLength(LIMITS.turns)),
      models: z.array(ModelOption).check(z.maxLength(LIMITS.models)),
      currentModel: modelId,
    }),
    z.object({ type: z.literal('models'), models: z.array(ModelOption).check(z.maxLength(LIMITS.models)), currentModel: modelId }),
    /** A new answer begins (or an existing one restarts on Retry: same id, text reset). */
    z.object({
      type: z.literal('start'),
      id,
      prompt: text,
      title: z.optional(z.string().check(z.maxLength(LIMITS.title))),
      model: modelId,
      context: z.optional(z.array(ContextChip).check(z.maxLength(LIMITS.chips))),
    }),
    /** The attachments waiting for the next question, and the meter for it (absent while it cannot be computed). */
    z.object({ type: z.literal('context'), chips: z.array(ContextChip).check(z.maxLength(LIMITS.chips)), meter: z.optional(Meter) }),
    z.object({ type: z.literal('delta'), id, text }),
    z.object({ type: z.literal('reasoning'), id, text }),
    z.object({ type: z.literal('done'), id, badge: Badge }),
    z.object({ type: z.literal('stopped'), id }),
    z.object({ type: z.literal('error'), id, error: AnswerError }),
    /** Whether a key is set for the gateway: `missing` (nothing can be asked yet), `missing-local` (a loopback
     * gateway may need none), `ok`. `gateway` is its base URL, shown so the user knows where the key would go.
     * `unsent`: a question the host refused for want of a key; the view puts it back into the input. */
    z.object({ type: z.literal('keyState'), state: KeyState, gateway: z.string().check(z.maxLength(2000)), unsent: z.optional(text) }),
  ]);

  // ── webview → host ────────────────────────────────────────────────────────────────────────────────────────────

  const WebviewMessage = z.discriminatedUnion('type', [
    z.object({ type: z.literal('ready') }),
    z.object({ type: z.literal('ask'), prompt: z.string().check(z.maxLength(MAX_TEXT), z.trim(), z.minLength(1)) }),
    z.object({ type: z.literal('stop'), id: z.optional(id) }),
    z.object({ type: z.literal('retry'), id }),
    z.object({ type: z.literal('continue'), id }),
    z.object({ type: z.literal('newChat') }),
    z.object({ type: z.literal('clear') }),
    z.object({ type: z.literal('setModel'), model: modelId, smartSelectMode: z.optional(SmartSelectMode) }),
    z.object({ type: z.literal('copy'), text }),
    z.object({ type: z.literal('insert'), text }),
    z.object({ type: z.literal('newFile'), text, language: z.optional(z.string().check(z.maxLength(50), z.regex(/^[\w+#.-]*$/))) }),
    z.object({ type: z.literal('openLink'), href: z.string().check(z.maxLength(8000)) }),
    /** Add context: one kind, or `pick` to choose from a list. */
    z.object({ type: z.literal('addContext'), kind: z.union([ContextKind, z.literal('pick')]) }),
    z.object({ type: z.literal('removeContext'), id }),
    /** The unsent question changed (debounced by the view): the host answers with a fresh meter. */
    z.object({ type: z.literal('draft'), prompt: z.string().check(z.maxLength(MAX_TEXT)) }),
    /** Apply a code block to a file: `path` from the fence info when the block names one; `turnId` for its #file. */
    z.object({ type: z.literal('apply'), text, path: z.optional(z.string().check(z.maxLength(1000))), turnId: z.optional(id) }),
    /** A button of the no-key notice: runs that command (only these two; the webview cannot name any other). */
    z.object({ type: z.literal('command'), command: z.enum(['setApiKey', 'choosePreset']) }),
    /** The webview rejected a host message; the host logs it. */
    z.object({ type: z.literal('protocolError'), detail: z.string().check(z.maxLength(2000)) }),
  ]);
  return { KeyState, AnswerState, Badge, AnswerError, ContextChip, Meter, Turn, ModelOption, HostMessage, WebviewMessage };
}

let built: ReturnType<typeof build> | undefined;
const schemas = () => (built ??= build());

export type KeyState = z.infer<ReturnType<typeof build>['KeyState']>;
export type AnswerState = z.infer<ReturnType<typeof build>['AnswerState']>;
export type Badge = z.infer<ReturnType<typeof build>['Badge']>;
export type AnswerError = z.infer<ReturnType<typeof build>['AnswerError']>;
export type ContextChip = z.infer<ReturnType<typeof build>['ContextChip']>;
export type Meter = z.infer<ReturnType<typeof build>['Meter']>;
export type Turn = z.infer<ReturnType<typeof build>['Turn']>;
export type ModelOption = z.infer<ReturnType<typeof build>['ModelOption']>;
export type HostMessage = z.infer<ReturnType<typeof build>['HostMessage']>;
export type WebviewMessage = z.infer<ReturnType<typeof build>['WebviewMessage']>;

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

function parseWith<T>(schema: z.ZodMiniType<T>, side: string, data: unknown): Parsed<T> {
  const r = schema.safeParse(data);
  if (r.success) return { ok: true, message: r.data };
  const type = typeof data === 'object' && data !== null && 'type' in data ? String((data as { type: unknown }).type).slice(0, 40) : typeof data;
  // Paths and codes only: the rejected content itself may be huge or hostile.
  const issues = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message.slice(0, 120)}`);
  return { ok: false, error: `rejected ${side} message "${type}": ${issues.join('; ')}` };
}

export const parseHostMessage = (data: unknown): Parsed<HostMessage> => parseWith(schemas().HostMessage, 'host→webview', data);
export const parseWebviewMessage = (data: unknown): Parsed<WebviewMessage> => parseWith(schemas().WebviewMessage, 'webview→host', data);

/** A stored or received turn, or undefined if it does not match the protocol. */
export function parseTurn(data: unknown): Turn | undefined {
  const r = schemas().Turn.safeParse(data);
  return r.success ? r.data : undefined;
}

export function parseModelOption(data: unknown): ModelOption | undefined {
  const r = schemas().ModelOption.safeParse(data);
  return r.success ? r.data : undefined;
}

/** Only http(s) links leave the webview; everything else (javascript:, data:, file:, command:) is refused. */
export function safeExternalUrl(href: string): string | undefined {
  let u: URL;
  try {
    u = new URL(href);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  if (u.username || u.password) return undefined;
  return u.toString();
}
