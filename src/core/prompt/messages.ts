// Reading chat messages: the text of a message's content, whatever shape (string or parts) it has.
import type { ChatCompletionMessageParam } from '../base/types';

/** The text of a message's content: the string itself, or its text parts joined by newlines (images etc. skipped). */
export function contentText(content: ChatCompletionMessageParam['content']): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  let text = '';
  for (const part of content) {
    if ('text' in part && typeof part.text === 'string') text += (text ? '\n' : '') + part.text;
  }
  return text;
}
