// The one message protocol between the chat webview and the extension host, imported by both sides (the webview
// bundle too, so no node or vscode imports here). Every message crossing the boundary is parsed with these schemas;
// a malformed one is rejected with a short reason (never echoing its content) and logged, never acted on.
import * as z from 'zod';

const MAX_TEXT = 2_000_000;
const text = z.string().max(MAX_TEXT);
const id = z.string().min(1).max(100);
const modelId = z.string().trim().min(1).max(300);

export const AnswerState = z.enum(['streaming', 'done', 'stopped', 'error']);
export type AnswerState = z.infer<typeof AnswerState>;

/** What is shown under a finished answer. */
export const Badge = z.object({
  /** The model that produced the answer. */
  model: modelId,
  /** What was asked for (`smart-select`, an alias, a model id). */
  requested: modelId,
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  /** True when the upstream sent no usage and the tokens were counted locally. */
  estimated: z.boolean(),
  costUsd: z.number().nonnegative(),
  /** e.g. "answered by sim/echo after sim/fail?status=503 failed (503)"; absent when the first candidate answered. */
  fallback: z.string().max(2000).optional(),
  /** e.g. "smart-select → gpt-4o-mini (balanced)". */
  selection: z.string().max(500).optional(),
});
export type Badge = z.infer<typeof Badge>;

export const AnswerError = z.object({
  message: z.string().max(20_000),
  /** True when tokens had arrived before the failure; the partial text is kept and marked. */
  partial: z.boolean(),
  /** The fallback model a broken stream can be continued with. */
  continueWith: modelId.optional(),
});
export type AnswerError = z.infer<typeof AnswerError>;

/** One question and its answer; the transcript is a list of these. */
export const Turn = z.object({
  id,
  prompt: text,
  /** Shown instead of a long prompt, e.g. "Explain foo.ts:10-20". */
  title: z.string().max(500).optional(),
  /** The model asked for. */
  model: modelId,
  text,
  state: AnswerState,
  badge: Badge.optional(),
  error: AnswerError.optional(),
});
export type Turn = z.infer<typeof Turn>;

export const ModelOption = z.object({ id: modelId, provider: z.string().max(200), label: z.string().max(300).optional() });
export type ModelOption = z.infer<typeof ModelOption>;

// ── host → webview ────────────────────────────────────────────────────────────────────────────────────────────

export const HostMessage = z.discriminatedUnion('type', [
  /** The whole picture: sent on `ready`, after New Chat/Clear, and when the view is shown again. */
  z.object({ type: z.literal('state'), turns: z.array(Turn).max(1000), models: z.array(ModelOption).max(5000), currentModel: modelId }),
  z.object({ type: z.literal('models'), models: z.array(ModelOption).max(5000), currentModel: modelId }),
  /** A new answer begins (or an existing one restarts on Retry: same id, text reset). */
  z.object({ type: z.literal('start'), id, prompt: text, title: z.string().max(500).optional(), model: modelId }),
  z.object({ type: z.literal('delta'), id, text }),
  z.object({ type: z.literal('done'), id, badge: Badge }),
  z.object({ type: z.literal('stopped'), id }),
  z.object({ type: z.literal('error'), id, error: AnswerError }),
]);
export type HostMessage = z.infer<typeof HostMessage>;

// ── webview → host ────────────────────────────────────────────────────────────────────────────────────────────

export const WebviewMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('ask'), prompt: text.trim().min(1) }),
  z.object({ type: z.literal('stop'), id: id.optional() }),
  z.object({ type: z.literal('retry'), id }),
  z.object({ type: z.literal('continue'), id }),
  z.object({ type: z.literal('newChat') }),
  z.object({ type: z.literal('clear') }),
  z.object({ type: z.literal('setModel'), model: modelId }),
  z.object({ type: z.literal('copy'), text }),
  z.object({ type: z.literal('insert'), text }),
  z.object({ type: z.literal('newFile'), text, language: z.string().max(50).regex(/^[\w+#.-]*$/).optional() }),
  z.object({ type: z.literal('openLink'), href: z.string().max(8000) }),
  /** The webview rejected a host message; the host logs it. */
  z.object({ type: z.literal('protocolError'), detail: z.string().max(2000) }),
]);
export type WebviewMessage = z.infer<typeof WebviewMessage>;

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

function parseWith<T>(schema: z.ZodType<T>, side: string, data: unknown): Parsed<T> {
  const r = schema.safeParse(data);
  if (r.success) return { ok: true, message: r.data };
  const type = typeof data === 'object' && data !== null && 'type' in data ? String((data as { type: unknown }).type).slice(0, 40) : typeof data;
  // Paths and codes only: the rejected content itself may be huge or hostile.
  const issues = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message.slice(0, 120)}`);
  return { ok: false, error: `rejected ${side} message "${type}": ${issues.join('; ')}` };
}

export const parseHostMessage = (data: unknown): Parsed<HostMessage> => parseWith(HostMessage, 'host→webview', data);
export const parseWebviewMessage = (data: unknown): Parsed<WebviewMessage> => parseWith(WebviewMessage, 'webview→host', data);

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
