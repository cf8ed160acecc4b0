// Driving the VS Code workbench in code-server as a user would: command palette, quick inputs, the status bar,
// editors, and webviews (which live in nested iframes, so every webview query searches all frames).
import type { Frame, Locator, Page } from 'playwright-core';
import { scaled, waitFor } from './wait';

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = '.quick-input-widget .quick-input-box input';
// VS Code 1.117 renders the quick pick's rows in a tree beside a hidden list: only visible rows count.
const QUICK_ROW = '.quick-input-widget .monaco-list-row:visible';

export class Workbench {
  constructor(readonly page: Page) {}

  /** Waits until the workbench has rendered its parts (the extension may still be activating). */
  async ready(): Promise<void> {
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: scaled(120_000) });
    await this.page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: scaled(60_000) });
  }

  /** A status-bar entry containing `text`. */
  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: text });
  }

  /** Waits until a status-bar entry shows `text` (the model item once the extension is up, a model just chosen). */
  async waitForStatusBarItem(text: string | RegExp, timeoutMs = 120_000): Promise<void> {
    await this.statusBarItem(text)
      .first()
      .waitFor({ timeout: scaled(timeoutMs) });
  }

  /**
   * Gives keyboard focus back to the workbench: keys typed while focus sits inside a webview iframe never reach
   * the workbench's keybindings, and a fresh page has no focused element at all.
   */
  async focusWorkbench(): Promise<void> {
    const active = await this.page.evaluate(() => {
      const el = document.activeElement;
      return !el || el === document.body ? 'none' : el.tagName === 'IFRAME' ? 'iframe' : 'workbench';
    });
    if (active === 'workbench') return;
    if (active === 'iframe') await this.page.keyboard.press('Escape');
    // The middle of the status bar is empty space: clicking it focuses the workbench without running anything.
    const bar = this.page.locator('.part.statusbar');
    const box = await bar.boundingBox();
    if (box) await this.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await this.page.evaluate(() => {
      const el = document.activeElement;
      if (el instanceof HTMLIFrameElement) el.blur();
    });
  }

  async quickInputVisible(): Promise<boolean> {
    return this.page.locator(QUICK_INPUT).isVisible();
  }

  /** Runs a command by its palette title ("Switchboard: Ask Model"), choosing the row whose label is exactly it. */
  async runCommand(title: string): Promise<void> {
    await this.closeQuickInput();
    await this.focusWorkbench();
    // Something opening at start-up (a walkthrough editor) can close the palette again: retry until it stays.
    await waitFor(
      async () => {
        if (!(await this.quickInputVisible())) {
          await this.focusWorkbench();
          await this.page.keyboard.press('Control+Shift+P');
        }
        const box = this.page.locator(QUICK_INPUT_BOX);
        if (!(await box.isVisible())) return false;
        await box.fill(`>${title}`, { timeout: scaled(5_000) });
        return true;
      },
      { what: 'the command palette to open', timeoutMs: 30_000, intervalMs: 1_000 },
    );
    await this.pickQuickItem(title, { what: `the command "${title}" in the palette` });
  }

  /**
   * Clicks the quick-pick row whose label equals `label` (or matches it, for a RegExp). The list re-renders while it
   * filters, so a row found may be replaced before the click lands: find and click again until one click does.
   */
  async pickQuickItem(label: string | RegExp, options: { what?: string; timeoutMs?: number } = {}): Promise<void> {
    const matches = (text: string) => (typeof label === 'string' ? text.trim() === label : label.test(text));
    await waitFor(
      async () => {
        const i = (await this.quickItemLabels()).findIndex(matches);
        if (i < 0) return false;
        await this.page
          .locator(QUICK_ROW)
          .nth(i)
          .click({ timeout: scaled(5_000) });
        return true;
      },
      { what: options.what ?? `the quick-pick item ${String(label)}`, timeoutMs: options.timeoutMs ?? 30_000 },
    );
  }

  /** The labels of the visible quick-pick rows, in order. */
  async quickItemLabels(): Promise<string[]> {
    return this.page
      .locator(QUICK_ROW)
      .evaluateAll((rows) => rows.map((row) => (row.querySelector('.label-name')?.textContent ?? row.getAttribute('aria-label') ?? '').trim()));
  }

  /** Types into the open quick input (input box, password box or quick pick) and, unless told not to, submits. */
  async typeIntoQuickInput(text: string, options: { submit?: boolean } = {}): Promise<void> {
    const box = this.page.locator(QUICK_INPUT_BOX);
    await box.waitFor({ state: 'visible', timeout: scaled(30_000) });
    await box.fill(text);
    if (options.submit === false) return;
    await box.press('Enter');
    await waitFor(async () => !(await this.quickInputVisible()), { what: 'the quick input to close after Enter', timeoutMs: 20_000 });
  }

  async closeQuickInput(): Promise<void> {
    if (await this.quickInputVisible()) {
      await this.page.keyboard.press('Escape');
      await waitFor(async () => !(await this.quickInputVisible()), { what: 'the quick input to close', timeoutMs: 10_000 });
    }
  }

  /** Opens a workspace file with Quick Open and waits for its editor tab. */
  async openFile(name: string): Promise<void> {
    await this.closeQuickInput();
    await this.focusWorkbench();
    await waitFor(
      async () => {
        if (!(await this.quickInputVisible())) await this.page.keyboard.press('Control+P');
        const box = this.page.locator(QUICK_INPUT_BOX);
        if (!(await box.isVisible())) return false;
        await box.fill(name, { timeout: scaled(5_000) });
        return true;
      },
      { what: 'Quick Open to open', timeoutMs: 30_000, intervalMs: 1_000 },
    );
    await this.pickQuickItem(name, { what: `${name} in Quick Open` });
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: scaled(30_000) });
    await this.page
      .locator('.editor-instance .monaco-editor .view-lines')
      .first()
      .waitFor({ timeout: scaled(30_000) });
  }

  /** Selects lines `1..lineCount` of the active editor with the keyboard. */
  async selectFirstLines(lineCount: number): Promise<void> {
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await this.page.keyboard.press('Control+Home');
    for (let i = 0; i < lineCount; i++) await this.page.keyboard.press('Shift+ArrowDown');
    await waitFor(() => this.page.locator('.editor-instance .monaco-editor .selected-text').count(), {
      what: 'a visible selection in the editor',
      timeoutMs: 10_000,
    });
  }

  /** Every frame's URL and visible text: for failure messages. */
  async describeFrames(): Promise<string> {
    const parts: string[] = [];
    for (const frame of this.page.frames()) {
      const text = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '<detached>');
      parts.push(`${frame.url().slice(0, 120)}: ${JSON.stringify(text.slice(0, 200))}`);
    }
    return parts.join('\n');
  }

  /** The first frame (webviews included) holding an element matching `selector`, waited for. */
  async frameWith(selector: string, options: { what?: string; timeoutMs?: number } = {}): Promise<Frame> {
    return waitFor(
      async () => {
        for (const frame of this.page.frames()) {
          const found = await frame.$(selector).catch(() => null);
          if (found) {
            await found.dispose();
            return frame;
          }
        }
        return undefined;
      },
      { what: options.what ?? `a frame with ${selector}`, timeoutMs: options.timeoutMs ?? 60_000 },
    );
  }

  /** The first frame satisfying `predicate`, waited for. */
  async findFrame(predicate: (frame: Frame) => Promise<boolean>, options: { what: string; timeoutMs?: number }): Promise<Frame> {
    return waitFor(
      async () => {
        for (const frame of this.page.frames()) if (await predicate(frame).catch(() => false)) return frame;
        return undefined;
      },
      { what: options.what, timeoutMs: options.timeoutMs ?? 60_000 },
    );
  }

  /** The frame whose visible text contains `text` (a webview's content frame, for text the extension rendered). */
  async waitForWebviewText(text: string, options: { timeoutMs?: number } = {}): Promise<Frame> {
    return this.findFrame(async (frame) => frame !== this.page.mainFrame() && (await frame.evaluate(() => document.body?.innerText ?? '')).includes(text), {
      what: `a webview showing ${JSON.stringify(text)}`,
      timeoutMs: options.timeoutMs,
    });
  }

  /** Every frame's full HTML (for secrecy checks: nothing the extension sent may contain the key). */
  async allFramesHtml(): Promise<string> {
    const parts = await Promise.all(this.page.frames().map((f) => f.evaluate(() => document.documentElement?.outerHTML ?? '').catch(() => '')));
    return parts.join('\n');
  }

  /** Developer: Reload Window, then waits for the new workbench. */
  async reloadWindow(): Promise<void> {
    const navigated = this.page.waitForEvent('framenavigated', { predicate: (f) => f === this.page.mainFrame(), timeout: scaled(60_000) });
    await this.runCommand('Developer: Reload Window');
    await navigated;
    await this.page.waitForLoadState('domcontentloaded');
    await this.ready();
  }
}
