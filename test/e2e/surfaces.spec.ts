// Issue 24 on the surfaces, as a user sees them in VS Code 1.100 (code-server 4.100.3, the simulator as gateway):
// N answers are counted once in the usage view, the status bar tooltip and the ledger file; Add File to Chat, then
// Ask Model sends the file and the question shows its chip.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { formatUsd } from '../../src/core/base/format';
import { PROMPT, answerCount, chatFrame, openChatView, waitForAnswer } from './chat';
import { SAMPLE_FILE, SAMPLE_SOURCE } from './code-server';
import { EXTENSION_ID, startInstance, type Instance } from './harness';
import { lanes } from './lanes';
import { scaled, waitFor } from './wait';

const KEY = `sk-e2e-surfaces-${randomBytes(8).toString('hex')}`;
const STEP_TIMEOUT = scaled(240_000);
const ANSWERS = 3;
const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

interface LedgerLine {
  requested: string;
  costUsd: number;
}

describe('issue 24 on the surfaces (code-server 1.100)', { timeout: scaled(900_000), ...lanes('1.100') }, () => {
  let vs: Instance;

  function ledger(): LedgerLine[] {
    const file = path.join(vs.dirs.userDataDir, 'User', 'globalStorage', EXTENSION_ID, 'usage.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LedgerLine);
  }

  /** Asks in the chat view's own box and waits for the answer to finish. */
  async function askInChat(prompt: string): Promise<void> {
    await openChatView(vs.wb);
    const index = await answerCount(vs.wb);
    const frame = await chatFrame(vs.wb);
    await frame.locator(PROMPT).fill(prompt);
    await frame.locator('[data-testid=send]').click();
    const answer = await waitForAnswer(vs.wb, { index, until: (a) => a.state !== 'streaming' && a.state !== '', what: `the answer to ${prompt}` });
    assert.equal(answer.state, 'done', `the answer finished (body ${JSON.stringify(answer.body.slice(0, 200))})`);
  }

  /** The status bar item's hover, as VS Code shows it when the pointer rests on it. */
  async function statusTooltip(): Promise<string> {
    const item = vs.wb.statusBarItem('sim/echo').first();
    return waitFor(
      async () => {
        await vs.page.mouse.move(0, 0);
        await item.hover();
        const hover = vs.page.locator('.monaco-hover:visible, .workbench-hover:visible').first();
        const text = (await hover.textContent({ timeout: scaled(3_000) }).catch(() => null)) ?? '';
        return text.includes('Today') ? text : undefined;
      },
      { what: 'the status bar tooltip with today\u2019s spend', timeoutMs: 60_000, intervalMs: 1_000 },
    );
  }

  before(async () => {
    vs = await startInstance({ name: 'surfaces', simKey: KEY, keyInEnv: true, settings: { 'switchboard.model': 'sim/echo', 'switchboard.fallbacks': {} } });
    await vs.wb
      .statusBarItem('sim/echo')
      .first()
      .waitFor({ timeout: scaled(120_000) });
  });
  after(async () => {
    await vs?.close();
  });

  test(
    `${ANSWERS} answers: the ledger has ${ANSWERS} lines, the usage view says Requests ${ANSWERS}, the tooltip the same spend`,
    { timeout: STEP_TIMEOUT },
    async () => {
      await vs.step('counted-once', async () => {
        for (let i = 1; i <= ANSWERS; i++) await askInChat(`Count me once, answer ${i}.`);
        const lines = await waitFor(() => (ledger().length >= ANSWERS ? ledger() : undefined), { what: `${ANSWERS} lines in usage.jsonl` });
        assert.equal(lines.length, ANSWERS, 'one ledger line per answer');
        const spent = formatUsd(lines.reduce((sum, l) => sum + l.costUsd, 0));
        assert.notEqual(spent, '$0.00', 'sim/echo answers cost something');

        await vs.wb.runCommand('Switchboard: Show Usage');
        const frame = await vs.wb.frameWith('[data-testid=usage-total-requests]', { what: 'the Switchboard Usage panel' });
        const requests = await waitFor(
          async () => {
            const text = (await frame.locator('[data-testid=usage-total-requests]').first().textContent()) ?? '';
            return /^\d/.test(text) ? text : undefined;
          },
          { what: 'the usage view to show its request count' },
        );
        assert.match(requests, new RegExp(`^${ANSWERS} ·`), `the usage view counts each answer once (${requests})`);
        assert.equal(
          (await frame.locator('[data-testid=usage-total-cost]').first().textContent())?.trim(),
          spent,
          'the usage view spends what the ledger holds',
        );
        assert.equal((await frame.locator('[data-testid=usage-today-spend]').first().textContent())?.trim(), spent);

        const tooltip = await statusTooltip();
        assert.ok(tooltip.includes(`Today ${spent}`), `the status bar tooltip says today ${spent} (${JSON.stringify(tooltip)})`);
      });
    },
  );

  test('Add File to Chat, then Ask Model: the upstream gets the file, the question shows its chip, the box said so', { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('ask-with-file', async () => {
      const { wb, sim } = vs;
      await wb.openFile(SAMPLE_FILE);
      await wb.runCommand('Switchboard: Add File to Chat');
      const chip = (await chatFrame(wb)).locator('[data-testid=context-chips] [data-testid=context-chip]', { hasText: SAMPLE_FILE });
      await chip.waitFor({ timeout: scaled(60_000) });
      const index = await answerCount(wb);
      const before = sim.stats().promptTokens;
      const question = 'What does this file compute?';

      await wb.runCommand('Switchboard: Ask Model');
      await wb.typeIntoQuickInput(question, { submit: false });
      const rows = wb.page.locator('.quick-input-widget .monaco-list-row:visible');
      await waitFor(async () => (await rows.allTextContents()).some((t) => t.includes(`with ${SAMPLE_FILE}`)), {
        what: `Ask Model's box to say that ${SAMPLE_FILE} goes with the question`,
      });
      assert.ok(
        (await rows.allTextContents()).some((t) => t.includes('Ask without the attachments')),
        'it offers to ask without them',
      );
      await wb.page.locator('.quick-input-widget .quick-input-box input').press('Enter');

      const answer = await waitForAnswer(wb, { index, until: (a) => a.state !== 'streaming' && a.state !== '', what: 'the Ask Model answer' });
      assert.equal(answer.state, 'done', `the answer finished (body ${JSON.stringify(answer.body.slice(0, 200))})`);
      const sent = sim.stats().promptTokens - before;
      assert.ok(sent >= words(SAMPLE_SOURCE) + words(question), `the simulator counted the file's words in the prompt (${sent} tokens)`);
      const frame = await chatFrame(wb);
      await frame.locator('[data-testid=turn-context] [data-testid=context-chip]', { hasText: SAMPLE_FILE }).last().waitFor();
      assert.equal(await frame.locator('[data-testid=context-chips] [data-testid=context-chip]').count(), 0, 'the chip went with the question');
    });
  });
});
