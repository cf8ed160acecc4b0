// Issue 20 item 5 as a user meets it: "Switchboard: Connect Terminal Agents" puts the four agent variables into new
// integrated terminals (read back by running `node` in one), a request through the gateway with Codex's User-Agent
// then shows under "Codex" in the usage view, and "Disconnect Terminal Agents" (or stopping the gateway) takes the
// variables away again.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startInstance, type Instance } from './harness';
import { lanes } from './lanes';
import { scaled, waitFor } from './wait';

const KEY = `sk-e2e-agents-${randomBytes(8).toString('hex')}`;
const STEP_TIMEOUT = scaled(180_000);
const NAMES = ['ANTHROPIC_BASE_URL', 'ANTHROPIC_AUTH_TOKEN', 'OPENAI_BASE_URL', 'OPENAI_API_KEY'];

type AgentVars = Record<string, string | null>;

/** Opens a new integrated terminal and has `node` write the agent variables it sees to `file`. */
async function readTerminalEnv(vs: Instance, file: string): Promise<AgentVars> {
  await vs.wb.runCommand('Terminal: Create New Terminal');
  const terminal = vs.page.locator('.terminal-wrapper.active .xterm, .xterm').last();
  await terminal.waitFor({ timeout: scaled(30_000) });
  await terminal.click();
  const script = `const e=process.env;require('fs').writeFileSync(${JSON.stringify(file)},JSON.stringify(Object.fromEntries(${JSON.stringify(NAMES)}.map(n=>[n,e[n]??null]))))`;
  await vs.page.keyboard.type(`node -e "${script.replace(/"/g, '\\"')}"`);
  await vs.page.keyboard.press('Enter');
  await waitFor(() => existsSync(file), { what: `the terminal's node to write ${file}`, timeoutMs: scaled(30_000) });
  return JSON.parse(readFileSync(file, 'utf8')) as AgentVars;
}

describe('Connect Terminal Agents in code-server', { timeout: scaled(600_000), ...lanes('1.100') }, () => {
  let vs: Instance;

  before(async () => {
    vs = await startInstance({ name: 'agents', simKey: KEY, keyInEnv: true, settings: { 'switchboard.model': 'sim/echo', 'switchboard.fallbacks': {} } });
    await vs.wb.waitForStatusBarItem('sim/echo');
  });
  after(async () => {
    await vs?.close();
  });

  let connected: AgentVars = {};

  test('Connect: a new terminal sees the gateway URL and the local token, never the key', { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('connect', async () => {
      await vs.wb.runCommand('Switchboard: Connect Terminal Agents');
      connected = await readTerminalEnv(vs, path.join(vs.dirs.workspace, 'agent-env-connected.json'));
      assert.match(String(connected.OPENAI_BASE_URL), /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      assert.equal(connected.ANTHROPIC_BASE_URL, String(connected.OPENAI_BASE_URL).replace(/\/v1$/, ''));
      assert.match(String(connected.OPENAI_API_KEY), /^sb-local-/);
      assert.equal(connected.ANTHROPIC_AUTH_TOKEN, connected.OPENAI_API_KEY);
      assert.ok(!JSON.stringify(connected).includes(KEY), 'the key reached the terminal variables');
    });
  });

  test("a request with Codex's User-Agent shows under Codex in the usage view", { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('codex-in-usage', async () => {
      assert.ok(connected.OPENAI_BASE_URL, 'connected first');
      const answer = await fetch(`${connected.OPENAI_BASE_URL}/responses`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${connected.OPENAI_API_KEY}`,
          'content-type': 'application/json',
          'user-agent': 'codex_exec/0.169.0 (Debian 12.0.0; x86_64)',
        },
        body: JSON.stringify({ model: 'sim/echo', input: 'hello from codex in the terminal', store: false }),
      });
      assert.equal(answer.status, 200, await answer.clone().text());
      const body = (await answer.json()) as { output: { type: string; content?: { text: string }[] }[] };
      assert.equal(body.output[0].content?.[0].text, 'hello from codex in the terminal');
      await vs.wb.runCommand('Switchboard: Show Usage');
      const frame = await vs.wb.frameWith('[data-testid=usage-clients]', { what: 'the per-client table of the Switchboard Usage panel' });
      const row = frame.locator('[data-testid=usage-client-row][data-client="codex"]').first();
      await row.waitFor({ timeout: scaled(30_000) });
      assert.equal(await row.locator('th').first().textContent(), 'Codex');
      assert.equal(await row.locator('td').first().textContent(), '1');
    });
  });

  test('Disconnect: a new terminal no longer sees the variables', { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('disconnect', async () => {
      await vs.wb.runCommand('Switchboard: Disconnect Terminal Agents');
      const after = await readTerminalEnv(vs, path.join(vs.dirs.workspace, 'agent-env-disconnected.json'));
      assert.equal(after.ANTHROPIC_BASE_URL, null);
      assert.equal(after.ANTHROPIC_AUTH_TOKEN, null);
      assert.equal(after.OPENAI_BASE_URL, null);
      assert.notEqual(after.OPENAI_API_KEY, connected.OPENAI_API_KEY);
    });
  });

  test('Stop Local Gateway disconnects the terminal agents too (their token would point at nothing)', { timeout: STEP_TIMEOUT }, async () => {
    await vs.step('stop-disconnects', async () => {
      await vs.wb.runCommand('Switchboard: Connect Terminal Agents');
      const again = await readTerminalEnv(vs, path.join(vs.dirs.workspace, 'agent-env-reconnected.json'));
      assert.match(String(again.OPENAI_API_KEY), /^sb-local-/);
      await vs.wb.runCommand('Switchboard: Stop Local Gateway');
      const stopped = await readTerminalEnv(vs, path.join(vs.dirs.workspace, 'agent-env-stopped.json'));
      assert.equal(stopped.OPENAI_BASE_URL, null);
      assert.equal(stopped.ANTHROPIC_AUTH_TOKEN, null);
    });
  });
});
