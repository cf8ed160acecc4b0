// Tokens in the simulator are whitespace-separated words: exact, deterministic and cheap to count.
import type { SimMessage } from './request';

const WORD = /\S+/g;
const PIECE = /\s*\S+/g;

export function countWords(text: string): number {
  let n = 0;
  WORD.lastIndex = 0;
  while (WORD.exec(text) !== null) n++;
  return n;
}

/**
 * Splits text into one piece per word, each with the whitespace before it (none before the first), so the
 * pieces concatenate back to the trimmed text and newlines survive an echo.
 */
export function wordPieces(text: string): string[] {
  return text.trimStart().match(PIECE) ?? [];
}

export function promptTokens(messages: readonly SimMessage[]): number {
  let n = 0;
  for (const m of messages) n += countWords(m.text);
  return n;
}

/** The text an echo answers with: the last user message, or the last message when it is a tool result. */
export function echoText(messages: readonly SimMessage[]): string {
  const last = messages[messages.length - 1];
  if (last?.role === 'tool') return last.text;
  return lastUserText(messages);
}

export function lastUserText(messages: readonly SimMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return messages[i].text;
  return '';
}

const LOREM_WORDS = (
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore ' +
  'magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo ' +
  'consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. ' +
  'Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.'
).split(' ');

/** `n` lorem ipsum pieces (cycling through the classic passage), one word each. */
export function loremPieces(n: number): string[] {
  const pieces = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const word = LOREM_WORDS[i % LOREM_WORDS.length];
    pieces[i] = i === 0 ? word : ' ' + word;
  }
  return pieces;
}
