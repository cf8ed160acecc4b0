// Issue 10: Switchboard inside today's VS Code (code-server 4.117 = VS Code 1.117), as a user would use it in VS
// Code's own Chat view, plus another extension calling Switchboard's models through vscode.lm. One instance for
// every step (starting VS Code costs a minute here); the key is set with Set API Key, never in the environment.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SAMPLE_FILE, SAMPLE_FUNCTION_LINES } from './code-server';
import { EXTENSION_ID, startInstance, type Instance } from './harness';
import { lanes } from './lanes';
import { scaled, waitFor } from './wait';
import { askVsChat, chooseModel, modelPicker, openVsChat, lastVsResponse, stopButton, waitForVsResponse } from './vscodeChat';

const KEY = `sk-e2e-vscode-chat-${randomBytes(8).toString('hex')}`;
const STEP_TIMEOUT = scaled(180_000);
const RESULT_FILE = 'lm-caller-result.json';

interface CallerResult {
  ok: boolean;
  error?: string;
  model?: string;
  call?: { name: string; input: { q?: string } };
  toolResult?: string;
  answer?: string;
  tokens?: number;
}

interface LedgerLine {
  requested: string;
  answeredBy: string;
  /** Set on a request that failed or was stopped (its spend counts; it is not an answer). */
  error?: string;
}

