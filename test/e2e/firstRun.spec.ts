// Issue 25 item 1, a newcomer's first start: a fresh profile with VS Code's and code-server's own welcome pages on,
// no key anywhere, the default gateway. Switchboard's walkthrough opens by itself, once; the chat view says what is
// missing and offers Set API Key, and a question typed anyway is not sent.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { answerCount, chatFrame, openChatView, PROMPT } from './chat';
import { startInstance, type Instance } from './harness';
import { lanes } from './lanes';
import { lightAndDark } from './themes';
import { scaled, waitFor } from './wait';

const KEY = `sk-e2e-first-run-${randomBytes(8).toString('hex')}`;
const WALKTHROUGH = 'Get started with Switchboard';

/** The Switchboard log's lines so far (its LogOutputChannel file under the logs folder). */
function switchboardLog(vs: Instance): string {
  if (!existsSync(vs.dirs.logsDir)) return '';
  return readdirSync(vs.dirs.logsDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => path.basename(f).endsWith('Switchboard.log'))
    .map((f) => readFileSync(path.join(vs.dirs.logsDir, f), 'utf8'))
    .join('\n');
}

/** Our walkthrough, open in the Welcome editor with its first step showing. */
const walkthrough = (vs: Instance) => vs.page.locator('.gettingStartedContainer', { hasText: WALKTHROUGH }).filter({ hasText: 'Choose your gateway' });

describe('first run on a fresh profile', { timeout: scaled(600_000), ...lanes('1.100', '1.117') }, () => {
  let vs: Instance;

  before(async () => {
    // No baseUrl: the default gateway (https://api.select.ax/v1), as a newcomer has it; nothing can reach it from here.
    vs = await startInstance({ name: 'first-run', simKey: KEY, firstRun: true, settings: { 'switchboard.gateway.baseUrl': undefined } });
  });
  after(async () => {
    await vs?.close();
  });

  test('the walkthrough opens by itself on the first start', { timeout: scaled(180_000) }, async () => {
    await vs.step('walkthrough', async () => {
      await walkthrough(vs)
        .first()
        .waitFor({ state: 'visible', timeout: scaled(120_000) });
      await waitFor(() => /welcome: opened the walkthrough/.test(switchboardLog(vs)), {
        what: 'the log line saying the walkthrough was opened',
        timeoutMs: 90_000,
      });
    });
    await lightAndDark(vs, 'walkthrough');
  });

  test('the chat view without a key says what to do; a question is not sent; Set API Key asks for the key', { timeout: scaled(180_000) }, async () => {
    await vs.step('no-key-chat', async () => {
      const frame = await openChatView(vs.wb);
      const notice = frame.locator('[data-testid=key-notice]');
      await notice.waitFor({ state: 'visible', timeout: scaled(60_000) });
      assert.match((await notice.textContent()) ?? '', /needs your API key for https:\/\/api\.select\.ax\/v1/);
      await frame.locator(PROMPT).fill('Is anybody there?');
      await frame.locator(PROMPT).press('Enter');
      await frame.locator('[data-testid=key-notice].attention').waitFor({ timeout: scaled(10_000) });
      assert.equal(await frame.locator(PROMPT).inputValue(), 'Is anybody there?', 'the question stays in the box');
      assert.equal(await answerCount(vs.wb), 0, 'no answer was started');
      await lightAndDark(vs, 'no-key');

      await (await chatFrame(vs.wb)).locator('[data-testid=set-api-key]').click();
      await vs.page.locator('.quick-input-widget', { hasText: 'API key for https://api.select.ax/v1' }).waitFor({ timeout: scaled(30_000) });
      await vs.wb.typeIntoQuickInput(KEY);
      await (await chatFrame(vs.wb)).locator('[data-testid=key-notice]').waitFor({ state: 'hidden', timeout: scaled(30_000) });
      assert.equal(await answerCount(vs.wb), 0, 'setting the key sent nothing');
    });
  });

  test('once: closed and reloaded, the walkthrough stays closed', { timeout: scaled(240_000) }, async () => {
    await vs.step('walkthrough-once', async () => {
      await vs.wb.runCommand('View: Close All Editors');
      await walkthrough(vs)
        .first()
        .waitFor({ state: 'hidden', timeout: scaled(30_000) });
      const opened = (switchboardLog(vs).match(/welcome: opened the walkthrough/g) ?? []).length;
      await vs.wb.reloadWindow();
      await waitFor(() => (switchboardLog(vs).match(/welcome: /g) ?? []).length > opened, {
        what: 'the reloaded extension to log its welcome decision',
        timeoutMs: 120_000,
      });
      assert.match(switchboardLog(vs), /welcome: shown before/);
      assert.equal(await walkthrough(vs).count(), 0, 'the walkthrough did not open again');
    });
  });
});
