// The file chat-controller tests attach as context (a two-line Python `add`), and how they read the question a request carried.
import type { ChatRequest } from '../../../src/core/base/types';
import type { ContextAttachment } from '../../../src/core/prompt/chatContext';

export const ATTACHED_FILE: ContextAttachment = {
  id: 'f1',
  kind: 'file',
  label: 'src/app.py',
  path: 'src/app.py',
  language: 'python',
  text: 'def add(a, b):\n    return a + b\n',
};

/** The text of a request's last (user) message: the question as sent, attachments included. */
export const userText = (req: ChatRequest | undefined) => String(req?.messages.at(-1)?.content ?? '');
