// Ask Model after the chat view was shown and then hidden (issue 15): the view is retained while hidden, so it does
// not load again and sends no second `ready`. The answer must stream into the revealed view, not into a progress
// notification after a 3 s wait for a message that never comes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { openChatView, waitForAnswer } from './chat';
import { startInstance, type Instance } from './harness';
import { lanes } from './lanes';
import { scaled, waitFor } from './wait';

const KEY = `sk-e2e-reveal-${randomBytes(8).toString('hex')}`;
// Slow enough (about 3 s of streaming) that a progress notification, if shown, is on screen while the answer runs.
const MODEL = 'sim/lorem?tokens=300&chunkMs=10';
const QUESTION = 'hide then show then ask';

describe('chat view hide → show → Ask Model', { timeout: scaled(420_000), ...lanes('1.100') }, () => {
  let vs: Instance;

  before(async () => {
    vs = await startInstance({ name: 'reveal', simKey: KEY, keyInEnv: true, settings: { 'switchboard.model': MODEL, 'switchboard.fallbacks': {} } });
    await vs.wb.waitForStatusBarItem('sim/lorem');
  });
  after(async () => {
    await vs?.close();
  });

  test('the answer streams into the revealed view, with no progress notification', { timeout: scaled(240_000) }, async () => {
    const { wb } = vs;
    await vs.step('show-then-hide', async () => {
      await openChatView(wb);
      const explorer = wb.page.locator('.part.activitybar .action-item:has(a.action-label[aria-label*="Explorer" i])').first();
      await explorer.locator('a.action-label').click();
      const switchboard = wb.page.locator('.part.activitybar .action-item:has(a.action-label[aria-label*="Switchboard" i])').first();
      await waitFor(async () => (((await switchboard.getAttribute('class')) ?? '').split(/\s+/).includes('checked') ? undefined : true), {
        what: 'the Switchboard view container to be hidden',
      });
    });
    await vs.step('ask', async () => {
      await wb.runCommand('Switchboard: Ask Model');
      await wb.typeIntoQuickInput(QUESTION);
      const toasts = wb.page.locator('.notifications-toasts .notification-toast');
      const notified: string[] = [];
      const answer = await waitForAnswer(wb, {
        index: 0,
        what: 'the answer in the revealed chat view to finish',
        until: (a) => {
          void toasts.allInnerTexts().then((texts) => notified.push(...texts.filter((t) => t.includes('Switchboard'))));
          return a.state !== 'streaming' && a.state !== '';
        },
      });
      assert.equal(answer.state, 'done', `the answer finished (body ${JSON.stringify(answer.body.slice(0, 200))})`);
      notified.push(...(await toasts.allInnerTexts()).filter((t) => t.includes('Switchboard')));
      assert.deepEqual(notified, [], 'no progress notification or "the answer is in the chat view" message: the view was used');
    });
  });
});
