// What the user attached to a chat question (a file, the selection, open editors, problems, terminal output) and how
// it reaches the model: one user message with each attachment in its own fenced block, then the question. Pure, so
// the chat view, its tests and the token meter share it.

export type ContextKind = 'file' | 'selection' | 'editors' | 'problems' | 'terminal';

export const CONTEXT_KINDS: readonly ContextKind[] = ['file', 'selection', 'editors', 'problems', 'terminal'];

export interface ContextAttachment {
  id: string;
  kind: ContextKind;
  /** What the chip shows: `src/app.ts`, `app.ts:10-24`, `3 open editors`, `Problems in app.ts`, `Terminal: bash`. */
  label: string;
  /** Workspace-relative path of a file or selection, used as the code fence's info and by Apply to File. */
  path?: string;
  /** A markdown fence language (`ts`, `python`); empty for plain text. */
  language?: string;
  text: string;
}

/** A `#file`-style mention in the question; the word must stand alone (`#filer` or `a#file` are not mentions). */
const MENTION = /(^|\s)#(file|selection|editors|problems|terminal)(?=$|[\s.,;:!?])/g;

export function mentionsIn(question: string): ContextKind[] {
  const kinds = new Set<ContextKind>();
  for (const m of question.matchAll(MENTION)) kinds.add(m[2] as ContextKind);
  return [...kinds];
}

/** A fence long enough that backticks inside the attached text cannot close it early. */
function fenceFor(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`{3,}/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

function block(a: ContextAttachment): string {
  const fence = fenceFor(a.text);
  const info = [a.language ?? '', a.path ?? ''].filter(Boolean).join(' ');
  const heading = a.path && a.kind === 'file' ? `File ${a.path}:` : `${a.label}:`;
  return `${heading}\n${fence}${info}\n${a.text}\n${fence}`;
}

/** The user message for a question with attachments (the question itself when there are none). */
export function composeQuestion(question: string, attachments: readonly ContextAttachment[]): string {
  if (attachments.length === 0) return question;
  return `${attachments.map(block).join('\n\n')}\n\n${question}`;
}
