// Issue 25 item 3 in code-server: the editor's context menu shows Switchboard's entries once, grouped under a
// Switchboard submenu, with one name for Explain ("Explain with Switchboard", as the lightbulb says) and no second
// "Add Selection to Chat" beside VS Code's own.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SAMPLE_FILE } from './code-server';
import { startInstance, type Instance } from './harness';
import { lanes } from './lanes';
import { lightAndDark } from './themes';
import { scaled, waitFor } from './wait';

const KEY = `sk-e2e-menus-${randomBytes(8).toString('hex')}`;
const MENU = '.monaco-menu';

/** The labels of the open context menu (index 0) or submenu (index 1), in order, separators left out. */
async function menuLabels(vs: Instance, level: number): Promise<string[]> {
  const menu = vs.page.locator(MENU).nth(level);
  await menu.waitFor({ timeout: scaled(20_000) });
  return menu.locator('.action-item:not(.disabled) .action-label').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()).filter(Boolean));
}

async function openEditorMenu(vs: Instance): Promise<void> {
  // Escape closes one level (the submenu, then the menu).
  await waitFor(
    async () => {
      if ((await vs.page.locator(MENU).count()) === 0) return true;
      await vs.page.keyboard.press('Escape');
      return false;
    },
    { what: 'open menus to close' },
  );
  const lines = vs.page.locator('.editor-instance .monaco-editor .view-lines').first();
  await lines.click({ button: 'right', position: { x: 60, y: 10 } });
  await vs.page
    .locator(MENU)
    .first()
    .waitFor({ timeout: scaled(20_000) });
}

async function openSwitchboardSubmenu(vs: Instance): Promise<void> {
  await vs.page
    .locator(`${MENU} .action-item`, { hasText: /^Switchboard$/ })
    .first()
    .hover();
  await waitFor(async () => (await vs.page.locator(MENU).count()) >= 2, { what: 'the Switchboard submenu to open' });
}

describe('the editor context menu', { timeout: scaled(480_000), ...lanes('1.100') }, () => {
  let vs: Instance;

  before(async () => {
    vs = await startInstance({ name: 'menus', simKey: KEY, keyInEnv: true, settings: { 'switchboard.model': 'sim/echo' } });
    await vs.wb.waitForStatusBarItem('sim/echo');
    await vs.wb.openFile(SAMPLE_FILE);
    await vs.wb.selectFirstLines(2);
  });
  after(async () => {
    await vs?.close();
  });

  test('our entries appear once, in a Switchboard submenu, with one name for Explain', { timeout: scaled(180_000) }, async () => {
    await vs.step('context-menu', async () => {
      await openEditorMenu(vs);
      const top = await menuLabels(vs, 0);
      assert.equal(top.filter((l) => l === 'Switchboard').length, 1, `one Switchboard entry in ${JSON.stringify(top)}`);
      for (const ours of ['Explain Selection', 'Explain', 'Explain with Switchboard', 'Add File to Chat', 'Add File to Switchboard Chat'])
        assert.ok(!top.includes(ours), `"${ours}" is not at the top level: ${JSON.stringify(top)}`);
      assert.ok(top.filter((l) => l === 'Add Selection to Chat').length <= 1, `at most VS Code's own "Add Selection to Chat": ${JSON.stringify(top)}`);
      assert.equal(new Set(top).size, top.length, `no entry twice: ${JSON.stringify(top)}`);
      await openSwitchboardSubmenu(vs);
      assert.deepEqual(await menuLabels(vs, 1), ['Explain with Switchboard', 'Add File to Switchboard Chat']);
    });
    await lightAndDark(vs, 'menus', async () => {
      await openEditorMenu(vs);
      await openSwitchboardSubmenu(vs);
    });
  });

  test('the lightbulb and the palette use the same name', { timeout: scaled(120_000) }, async () => {
    await vs.step('explain-name', async () => {
      await vs.page.keyboard.press('Escape');
      await vs.wb.runCommand('Explain with Switchboard');
      await vs.wb.closeQuickInput();
    });
  });
});
