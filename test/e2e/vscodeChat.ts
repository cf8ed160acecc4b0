// VS Code's own Chat view (1.104+) as the specs see it: its input editor, its responses, the model picker and the
// stop button, found by the classes and labels the workbench renders.
import type { Locator } from 'playwright-core';
import { scaled, waitFor } from './wait';
import type { Workbench } from './workbench';

const INPUT = '.interactive-input-part .monaco-editor';
const REQUEST = '.interactive-item-container.interactive-request';

/** Opens the Chat view (shown by default in 1.117; otherwise Chat: Open Chat) and waits for its input. */
export async function openVsChat(wb: Workbench): Promise<void> {
  const input = wb.page.locator(INPUT).first();
  const shown = await input.waitFor({ state: 'visible', timeout: scaled(10_000) }).then(
    () => true,
    () => false,
  );
  if (shown) return;
  await wb.runCommand('Chat: Open Chat');
  await input.waitFor({ state: 'visible', timeout: scaled(60_000) });
}

/** The last item of the conversation: its text, and whether it is a response (the list renders only what is in view). */
async function lastItem(wb: Workbench): Promise<{ response: boolean; text: string } | undefined> {
  const items = wb.page.locator('.interactive-item-container');
  const n = await items.count();
  if (n === 0) return undefined;
  const last = items.nth(n - 1);
  return { response: ((await last.getAttribute('class')) ?? '').includes('interactive-response'), text: (await last.innerText()).replace(/\u00a0/g, ' ') }; // code blocks are editors: their spaces are U+00A0
}

/** The last response's text (what is streaming now, or the latest answer). */
export async function lastVsResponse(wb: Workbench): Promise<string> {
  const item = await lastItem(wb);
  return item?.response ? item.text : '';
}

/** Types `prompt` into the Chat view's input and sends it; resolves once the request shows in the conversation. */
export async function askVsChat(wb: Workbench, prompt: string): Promise<void> {
  await openVsChat(wb);
  const input = wb.page.locator(INPUT).first();
  await input.click();
  await wb.page.keyboard.press('Control+A');
  await wb.page.keyboard.press('Backspace');
  await wb.page.keyboard.type(prompt);
  // Enter would accept an open suggestion (`/explain`) instead of sending: the Send button always sends.
  await wb.page.locator('.interactive-input-part .action-label[aria-label^="Send"]').first().click();
  const words = prompt.replace(/\s+/g, ' ').trim();
  await waitFor(
    async () => {
      const texts = await wb.page.locator(REQUEST).evaluateAll((els) => els.map((el) => (el as HTMLElement).innerText.replace(/\s+/g, ' ')));
      return texts.some((t) => t.includes(words));
    },
    { what: `the request ${JSON.stringify(prompt)} in the Chat view` },
  );
}

/** Whether the Chat view is still answering (its stop action is showing). */
export function stopButton(wb: Workbench): Locator {
  return wb.page.locator('.interactive-input-part .action-label[aria-label^="Cancel"], .interactive-input-part .action-label[aria-label^="Stop"]').first();
}

/** Waits until the conversation ends with a response satisfying `until` and the Chat view has stopped answering. */
export async function waitForVsResponse(wb: Workbench, options: { until: (text: string) => boolean; what: string; timeoutMs?: number }): Promise<string> {
  return waitFor(
    async () => {
      const item = await lastItem(wb);
      if (!item?.response || !options.until(item.text)) return undefined;
      return (await stopButton(wb).isVisible()) ? undefined : item.text;
    },
    { what: options.what, timeoutMs: options.timeoutMs ?? 90_000 },
  );
}

/** The model picker in the Chat view's input toolbar. */
export function modelPicker(wb: Workbench): Locator {
  return wb.page.locator('.interactive-input-part .action-label[aria-label*="Pick Model"]').first();
}

const PICKER_ROW = '.context-view .monaco-list-row';

/** Opens the model picker, expands "Other Models" when present, and returns every row's text. */
export async function openModelPicker(wb: Workbench): Promise<string[]> {
  await modelPicker(wb).click();
  const rows = wb.page.locator(PICKER_ROW);
  await rows.first().waitFor({ timeout: scaled(30_000) });
  const more = wb.page.locator(PICKER_ROW, { hasText: 'Other Models' }).first();
  // The picker's pointer block swallows real clicks on section rows; a dispatched click expands it.
  if ((await more.count()) > 0 && (await more.getAttribute('aria-expanded')) === 'false') await more.dispatchEvent('click');
  return rows.evaluateAll((els) => els.map((el) => (el as HTMLElement).innerText.trim()));
}

/** Chooses a model in the picker by typing `filter` into its search box and taking the row showing `name`. */
export async function chooseModel(wb: Workbench, filter: string, name: string): Promise<void> {
  await modelPicker(wb).click();
  await wb.page
    .locator(PICKER_ROW)
    .first()
    .waitFor({ timeout: scaled(30_000) });
  await wb.page.keyboard.type(filter);
  await wb.page
    .locator(PICKER_ROW, { hasText: name })
    .first()
    .waitFor({ timeout: scaled(30_000) });
  await wb.page.keyboard.press('Enter');
  await waitFor(async () => (await modelPicker(wb).innerText()).includes(name), { what: `the model picker to show ${name}` });
}