describe('Switchboard in VS Code 1.117: Chat view, @switchboard, vscode.lm', { timeout: scaled(1_200_000), ...lanes('1.117') }, () => {
  let vs: Instance;

  /** Sets switchboard.* in the workspace settings, which the running VS Code watches. */
  async function use(settings: Record<string, unknown>): Promise<void> {
    vs.writeWorkspaceSettings(settings);
    const model = settings['switchboard.model'];
    if (typeof model === 'string') await vs.wb.waitForStatusBarItem(model.split('?')[0], 30_000);
  }

  /** Asks in the Chat view and waits for the finished response. */
  async function ask(prompt: string, until: (text: string) => boolean = () => true): Promise<string> {
    await askVsChat(vs.wb, prompt);
    return waitForVsResponse(vs.wb, { until: (t) => t.trim().length > 0 && until(t), what: `the Chat view's answer to ${JSON.stringify(prompt)}` });
  }

  /** Runs an lm-caller command and returns what it wrote. */
  async function runCaller(command: string): Promise<CallerResult> {
    const file = path.join(vs.dirs.workspace, RESULT_FILE);
    rmSync(file, { force: true });
    await vs.wb.runCommand(command);
    return waitFor(() => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CallerResult) : undefined), {
      what: `${RESULT_FILE} from "${command}"`,
      timeoutMs: 60_000,
    });
  }

  /** Sets settings in the user settings (budget.* is read from there only), as the Settings editor would. */
  async function useUserSettings(settings: Record<string, unknown>): Promise<void> {
    const patch = Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, v ?? null]));
    writeFileSync(path.join(vs.dirs.workspace, 'lm-caller-user-settings.json'), JSON.stringify(patch));
    const result = await runCaller('LM Caller: Apply User Settings');
    assert.equal(result.ok, true, `the user settings were applied: ${result.error ?? ''}`);
    await waitFor(() => Object.entries(settings).every(([k, v]) => vs.readSettings()[k] === v), {
      what: `${Object.keys(settings).join(', ')} in the user settings.json`,
    });
  }

  function ledger(): LedgerLine[] {
    const file = path.join(vs.dirs.userDataDir, 'User', 'globalStorage', EXTENSION_ID, 'usage.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LedgerLine);
  }

  before(async () => {
    vs = await startInstance({
      name: 'vscode-chat',
      simKey: KEY,
      withLmCaller: true,
      // Without Copilot, 1.117's Agent mode offers tools after '@', not participants; with it off the Chat view asks
      // participants (as 'Ask' did), and @switchboard is there.
      settings: {
        'switchboard.model': 'sim/echo',
        'switchboard.fallbacks': {},
        'chat.agent.enabled': false,
        'lmCaller.toolModel': 'sim/tool',
        'lmCaller.askModel': 'sim/echo',
      },
    });
    const instance = vs;
    await instance.step('set-key', async () => {
      await instance.wb.waitForStatusBarItem('sim/echo');
      // A first-run walkthrough can take the palette's focus while 1.117 starts: ask again until the key box shows.
      await waitFor(
        async () => {
          await instance.wb.runCommand('Switchboard: Set API Key');
          await instance.page.locator('.quick-input-widget .quick-input-box input[type=password]').waitFor({ timeout: scaled(15_000) });
          return true;
        },
        { what: 'the Set API Key prompt', timeoutMs: 150_000, intervalMs: 1_000 },
      );
      await instance.wb.typeIntoQuickInput(KEY);
    });
  });
  after(async () => {
    await vs?.close();
  });

  test("the model picker lists Switchboard's models at once, smart-select among them, and a choice sticks", { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('picker', async () => {
      await openVsChat(vs.wb);
      // The picker lists many models (virtualised rows): look each up through its search box.
      const rowsFor = async (filter: string): Promise<string[]> => {
        await modelPicker(vs.wb).click();
        const rows = vs.page.locator('.context-view .monaco-list-row');
        await rows.first().waitFor({ timeout: scaled(30_000) });
        await vs.page.keyboard.type(filter);
        await rows
          .filter({ hasText: filter })
          .first()
          .waitFor({ timeout: scaled(10_000) });
        const texts = await rows.evaluateAll((els) => els.map((el) => (el as HTMLElement).innerText.trim()));
        // The first Escape clears the search box; the picker closes on a later one.
        await waitFor(
          async () => {
            await vs.page.keyboard.press('Escape');
            return (await rows.count()) === 0;
          },
          { what: 'the model picker to close', timeoutMs: 10_000, intervalMs: 300 },
        );
        return texts;
      };
      const gpt = await waitFor(() => rowsFor('openai/gpt-4.1'), {
        what: "Switchboard's models in the Chat view's model picker",
        timeoutMs: 60_000,
        intervalMs: 2_000,
      });
      const smart = await rowsFor('smart-select');
      assert.ok(
        smart.some((t) => t.includes('smart-select')),
        `smart-select is offered: ${smart.join(' | ')}`,
      );
      // One name per model in every picker: the id, with the friendly name in the detail.
      assert.match(
        gpt.join('\n'),
        /openai\/gpt-4\.1\nGPT-4\.1 · \$2\.00 \/ \$8\.00 per 1M · 1\.05M context/,
        'a catalog model by its id, with its price and window',
      );
      // A built-in catalog model: listed at once after a reload too (the gateway's own models join once fetched).
      await chooseModel(vs.wb, 'gpt-4.1-mini', 'openai/gpt-4.1-mini');
    });
    await vs.step('picker-after-reload', async () => {
      await vs.wb.reloadWindow();
      await vs.wb.waitForStatusBarItem('sim/echo');
      await openVsChat(vs.wb);
      await waitFor(async () => ((await modelPicker(vs.wb).innerText()) ?? '').includes('openai/gpt-4.1-mini'), {
        what: 'the chosen model in the picker after a reload',
        timeoutMs: 90_000,
      });
    });
    await vs.step('participant-uses-picked-model', async () => {
      // VS Code's convention: @switchboard answers with the model picked in the Chat view when it is one of ours.
      const answer = await ask('@switchboard which model answers?', (t) => t.includes('answered by'));
      assert.match(
        answer,
        /answered by openai\/gpt-4\.1-mini/,
        `the picked model answers, not switchboard.model (sim/echo): ${JSON.stringify(answer.slice(-200))}`,
      );
      await chooseModel(vs.wb, 'sim/echo', 'sim/echo');
    });
  });

  test("@switchboard streams the router's answer with a footer naming the model", { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('participant-answer', async () => {
      const question = 'what is a monad?';
      const completedBefore = vs.sim.stats().completed;
      const answer = await ask(`@switchboard ${question}`, (t) => t.includes('answered by'));
      assert.ok(answer.includes(question), `sim/echo's answer reached the Chat view: ${JSON.stringify(answer.slice(0, 300))}`);
      assert.match(answer, /answered by sim\/echo/, 'the footer names the model that answered');
      assert.ok(vs.sim.stats().completed > completedBefore, 'the simulator (the gateway) answered');
    });
  });

  test("/explain explains the editor's selection; /model and /usage answer", { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('explain', async () => {
      await vs.wb.openFile(SAMPLE_FILE);
      await vs.wb.selectFirstLines(SAMPLE_FUNCTION_LINES);
      const answer = await ask('@switchboard /explain', (t) => t.includes('answered by'));
      assert.match(answer, /def fibonacci\(n\)/, 'the echoed prompt carries the selected function');
      assert.match(answer, /python/i, 'and names its language');
    });
    await vs.step('model-usage', async () => {
      const model = await ask('@switchboard /model', (t) => t.includes('Current model'));
      assert.match(model, /Current model: sim\/echo/);
      // VS Code renders a chat answer progressively: wait for the table's row, not just its first line.
      const usage = await ask('@switchboard /usage', (t) => t.includes('Today') && /sim\/echo/.test(t));
      assert.match(usage, /Today:.*answers?/);
      // Counted once (issue 24 item 1): /usage's answers are the ledger's lines, not twice as many.
      const answers = ledger().filter((r) => !r.error).length;
      assert.equal(Number(/over (\d+) answers?/.exec(usage)?.[1]), answers, `/usage counts each answer's ledger line once: ${usage.split('\n')[0]}`);
      assert.match(usage, /sim\/echo/, 'the table lists the model used so far');
    });
  });

  test('another extension calls a Switchboard model through vscode.lm with a tool-call round trip', { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('lm-tool-call', async () => {
      const result = await runCaller('LM Caller: Tool Round Trip');
      assert.equal(result.ok, true, `the caller succeeded: ${result.error ?? ''}`);
      assert.equal(result.model, 'sim/tool');
      assert.equal(result.call?.name, 'lookup', 'the model asked for the tool');
      assert.equal(result.call?.input.q, 'capybara', 'with the user message as argument');
      assert.ok(result.toolResult && result.answer?.includes(result.toolResult), `the final answer uses the tool result: ${JSON.stringify(result.answer)}`);
      assert.ok((result.tokens ?? 0) > 0, 'countTokens answers');
    });
  });

  test("the Chat view's stop button closes the upstream connection within 1 s", { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('stop', async () => {
      await use({ 'switchboard.model': 'sim/lorem?tokens=3000&chunkMs=20' });
      // The setting's model is listed in the picker (as its default) even though no list names it: pick it.
      await chooseModel(vs.wb, 'chunkMs', 'sim/lorem?tokens=3000&chunkMs=20');
      const abortedBefore = vs.sim.stats().aborted;
      await askVsChat(vs.wb, '@switchboard tell me a very long story');
      await waitFor(async () => (await lastVsResponse(vs.wb)).split(/\s+/).length > 20, { what: 'the lorem answer to start streaming' });
      assert.equal(vs.sim.stats().inFlight, 1, 'the upstream request is open while streaming');
      await stopButton(vs.wb).click();
      const clicked = Date.now();
      await waitFor(() => vs.sim.stats().aborted > abortedBefore, { what: 'the simulator to see the connection closed', timeoutMs: 10_000, intervalMs: 20 });
      const ms = Date.now() - clicked;
      assert.ok(ms < 1_000, `the upstream connection closed ${ms} ms after Stop`);
      assert.equal(vs.sim.stats().inFlight, 0, 'nothing is left in flight');
      // What streamed before Stop was paid for: it is one ledger line, marked as stopped.
      await waitFor(() => ledger().some((r) => r.error === 'cancelled' && r.answeredBy.startsWith('sim/lorem')), { what: 'the stopped answer in usage.jsonl' });
    });
  });

  test('VS Code Chat and vscode.lm requests land in the one usage ledger and budget; onExceed block blocks both', { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('ledger-budget', async () => {
      await use({ 'switchboard.model': 'sim/echo' });
      await chooseModel(vs.wb, 'sim/echo', 'sim/echo');
      const before = ledger().length;
      await ask('@switchboard count me in the ledger', (t) => t.includes('answered by'));
      const viaLm = await runCaller('LM Caller: Ask');
      assert.equal(viaLm.ok, true, viaLm.error);
      await waitFor(() => ledger().length >= before + 2, { what: 'two more records in usage.jsonl' });
      const records = ledger();
      assert.ok(
        records.slice(before).every((r) => r.answeredBy === 'sim/echo'),
        'both requests are recorded as sim/echo',
      );

      await useUserSettings({ 'switchboard.budget.monthlyUsd': 0.000001, 'switchboard.budget.onExceed': 'block' });
      const blocked = await ask('@switchboard over budget?', (t) => /budget/i.test(t));
      assert.match(blocked, /budget/i, `the Chat view names the budget: ${JSON.stringify(blocked.slice(0, 300))}`);
      const blockedLm = await runCaller('LM Caller: Ask');
      assert.equal(blockedLm.ok, false, 'vscode.lm is blocked too');
      assert.match(blockedLm.error ?? '', /budget/i, `the error names the budget: ${blockedLm.error}`);
      await useUserSettings({ 'switchboard.budget.monthlyUsd': undefined, 'switchboard.budget.onExceed': undefined });
    });
  });

  test('no key in any log, the chat transcript or the settings', { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('secrecy', async () => {
      const report = vs.scanForSecret(KEY);
      assert.deepEqual(report.leaks, [], `files containing the key: ${report.leaks.join(', ')}`);
      assert.ok(!(await vs.wb.allFramesHtml()).includes(KEY), 'no frame (the Chat transcript included) contains the key');
      const chatSessions = path.join(vs.dirs.userDataDir, 'User', 'workspaceStorage');
      const transcripts = existsSync(chatSessions) ? readdirText(chatSessions) : '';
      assert.ok(!transcripts.includes(KEY), 'no stored chat session contains the key');
    });
  });

  test('the key set with Set API Key survives a window reload and a code-server restart', { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('key-after-reload', async () => {
      await vs.wb.reloadWindow();
      // Typed before the extension is back, `@switchboard` is plain text (and asks for a Copilot sign-in).
      await vs.wb.waitForStatusBarItem('sim/echo');
      const answer = await ask('@switchboard still there after reload?', (t) => t.includes('answered by'));
      assert.match(answer, /still there after reload/);
    });
    await vs.step('key-after-restart', async () => {
      await vs.restartCodeServer();
      await vs.wb.waitForStatusBarItem('sim/echo');
      const answer = await ask('@switchboard still there after restart?', (t) => t.includes('answered by'));
      assert.match(answer, /still there after restart/);
    });
  });
});

/** Every file's text under `dir` (for scanning stored chat sessions). */
function readdirText(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => readFileSync(f, 'latin1'))
    .join('\n');
}
