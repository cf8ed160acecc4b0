// Issue 5's everyday experience in one code-server instance, each step as a user does it. The steps share the
// instance (starting VS Code costs a minute here) but each sets up the settings it needs itself.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { PROMPT, answerCount, chatFrame, openChatView, readChatNow, waitForAnswer } from './chat';
import { SAMPLE_FILE, SAMPLE_FUNCTION_LINES } from './code-server';
import { startInstance, type Instance } from './harness';
import { lanes } from './lanes';
import { scaled, waitFor } from './wait';
import type { Workbench } from './workbench';

const KEY = `sk-e2e-everyday-${randomBytes(8).toString('hex')}`;
const STEP_TIMEOUT = scaled(150_000);
const LOREM = 'sim/lorem?tokens=2000&chunkMs=5';
const FAILING = 'sim/fail?status=503';

/**
 * Sets the model (and fallbacks) in the workspace settings (code-server watches that file, not the user one) and
 * waits until the extension shows the model in the status bar.
 */
async function useModel(vs: Instance, model: string, fallbacks: Record<string, string[]> = {}): Promise<void> {
  vs.writeWorkspaceSettings({ 'switchboard.model': model, 'switchboard.fallbacks': fallbacks });
  await vs.wb.waitForStatusBarItem(model.split('?')[0], 30_000);
}

/** Types `prompt` into the chat view's own prompt box and sends it; returns the index its answer will have. */
async function askInChat(wb: Workbench, prompt: string): Promise<number> {
  await openChatView(wb);
  const index = await answerCount(wb);
  const frame = await chatFrame(wb);
  await frame.locator(PROMPT).fill(prompt);
  await frame.locator('[data-testid=send]').click();
  return index;
}

const finished = (a: { state: string }) => a.state === 'done' || a.state === 'error' || a.state === 'stopped';

