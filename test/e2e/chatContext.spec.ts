// Issue 12: an answer from a routing gateway names the model that served, in the badge and the status bar.
// Issue 17 as a user does it: open a file, Add File to Chat, see its chip and the meter, ask — the upstream request
// carries the file (the simulator counts its words) — then Apply to File on a code block of the answer: VS Code's
// diff opens, and the change is written only after Apply.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PROMPT, chatFrame, readChatNow, waitForAnswer } from './chat';
import { SAMPLE_FILE, SAMPLE_SOURCE } from './code-server';
import { startInstance, type Instance } from './harness';
import { lanes } from './lanes';
import { scaled, waitFor } from './wait';

const KEY = `sk-e2e-context-${randomBytes(8).toString('hex')}`;
const NEW_SOURCE = 'def fibonacci(n):\n    """Applied by Switchboard."""\n    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)\n';
// sim/echo answers with the last user message: the attached file's block, then this question with its own block.
const QUESTION = `Make it recursive.\n\n\`\`\`python ${SAMPLE_FILE}\n${NEW_SOURCE}\`\`\``;
const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

describe('chat context and Apply to File (code-server)', { timeout: scaled(480_000), ...lanes('1.100') }, () => {
  let vs: Instance | undefined;

  before(async () => {
    vs = await startInstance({ name: 'chat-context', simKey: KEY, keyInEnv: true, settings: { 'switchboard.model': 'sim/echo', 'switchboard.fallbacks': {} } });
    await vs.wb.waitForStatusBarItem('sim/echo');
  });
  after(async () => {
    await vs?.close();
  });

  test('Add File to Chat shows a chip and a meter; the question carries the file; Apply to File applies on accept', { timeout: scaled(360_000) }, async () => {
    assert.ok(vs, 'the instance started');
    const { wb, sim } = vs;
    const file = path.join(vs.dirs.workspace, SAMPLE_FILE);

    const chipTokens = await vs.step('attached', async () => {
      await wb.openFile(SAMPLE_FILE);
      await wb.runCommand('Add File to Switchboard Chat');
      const frame = await chatFrame(wb);
      const chip = frame.locator('[data-testid=context-chips] [data-testid=context-chip]', { hasText: SAMPLE_FILE });
      await chip.waitFor({ timeout: scaled(60_000) });
      const tokens = Number(((await chip.locator('[data-testid=context-tokens]').textContent()) ?? '').replace(/\D/g, ''));
      assert.ok(tokens >= words(SAMPLE_SOURCE), `the chip shows the file's size in tokens (${tokens})`);
      const meter = frame.locator('[data-testid=context-meter]');
      await waitFor(async () => /\d+ .*tokens/.test((await meter.textContent()) ?? ''), { what: 'the context meter to show the prompt size' });
      const metered = Number(/([\d,]+)/.exec((await meter.textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? '0');
      assert.ok(metered >= tokens, `the meter (${metered}) counts at least the attached file (${tokens})`);
      return tokens;
    });

    await vs.step('asked', async () => {
      const before = sim.stats().promptTokens;
      const frame = await chatFrame(wb);
      await frame.locator(PROMPT).fill(QUESTION);
      await frame.locator('[data-testid=send]').click();
      const answer = await waitForAnswer(wb, { index: 0, until: (a) => a.state !== 'streaming' && a.state !== '', what: 'the answer to finish' });
      assert.equal(answer.state, 'done', `the answer finished (body ${JSON.stringify(answer.body.slice(0, 200))})`);
      assert.ok(answer.body.includes('a, b = b, a + b'), 'the echoed request carried the attached file');
      const sent = sim.stats().promptTokens - before;
      assert.ok(sent >= words(SAMPLE_SOURCE) + words(QUESTION), `the simulator counted the file's words in the prompt (${sent} tokens)`);
      await (await chatFrame(wb)).locator('[data-testid=turn-context] [data-testid=context-chip]', { hasText: SAMPLE_FILE }).waitFor();
      assert.equal(await (await chatFrame(wb)).locator('[data-testid=context-chips] [data-testid=context-chip]').count(), 0, 'the chip went with the question');
      assert.ok(chipTokens > 0);
    });

    await vs.step('applied', async () => {
      const frame = await chatFrame(wb);
      await frame.locator('.code-block').last().locator('button[data-action=apply]').click();
      await wb.page
        .locator('.tabs-container .tab', { hasText: 'proposed' })
        .first()
        .waitFor({ timeout: scaled(60_000) });
      assert.equal(readFileSync(file, 'utf8'), SAMPLE_SOURCE, 'nothing is written before the user accepts');
      const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: `Apply the proposed change to ${SAMPLE_FILE}` }).first();
      await toast.waitFor({ timeout: scaled(30_000) });
      await toast.locator('.monaco-button', { hasText: /^Apply$/ }).click();
      await wb.page
        .locator('.tabs-container .tab.active', { hasText: SAMPLE_FILE })
        .first()
        .waitFor({ timeout: scaled(30_000) });
      await wb.runCommand('File: Save');
      await waitFor(() => readFileSync(file, 'utf8') === NEW_SOURCE, { what: `${SAMPLE_FILE} to hold the applied code`, timeoutMs: 30_000 });
      const chat = await readChatNow(wb);
      assert.ok(chat.userMessages[0].includes(SAMPLE_FILE), 'the history shows what was attached');
    });
  });

  test(
    "a routing gateway's answer: the badge says what was asked and what served, billed; the status bar shows the served model",
    { timeout: scaled(240_000) },
    async () => {
      assert.ok(vs, 'the instance started');
      const { wb } = vs;
      const routed = 'dialect/openrouter?served=anthropic/claude-sonnet-4&cost=0.000123';
      await vs.step('served-model', async () => {
        vs!.writeWorkspaceSettings({ 'switchboard.model': routed });
        await wb.waitForStatusBarItem('dialect/openrouter', 30_000);
        const frame = await chatFrame(wb);
        const index = (await readChatNow(wb)).answers.length;
        await frame.locator(PROMPT).fill('Which model answers?');
        await frame.locator('[data-testid=send]').click();
        const answer = await waitForAnswer(wb, { index, until: (a) => a.state !== 'streaming' && a.state !== '', what: 'the routed answer to finish' });
        assert.equal(answer.state, 'done', `the answer finished (body ${JSON.stringify(answer.body.slice(0, 200))})`);
        assert.match(answer.badge, /asked dialect\/openrouter\?served=anthropic\/claude-sonnet-4&cost=0\.000123 · served anthropic\/claude-sonnet-4/);
        assert.match(answer.badge, /\$0\.000123 billed/);
        await wb.waitForStatusBarItem('→ anthropic/claude-sonnet-4', 30_000);
      });
    },
  );
});
