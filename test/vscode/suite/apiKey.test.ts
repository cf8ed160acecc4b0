// Set API Key keeps the key in SecretStorage and nowhere else: no setting holds it, no file of the profile (logs,
// global state, the usage ledger, workspace storage, the workspace) contains it, and once Clear API Key deletes the
// secret the extension has no other copy to send. Runs last: by then every other test has logged and recorded.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { waitFor } from '../../e2e/wait';
import { SUITE_MODEL } from '../settingsPlan';
import { filesHolding, keyFreeFiles, ledgerFile, routingLogText, userSettingsFile, workspaceSettingsFile } from './profileFiles';
import { ask, hasLmProviderApi, manifest, replace, runAnswering, switchboardModel } from './vscodeApi';
import type { World } from './world';

export function defineApiKeyTests(world: World): void {
  describe('Set API Key: SecretStorage and nothing else', () => {
    const prompt = `key check ${randomBytes(4).toString('hex')}`;

    it('stores the key where the extension reads it back, and in no setting', async () => {
      await runAnswering('switchboard.setApiKey', world.key);
      assert.deepEqual(filesHolding(world.key, [userSettingsFile(world), workspaceSettingsFile(world)]), [], 'settings files holding the key');
      const config = vscode.workspace.getConfiguration();
      const names = Object.keys(manifest().contributes.configuration.properties);
      assert.deepEqual(
        names.filter((name) => JSON.stringify(config.get(name) ?? null).includes(world.key)),
        [],
        'settings whose value holds the key',
      );
      if (hasLmProviderApi()) {
        // The simulator accepts no other key: an answer means the extension read back exactly this one.
        const parts = await ask(await switchboardModel(SUITE_MODEL), prompt);
        assert.equal(parts.join(''), prompt);
      }
    });

    it('writes the key to no log, global state, ledger, workspace storage or workspace file', async () => {
      if (hasLmProviderApi()) {
        // Wait until the answer above is logged and recorded, so the scan below reads what it wrote.
        await waitFor(() => /\] done sim\/echo/.test(routingLogText(world)), { what: "the routing log's line for the answer" });
        await waitFor(() => existsSync(ledgerFile(world)) && readFileSync(ledgerFile(world), 'utf8').trim() !== '', {
          what: "the usage ledger's record of the answer",
        });
      } else {
        await waitFor(() => routingLogText(world).trim() !== '', { what: 'a line in the routing log' });
      }
      const log = routingLogText(world);
      assert.ok(log.trim() !== '' && !log.includes(world.key), 'the routing log has lines, and the key in none of them');
      const files = keyFreeFiles(world);
      assert.ok(files.length > 0, 'the profile has files to scan');
      assert.deepEqual(filesHolding(world.key, files), [], `of ${files.length} files, these hold the key`);
    });

    it('1.104+: after Clear API Key the extension has no copy of the key left to send', async function () {
      if (!hasLmProviderApi()) this.skip();
      await vscode.commands.executeCommand('switchboard.clearApiKey');
      const model = await switchboardModel(SUITE_MODEL);
      const refused = world.sim.stats().requests;
      // Should the extension ask for a key again, the user dismisses the box.
      const restore = replace(vscode.window, 'showInputBox', async () => undefined);
      try {
        await assert.rejects(ask(model, prompt), 'the simulator refuses a request without its key');
      } finally {
        restore();
      }
      assert.ok(world.sim.stats().requests > refused, 'the request reached the simulator (and was refused there)');
    });
  });
}
