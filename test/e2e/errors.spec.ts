// Issue 25 item 2 in code-server: a failing model without fallbacks says what happened once per model ("503 ×3"),
// says what to do (add a fallback), and the toast beside the inline error repeats none of its text. Add Fallback…
// from the toast writes switchboard.fallbacks for the user, and the next question is answered by the fallback.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { answerCount, chatFrame, openChatView, PROMPT, waitForAnswer } from './chat';
import { startInstance, type Instance } from './harness';
import { lanes } from './lanes';
import { lightAndDark } from './themes';
import { scaled, waitFor } from './wait';

const KEY = `sk-e2e-errors-${randomBytes(8).toString('hex')}`;
const FAILING = 'sim/fail?status=503';
const finished = (a: { state: string }) => a.state === 'done' || a.state === 'error' || a.state === 'stopped';

async function ask(vs: Instance, question: string): Promise<number> {
  await openChatView(vs.wb);
  const index = await answerCount(vs.wb);
  const frame = await chatFrame(vs.wb);
  await frame.locator(PROMPT).fill(question);
  await frame.locator('[data-testid=send]').click();
  return index;
}

describe('a failing model without fallbacks', { timeout: scaled(600_000), ...lanes('1.100') }, () => {
  let vs: Instance;

  before(async () => {
    vs = await startInstance({ name: 'errors', simKey: KEY, keyInEnv: true, settings: { 'switchboard.retries': 2 } });
    // The model and its (empty) fallbacks in the workspace settings, where Add Fallback… then writes too.
    vs.writeWorkspaceSettings({ 'switchboard.model': FAILING, 'switchboard.fallbacks': {} });
    await vs.wb.waitForStatusBarItem('sim/fail');
  });
  after(async () => {
    await vs?.close();
  });

  test('one line for the model with its retries counted, the hint, and a toast that repeats none of it', { timeout: scaled(180_000) }, async () => {
    await vs.step('error', async () => {
      const index = await ask(vs, 'Will this work?');
      const answer = await waitForAnswer(vs.wb, { index, until: finished, what: 'the failed answer' });
      assert.equal(answer.state, 'error');
      const frame = await chatFrame(vs.wb);
      const inline = ((await frame.locator('[data-testid=answer]').nth(index).locator('.error').textContent()) ?? '').trim();
      const lines = inline.split('\n').filter((l) => l.includes(FAILING));
      assert.equal(lines.filter((l) => l.includes('503 ×3')).length, 1, `one line with "503 ×3":\n${inline}`);
      assert.match(inline, /No fallback is set for sim\/fail\?status=503: add one to "switchboard\.fallbacks"/);
      assert.ok(!/\n\s*2\. /.test(inline), `no numbered retries:\n${inline}`);
      const toast = vs.page.locator('.notifications-toasts .notification-toast', { hasText: 'no fallback is set' }).first();
      await toast.waitFor({ timeout: scaled(30_000) });
      const toastText = (await toast.locator('.notification-list-item-message').textContent()) ?? '';
      for (const line of inline
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean))
        assert.ok(!toastText.includes(line), `the toast repeats ${JSON.stringify(line)}`);
      await toast.locator('.monaco-button', { hasText: 'Add Fallback…' }).waitFor();
    });
    await lightAndDark(vs, 'error', async () => {
      await vs.page
        .locator('.notifications-toasts .notification-toast', { hasText: 'no fallback is set' })
        .first()
        .waitFor({ timeout: scaled(10_000) });
    });
  });

  test('Add Fallback… from the toast writes switchboard.fallbacks; the next question is answered by the fallback', { timeout: scaled(180_000) }, async () => {
    await vs.step('add-fallback', async () => {
      const toast = vs.page.locator('.notifications-toasts .notification-toast', { hasText: 'no fallback is set' }).first();
      await toast.locator('.monaco-button', { hasText: 'Add Fallback…' }).click();
      await vs.page.locator('.quick-input-widget', { hasText: `fallback for ${FAILING}` }).waitFor({ timeout: scaled(30_000) });
      await vs.wb.typeIntoQuickInput('sim/echo', { submit: false });
      await vs.wb.pickQuickItem('sim/echo', { what: 'sim/echo in the Add Fallback quick pick' });
      await waitFor(() => JSON.stringify(vs.readWorkspaceSettings()['switchboard.fallbacks']) === JSON.stringify({ [FAILING]: ['sim/echo'] }), {
        what: `switchboard.fallbacks = {"${FAILING}": ["sim/echo"]} in the workspace settings`,
      });
      const question = 'Who answers now?';
      const index = await ask(vs, question);
      const answer = await waitForAnswer(vs.wb, { index, until: finished, what: 'the answer through the new fallback' });
      assert.equal(answer.state, 'done', answer.body);
      assert.ok(answer.body.includes(question), 'sim/echo answered');
    });
  });

  test('the Usage tab survives a window reload (issue 25 item 4)', { timeout: scaled(240_000) }, async () => {
    await vs.step('usage-after-reload', async () => {
      await vs.wb.runCommand('Switchboard: Show Usage');
      await vs.wb.frameWith('[data-testid=usage-total-cost]', { what: 'the Switchboard Usage panel' });
      await vs.wb.reloadWindow();
      await vs.page
        .locator('.tabs-container .tab', { hasText: 'Switchboard Usage' })
        .first()
        .waitFor({ timeout: scaled(120_000) });
      await vs.wb.frameWith('[data-testid=usage-total-cost]', { what: 'the Usage panel filled again after the reload', timeoutMs: 120_000 });
    });
  });
});