describe('everyday experience in code-server', { timeout: scaled(600_000), ...lanes('1.100') }, () => {
  let vs: Instance;

  before(async () => {
    vs = await startInstance({ name: 'everyday', simKey: KEY, keyInEnv: true, settings: { 'switchboard.model': 'sim/echo', 'switchboard.fallbacks': {} } });
    await vs.wb.waitForStatusBarItem('sim/echo');
  });
  after(async () => {
    await vs?.close();
  });

  test("Explain Selection on a selected function: the answer names the file's language", { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('explain-selection', async () => {
      await vs.wb.openFile(SAMPLE_FILE);
      await vs.wb.selectFirstLines(SAMPLE_FUNCTION_LINES);
      const index = await answerCount(vs.wb);
      await vs.wb.runCommand('Explain with Switchboard');
      const answer = await waitForAnswer(vs.wb, { index, until: finished, what: 'the Explain Selection answer' });
      assert.equal(answer.state, 'done', `answer state (body ${JSON.stringify(answer.body.slice(0, 200))})`);
      assert.match(answer.body, /python/i, 'the echoed request names the language');
      assert.match(answer.body, /def fibonacci\(n\)/, 'the echoed request carries the selected function');
    });
  });

  test("status bar → quick pick → model saved to settings.json → the next answer's badge shows it", { timeout: STEP_TIMEOUT }, async () => {
    const chosen = 'openai/gpt-4.1-mini';
    await vs.step('switch-model', async () => {
      // No workspace value, so the extension saves the choice to the user settings.json (its user-level default).
      vs.writeWorkspaceSettings({ 'switchboard.model': undefined, 'switchboard.fallbacks': undefined });
      await vs.wb.waitForStatusBarItem('sim/echo', 30_000);
      await vs.wb.closeQuickInput();
      await vs.wb.statusBarItem('sim/echo').first().click();
      await vs.wb.typeIntoQuickInput(chosen, { submit: false });
      await vs.wb.pickQuickItem(chosen, { what: `${chosen} in the Switch Model quick pick` });
      await waitFor(() => vs.readSettings()['switchboard.model'] === chosen, { what: `switchboard.model = ${chosen} in the user settings.json` });
      await vs.wb.waitForStatusBarItem(chosen, 30_000);
      const index = await askInChat(vs.wb, 'Which model is this?');
      const answer = await waitForAnswer(vs.wb, { index, until: finished, what: `the answer from ${chosen}` });
      assert.equal(answer.state, 'done');
      assert.ok(answer.badge.includes(chosen), `badge ${JSON.stringify(answer.badge)} names ${chosen}`);
    });
  });

  test('Stop mid-stream keeps the partial answer, marked stopped, and cancels the request', { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('stop', async () => {
      await useModel(vs, LOREM);
      const abortedBefore = vs.sim.stats().aborted;
      const index = await askInChat(vs.wb, 'Tell me a very long story.');
      await waitForAnswer(vs.wb, { index, until: (a) => a.state === 'streaming' && a.body.length > 0, what: 'the lorem answer to start streaming' });
      await (await chatFrame(vs.wb)).locator('[data-testid=stop]').click();
      const answer = await waitForAnswer(vs.wb, { index, until: finished, what: 'the answer to end after Stop', timeoutMs: 30_000 });
      assert.equal(answer.state, 'stopped');
      const words = answer.body.split(/\s+/).filter(Boolean).length;
      assert.ok(words > 0 && words < 2000, `partial text kept (${words} of 2000 words)`);
      await waitFor(() => vs.sim.stats().aborted > abortedBefore, { what: 'the simulator to see the request aborted', timeoutMs: 20_000 });
    });
  });

  test('history is present after Developer: Reload Window', { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('history-after-reload', async () => {
      await useModel(vs, 'sim/echo');
      const marker = `Remember the marker ${randomBytes(4).toString('hex')}.`;
      const index = await askInChat(vs.wb, marker);
      await waitForAnswer(vs.wb, { index, until: (a) => a.state === 'done', what: 'the answer before reload' });
      const before = await readChatNow(vs.wb);
      await vs.wb.reloadWindow();
      await vs.wb.waitForStatusBarItem('sim/echo');
      await openChatView(vs.wb);
      const after = await waitFor(
        async () => {
          const chat = await readChatNow(vs.wb);
          return chat.userMessages.some((m) => m.includes(marker)) && chat.answers.length >= before.answers.length ? chat : undefined;
        },
        { what: 'the earlier conversation in the chat view after reload', timeoutMs: 60_000 },
      );
      assert.ok(after.answers[index]?.body.includes(marker), 'the answer text survived the reload');
    });
  });

  test('a fallback badge after sim/fail?status=503 → sim/echo', { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('fallback', async () => {
      await useModel(vs, FAILING, { [FAILING]: ['sim/echo'] });
      const question = 'Who answers when the first model fails?';
      const index = await askInChat(vs.wb, question);
      const answer = await waitForAnswer(vs.wb, { index, until: finished, what: 'the answer through the fallback' });
      assert.equal(answer.state, 'done', `answer state (body ${JSON.stringify(answer.body.slice(0, 200))})`);
      assert.ok(answer.body.includes(question), 'sim/echo answered');
      assert.match(answer.badge, /sim\/echo/, `badge ${JSON.stringify(answer.badge)} names the fallback that answered`);
      assert.match(answer.badge, /503/, `badge ${JSON.stringify(answer.badge)} names the failure`);
    });
  });

  test('after asks to two models, Show Usage lists both with a non-zero cost', { timeout: STEP_TIMEOUT }, async () => {
    const models = ['sim/echo', 'openai/gpt-4.1-mini'];
    await vs.step('usage', async () => {
      for (const model of models) {
        await useModel(vs, model);
        const index = await askInChat(vs.wb, `Count the cost of this question for ${model}.`);
        await waitForAnswer(vs.wb, { index, until: (a) => a.state === 'done', what: `the answer from ${model}` });
      }
      await vs.wb.runCommand('Switchboard: Show Usage');
      const frame = await vs.wb.frameWith('[data-testid=usage-total-cost]', { what: 'the Switchboard Usage panel' });
      for (const model of models) {
        await frame
          .locator(`[data-testid=usage-model-row][data-model="${model}"]`)
          .first()
          .waitFor({ timeout: scaled(30_000) });
      }
      const total = await frame.locator('[data-testid=usage-total-cost]').first().textContent();
      const amount = Number((total ?? '').replace(/[^0-9.]/g, ''));
      assert.ok(amount > 0, `total cost ${JSON.stringify(total)} is above zero`);
    });
  });

  test('the key from the environment never reaches settings, logs, storage or a webview', { timeout: scaled(60_000) }, async () => {
    await vs.step('secrecy', async () => {
      const report = vs.scanForSecret(KEY);
      assert.deepEqual(report.leaks, [], `files containing the key: ${report.leaks.join(', ')}`);
      assert.ok(!(await vs.wb.allFramesHtml()).includes(KEY), 'no frame contains the key');
    });
  });
});
