// The chat webview as the specs see it: through the DOM hooks (`data-testid`) inside its frame.
import type { Frame } from 'playwright-core';
import { waitFor } from './wait';
import type { Workbench } from './workbench';

export const PROMPT = '[data-testid=prompt]';

export interface AnswerView {
  /** streaming | done | stopped | error */
  state: string;
  body: string;
  badge: string;
}

export interface ChatSnapshot {
  answers: AnswerView[];
  userMessages: string[];
}

/** The chat view's content frame (the one holding the prompt box). */
export function chatFrame(wb: Workbench, timeoutMs = 60_000): Promise<Frame> {
  return wb.frameWith(PROMPT, { what: 'the chat webview (a frame with [data-testid=prompt])', timeoutMs });
}

// Evaluated inside the webview. Kept as source text: tsx's keepNames would wrap named functions in a `__name`
// helper that does not exist in the page.
const READ_CHAT = `(() => {
  const text = (el) => ((el && el.textContent) || '').trim();
  const badges = [...document.querySelectorAll('[data-testid=badge]')];
  const all = [...document.querySelectorAll('[data-testid=answer]')];
  // The badge sits under its answer; if it is rendered beside rather than inside it, pair them by position.
  const answers = all.map((a, i) => ({
    state: a.getAttribute('data-state') || '',
    body: text(a.querySelector('[data-testid=answer-body]')),
    badge: text(a.querySelector('[data-testid=badge]') || (badges.length === all.length ? badges[i] : null)),
  }));
  const userMessages = [...document.querySelectorAll('[data-testid=user-message]')].map(text);
  return { answers, userMessages };
})()`;

export async function readChat(frame: Frame): Promise<ChatSnapshot> {
  return frame.evaluate<ChatSnapshot>(READ_CHAT);
}

/** Re-finds the chat frame on every poll (webview frames are replaced when the view is hidden or reloaded). */
export async function readChatNow(wb: Workbench): Promise<ChatSnapshot> {
  return readChat(await chatFrame(wb, 5_000));
}

/**
 * Opens the Switchboard container in the activity bar unless it is showing. A hidden view keeps its webview frame
 * (retainContextWhenHidden), so "a frame exists" is not "the view is visible": the activity bar item's `checked`
 * state is. Clicking a checked item would hide the side bar, so it is clicked only when unchecked.
 */
export async function openChatView(wb: Workbench): Promise<Frame> {
  const item = wb.page.locator('.part.activitybar .action-item:has(a.action-label[aria-label*="Switchboard" i])').first();
  await item.waitFor({ timeout: 60_000 });
  const checked = async () => ((await item.getAttribute('class')) ?? '').split(/\s+/).includes('checked');
  if (!(await checked())) await item.locator('a.action-label').click();
  await waitFor(async () => ((await checked()) ? true : undefined), { what: 'the Switchboard view container to show' });
  return chatFrame(wb);
}

export interface WaitForAnswerOptions {
  /** How many answers existed before asking: the awaited one is at this index. */
  index: number;
  /** Accept the answer when this holds (e.g. state done). */
  until: (answer: AnswerView) => boolean;
  what: string;
  timeoutMs?: number;
}

/** Waits for answer number `index` to satisfy `until`, re-reading the chat frame each time. */
export async function waitForAnswer(wb: Workbench, options: WaitForAnswerOptions): Promise<AnswerView> {
  return waitFor(
    async () => {
      const { answers } = await readChatNow(wb);
      const answer = answers[options.index];
      return answer && options.until(answer) ? answer : undefined;
    },
    { what: options.what, timeoutMs: options.timeoutMs ?? 90_000, intervalMs: 200 },
  );
}

/** The number of answers currently shown, or 0 when the chat view is not open. */
export async function answerCount(wb: Workbench): Promise<number> {
  const frame = await chatFrame(wb, 2_000).catch(() => undefined);
  return frame ? (await readChat(frame)).answers.length : 0;
}
