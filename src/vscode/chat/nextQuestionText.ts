// How Ask Model and Explain Selection say what goes with a question besides its text: the attachments waiting in
// the chat's composer and the conversation it continues (whose turns make the prompt grow). No vscode import.
import type { NextQuestion } from './chatController';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "src/app.py (120 tokens), a.ts:3-4 (12 tokens)", or undefined when nothing waits. */
export function attachmentsText(next: NextQuestion): string | undefined {
  if (!next.attachments.length) return undefined;
  return next.attachments.map((c) => `${c.label} (${plural(c.tokens, 'token', 'tokens')})`).join(', ');
}

/** "continues the chat: 2 earlier answers go with it (~357 tokens)", or undefined for a new conversation. */
export function conversationText(next: NextQuestion): string | undefined {
  if (!next.earlierAnswers) return undefined;
  return `continues the chat: ${plural(next.earlierAnswers, 'earlier answer goes', 'earlier answers go')} with it (~${next.historyTokens} tokens)`;
}

/** One line for the Ask Model box: what the default Ask sends besides the question. */
export function askSummary(next: NextQuestion): string | undefined {
  const parts = [attachmentsText(next), conversationText(next)];
  const [files, chat] = parts;
  if (!files && !chat) return undefined;
  return [files ? `with ${files}` : undefined, chat].filter(Boolean).join(' · ');
}
