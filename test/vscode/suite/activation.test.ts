// The extension activates in a real VS Code and registers every command its manifest contributes.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { manifest, switchboardExtension } from './vscodeApi';

export function defineActivationTests(): void {
  describe('Switchboard activates', () => {
    it('is loaded and activates', async () => {
      const extension = switchboardExtension();
      await extension.activate();
      assert.equal(extension.isActive, true);
    });

    it('registers every command its manifest contributes', async () => {
      const contributed = manifest().contributes.commands.map((c) => c.command);
      assert.ok(contributed.length > 0, 'package.json contributes commands');
      const registered = new Set(await vscode.commands.getCommands(true));
      assert.deepEqual(
        contributed.filter((c) => !registered.has(c)),
        [],
        'contributed commands with no handler',
      );
    });
  });
}
