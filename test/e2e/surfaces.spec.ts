// Issue 24 on the surfaces, as a user sees them in VS Code 1.100 (code-server 4.100.3, the simulator as gateway behind
// the OpenRouter preset with a base URL of the user's own): N answers are counted once in the usage view, the status
// bar tooltip and the ledger file; Add File to Chat, then Ask Model sends the file and the question shows its chip;
// both model pickers offer the same models under one name, the gateway's auto routing included, and Choose Gateway
// marks Custom; Check Connection tries the user's model; the status bar warns only about the current model's chain.
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
  async function statusTooltip(model = 'sim/echo'): Promise<string> {
    const item = vs.wb.statusBarItem(model).first();
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
    vs = await startInstance({
      name: 'surfaces',
      simKey: KEY,
      keyInEnv: true,
      settings: { 'switchboard.model': 'sim/echo', 'switchboard.fallbacks': {}, 'switchboard.gateway.preset': 'openrouter' },
    });
    await vs.wb.waitForStatusBarItem('sim/echo');
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
      await wb.runCommand('Add File to Switchboard Chat');
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

  test("both pickers offer the gateway's models and auto routing under one name; Choose Gateway marks Custom", { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('pickers', async () => {
      const { wb } = vs;
      await openChatView(wb);
      type Option = { value: string; text: string; title: string; selected: boolean };
      const options = await waitFor(
        async () => {
          const frame = await chatFrame(wb);
          const list = await frame.locator('[data-testid=model-picker] option').evaluateAll((els) =>
            els.map((e) => ({
              value: (e as HTMLOptionElement).value,
              text: e.textContent ?? '',
              title: (e as HTMLOptionElement).title,
              selected: (e as HTMLOptionElement).selected,
            })),
          );
          return list.some((o: Option) => o.value === 'sim/lorem') ? list : undefined;
        },
        { what: "the gateway's models in the chat view's dropdown" },
      );
      const byValue = new Map(options.map((o: Option) => [o.value, o]));
      assert.equal(byValue.get('openrouter/auto')?.text, 'OpenRouter Auto', "the gateway's auto routing is offered");
      assert.deepEqual(
        [byValue.get('sim/lorem')?.text, byValue.get('sim/lorem')?.title],
        ['sim/lorem', 'Simulator: lorem'],
        'named by id, the friendly name on hover',
      );
      assert.equal(
        options
          .filter((o: Option) => o.selected)
          .map((o: Option) => o.value)
          .join(),
        'sim/echo',
      );

      await (await chatFrame(wb)).locator('[data-testid=model-picker]').selectOption('openrouter/auto');
      await waitFor(() => vs.readSettings()['switchboard.model'] === 'openrouter/auto', { what: 'switchboard.model = openrouter/auto in settings.json' });
      await wb.waitForStatusBarItem('openrouter/auto', 30_000);
      await (await chatFrame(wb)).locator('[data-testid=model-picker]').selectOption('sim/echo');
      await wb.waitForStatusBarItem('sim/echo', 30_000);

      await wb.closeQuickInput();
      await wb.statusBarItem('sim/echo').first().click();
      const rows = wb.page.locator('.quick-input-widget .monaco-list-row:visible');
      await wb.typeIntoQuickInput('sim/', { submit: false });
      const labels = await waitFor(async () => ((await wb.quickItemLabels()).includes('sim/lorem') ? wb.quickItemLabels() : undefined), {
        what: "the gateway's models in Switch Model",
      });
      assert.ok(!labels.some((l) => l.startsWith('Simulator')), `one name per model in Switch Model: ${labels.join(', ')}`);
      assert.ok(
        (await rows.allTextContents()).some((t) => t.includes('sim/lorem') && t.includes('Simulator: lorem')),
        'the friendly name is the detail',
      );
      // A label with a space: no "use this model id" row joins (and reorders) the list while it is clicked.
      await wb.typeIntoQuickInput('OpenRouter Auto', { submit: false });
      await wb.pickQuickItem(/OpenRouter Auto/, { what: 'OpenRouter Auto in Switch Model' });
      await waitFor(() => vs.readSettings()['switchboard.model'] === 'openrouter/auto', { what: 'Switch Model to write openrouter/auto' });
      await (await chatFrame(wb)).locator('[data-testid=model-picker]').selectOption('sim/echo');
      await wb.waitForStatusBarItem('sim/echo', 30_000);

      await wb.runCommand('Switchboard: Choose Gateway');
      const current = await waitFor(
        async () => {
          const marked = (await rows.allTextContents()).filter((t) => /current/.test(t));
          return marked.length ? marked : undefined;
        },
        { what: 'the Choose Gateway row marked current' },
      );
      assert.equal(current.length, 1, current.join(' | '));
      assert.match(current[0], /^Custom/, 'a base URL of the user’s own over the OpenRouter preset is Custom');
      await wb.closeQuickInput();

      const saved = path.join(vs.dirs.userDataDir, 'User', 'globalStorage', EXTENSION_ID, 'models.json');
      const list = JSON.parse(readFileSync(saved, 'utf8')) as { fetchedAt: number; data: { id: string }[] };
      assert.ok(list.fetchedAt > 0 && list.data.some((m) => m.id === 'sim/lorem'), "the gateway's list is kept with its age");
      assert.ok(!readFileSync(saved, 'utf8').includes(KEY));
    });
  });

  test('Check Connection tries the user’s model; the status bar warns only about breakers on its chain, by model', { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('connection-and-breakers', async () => {
      const { wb } = vs;
      await wb.runCommand('Switchboard: Check Connection');
      // The Output panel's editor; the panel's other editors (the debug console's input) are empty.
      const panelLines = wb.page.locator('.part.panel .monaco-editor .view-lines');
      const text = await waitFor(
        async () => {
          // Monaco renders spaces as no-break spaces.
          const t = (await panelLines.allInnerTexts()).join('\n').replace(/\u00a0/g, ' ');
          return /Every check passed|Some checks failed/.test(t) ? t : undefined;
        },
        { what: 'the Check Connection output', timeoutMs: 90_000 },
      );
      assert.match(text, /Checking with your model sim\/echo/);
      assert.match(text, /sim\/echo answered/, text);
      assert.match(text, /Every check passed/, text);

      const failing = 'sim/fail?status=503';
      vs.writeWorkspaceSettings({ 'switchboard.model': failing });
      await wb.waitForStatusBarItem('sim/fail', 30_000);
      await askInChat('Break the circuit.').catch(() => undefined);
      await wb
        .statusBarItem('sim/fail')
        .first()
        .locator('.codicon-warning')
        .waitFor({ timeout: scaled(30_000) });
      const tooltip = await waitFor(
        async () => {
          const t = await statusTooltip('sim/fail');
          return t.includes('Circuit open') ? t : undefined;
        },
        { what: 'the open circuit in the tooltip' },
      );
      assert.ok(tooltip.includes(failing) && !tooltip.includes('gateway|'), `the tooltip names the model: ${JSON.stringify(tooltip)}`);
      vs.writeWorkspaceSettings({ 'switchboard.model': 'sim/echo' });
      const echo = wb.statusBarItem('sim/echo').first();
      await echo.waitFor({ timeout: scaled(30_000) });
      assert.equal(await echo.locator('.codicon-warning').count(), 0, "sim/fail's open breaker is not on sim/echo's chain: no amber");
    });
  });
});
