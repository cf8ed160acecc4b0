// VS Code's own Chat view (1.104+) as the specs see it: its input editor, its responses, the model picker and the
// stop button, found by the classes and labels the workbench renders.
import type { Locator } from 'playwright-core';
import { scaled, waitFor } from './wait';
import type { Workbench } from './workbench';

const INPUT = '.interactive-input-part .monaco-editor';
const RESPONSE = '.interactive-item-container.interactive-response';
const REQUEST = '.interactive-item-container.interactive-request';

/** Opens the Chat view (shown by default in 1.117; otherwise Chat: Open Chat) and waits for its input. */
export async function openVsChat(wb: Workbench): Promise<void> {
  const input = wb.page.locator(INPUT).first();
  const shown = await input.waitFor({ state: 'visible', timeout: scaled(10_000) }).then(() => true, () => false);
  if (shown) return;
  await wb.runCommand('Chat: Open Chat');
  await input.waitFor({ state: 'visible', timeout: scaled(60_000) });
}

/** The text of every response in the Chat view, oldest first. */
export async function vsChatResponses(wb: Workbench): Promise<string[]> {
  return wb.page.locator(RESPONSE).evaluateAll((els) => els.map((el) => (el as HTMLElement).innerText));
}

export async function vsChatRequests(wb: Workbench): Promise<string[]> {
  return wb.page.locator(REQUEST).evaluateAll((els) => els.map((el) => (el as HTMLElement).innerText));
}

/** Types `prompt` into the Chat view's input and sends it with Enter; returns the index its response will have. */
export async function askVsChat(wb: Workbench, prompt: string): Promise<number> {
  await openVsChat(wb);
  const index = (await vsChatResponses(wb)).length;
  const input = wb.page.locator(INPUT).first();
  await input.click();
  await wb.page.keyboard.press('Control+A');
  await wb.page.keyboard.press('Backspace');
  await wb.page.keyboard.type(prompt);
  // Enter would accept an open suggestion (`/explain`) instead of sending: the Send button always sends.
  await wb.page.locator('.interactive-input-part .action-label[aria-label^="Send"]').first().click();
  await waitFor(async () => (await vsChatRequests(wb)).length > index, { what: `the request ${JSON.stringify(prompt)} in the Chat view` });
  return index;
}

/** Whether the Chat view is still answering (its stop action is showing). */
export function stopButton(wb: Workbench): Locator {
  return wb.page.locator('.interactive-input-part .action-label[aria-label^="Cancel"], .interactive-input-part .action-label[aria-label^="Stop"]').first();
}

/** Waits until response `index` satisfies `until` and the Chat view has stopped answering; returns its text. */
export async function waitForVsResponse(wb: Workbench, index: number, options: { until: (text: string) => boolean; what: string; timeoutMs?: number }): Promise<string> {
  return waitFor(
    async () => {
      const text = (await vsChatResponses(wb))[index];
      if (text === undefined || !options.until(text)) return undefined;
      return (await stopButton(wb).isVisible()) ? undefined : text;
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
  await wb.page.locator(PICKER_ROW).first().waitFor({ timeout: scaled(30_000) });
  await wb.page.keyboard.type(filter);
  await wb.page.locator(PICKER_ROW, { hasText: name }).first().waitFor({ timeout: scaled(30_000) });
  await wb.page.keyboard.press('Enter');
  await waitFor(async () => (await modelPicker(wb).innerText()).includes(name), { what: `the model picker to show ${name}` });
}
