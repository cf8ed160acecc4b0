// Takes the README's chat-view screenshots (docs/chat-light.png, docs/chat-dark.png) in a real code-server, with the
// simulator as gateway. Run after `npm run package`: node --import tsx scripts/screenshots.ts
import { join } from 'node:path';
import { chatFrame, openChatView, PROMPT, waitForAnswer, answerCount } from '../test/e2e/chat';
import { startInstance } from '../test/e2e/harness';
import { scaled } from '../test/e2e/wait';

const DOCS = join(__dirname, '..', 'docs');
const QUESTION = [
  'How do I memoise a recursive function in Python?',
  '',
  'Use `functools.lru_cache`:',
  '',
  '```python',
  'from functools import lru_cache',
  '',
  '@lru_cache(maxsize=None)',
  'def fibonacci(n: int) -> int:',
  '    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)',
  '```',
  '',
  '- **Time**: O(n) instead of O(2^n)',
  '- **Memory**: one entry per distinct `n`',
].join('\n');

async function main(): Promise<void> {
  const vs = await startInstance({
    name: 'screenshots',
    simKey: 'sk-screenshots-not-a-real-key',
    keyInEnv: true,
    settings: { 'switchboard.model': 'sim/echo', 'workbench.colorTheme': 'Default Light Modern', 'window.zoomLevel': 0 },
  });
  try {
    await vs.wb
      .statusBarItem('sim/echo')
      .first()
      .waitFor({ timeout: scaled(120_000) });
    await openChatView(vs.wb);
    const index = await answerCount(vs.wb);
    const frame = await chatFrame(vs.wb);
    await frame.locator(PROMPT).fill(QUESTION);
    await frame.locator('[data-testid=send]').click();
    await waitForAnswer(vs.wb, { index, until: (a) => a.state === 'done', what: 'the screenshot answer' });
    await vs.page.screenshot({ path: join(DOCS, 'chat-light.png') });
    vs.writeWorkspaceSettings({ 'workbench.colorTheme': 'Default Dark Modern' });
    // A string, not a function: tsx would wrap a function in a helper the page does not have.
    await vs.page.waitForFunction(`!!document.querySelector('.monaco-workbench.vs-dark')`, undefined, { timeout: scaled(30_000) });
    await vs.page.waitForTimeout(1000); // let the webview pick up the new theme variables before the picture
    await vs.page.screenshot({ path: join(DOCS, 'chat-dark.png') });
    console.log('wrote docs/chat-light.png and docs/chat-dark.png');
  } finally {
    await vs.close();
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
