// The settings VS Code reads are the ones the manifest contributes, with its defaults and its scopes: the runner
// set every switchboard.* setting in the workspace (settingsPlan.ts), and VS Code must drop exactly the
// application- and machine-scoped ones, so a workspace can never choose where the key is sent.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { simBaseUrl } from '../contract';
import { USER_ONLY_SCOPES, workspaceSettings } from '../settingsPlan';
import { workspaceSettingsFile } from './profileFiles';
import { manifest } from './vscodeApi';
import type { World } from './world';

export function defineSettingsTests(world: World): void {
  describe("Settings: the manifest's defaults and scopes", () => {
    const settings = () => Object.entries(manifest().contributes.configuration.properties);

    it("every contributed setting is known to VS Code with the manifest's default", () => {
      const config = vscode.workspace.getConfiguration();
      const wrong = settings()
        .filter(([, spec]) => spec.default !== undefined)
        .filter(([name, spec]) => JSON.stringify(config.inspect(name)?.defaultValue) !== JSON.stringify(spec.default))
        .map(([name]) => name);
      assert.deepEqual(wrong, [], 'settings whose default in VS Code differs from package.json');
    });

    it("a workspace value counts only where the manifest's scope allows it", () => {
      const planned = workspaceSettings(manifest());
      const onDisk = JSON.parse(readFileSync(workspaceSettingsFile(world), 'utf8')) as Record<string, unknown>;
      assert.deepEqual(Object.keys(onDisk).sort(), Object.keys(planned).sort(), 'the workspace sets every contributed setting');
      const config = vscode.workspace.getConfiguration();
      for (const [name, spec] of settings()) {
        const workspaceValue = config.inspect(name)?.workspaceValue;
        if (USER_ONLY_SCOPES.includes(spec.scope ?? 'window'))
          assert.equal(workspaceValue, undefined, `${name} (scope ${spec.scope}) must ignore the workspace's value`);
        else assert.deepEqual(workspaceValue, planned[name], `${name} (scope ${spec.scope ?? 'window'}) takes the workspace's value`);
      }
    });

    it('the gateway is the one the user settings name, whatever the workspace says', () => {
      assert.equal(vscode.workspace.getConfiguration('switchboard').get('gateway.baseUrl'), simBaseUrl(world.sim.port));
    });
  });
}
