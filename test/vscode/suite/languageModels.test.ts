// Switchboard in VS Code's own chat. On VS Code 1.104+ its models are offered to vscode.lm under the manifest's
// vendor, a request through the provider streams the simulator's answer, and @switchboard answers in the Chat view;
// on older VS Code the routing log says why its models are not offered.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { waitFor } from '../../e2e/wait';
import { SUITE_MODEL } from '../settingsPlan';
import { routingLogText } from './profileFiles';
import { ask, hasLmProviderApi, lmVendor, runAnswering, switchboardModel } from './vscodeApi';
import type { World } from './world';

const SMART_SELECT = 'smart-select';

export function defineLanguageModelTests(world: World): void {
  describe(`VS Code's chat (this is VS Code ${vscode.version})`, () => {
    before(async () => {
      if (!hasLmProviderApi()) return;
      // The simulator answers only the key given with Set API Key.
      await runAnswering('switchboard.setApiKey', world.key);
    });

    it('before 1.104: the routing log says its models are not offered, and vscode.lm lists none', async function () {
      if (hasLmProviderApi()) this.skip();
      await waitFor(() => /needs 1\.104\+/.test(routingLogText(world)), { what: 'the routing log line saying VS Code has no language model provider API' });
      assert.deepEqual(await vscode.lm.selectChatModels({ vendor: lmVendor() }), []);
    });

    it("1.104+: offers its models to vscode.lm under the manifest's vendor, smart-select among them", async function () {
      if (!hasLmProviderApi()) this.skip();
      const models = await waitFor(
        async () => {
          const listed = await vscode.lm.selectChatModels({ vendor: lmVendor() });
          return listed.some((m) => m.id === SMART_SELECT) ? listed : undefined;
        },
        { what: `${SMART_SELECT} among vscode.lm's models of vendor ${lmVendor()}` },
      );
      assert.deepEqual(
        models.filter((m) => m.vendor !== lmVendor()),
        [],
      );
    });

    it("1.104+: a chat request through the provider streams the simulator's answer", async function () {
      if (!hasLmProviderApi()) this.skip();
      const model = await switchboardModel(SUITE_MODEL);
      const prompt = `stream these words back one by one ${randomBytes(4).toString('hex')}`;
      const completed = world.sim.stats().completed;
      const parts = await ask(model, prompt);
      assert.equal(parts.join(''), prompt, 'sim/echo answers with the prompt');
      assert.ok(parts.length > 1, `the answer arrived in pieces, not at once (${parts.length} part)`);
      assert.equal(world.sim.stats().completed, completed + 1, 'the simulator served exactly this request');
    });

    it('1.104+: @switchboard answers in the Chat view through the router', async function () {
      if (!hasLmProviderApi()) this.skip();
      const completed = world.sim.stats().completed;
      const prompt = `participant check ${randomBytes(4).toString('hex')}`;
      await vscode.commands.executeCommand('workbench.action.chat.open', { query: `@switchboard ${prompt}`, mode: 'ask' });
      await waitFor(() => world.sim.stats().completed > completed, {
        what: "@switchboard's request (sent with workbench.action.chat.open) answered by the simulator",
        timeoutMs: 90_000,
      });
    });
  });
}
