// Runs inside a real VS Code (via @vscode/test-electron): the extension activates and every command its
// manifest contributes is registered.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'switchboard-dev.switchboard';
const CORE_COMMANDS = [
  'switchboard.askModel',
  'switchboard.explainSelection',
  'switchboard.switchModel',
  'switchboard.setApiKey',
  'switchboard.clearApiKey',
  'switchboard.showLog',
  'switchboard.showUsage',
];

interface Manifest {
  contributes?: { commands?: Array<{ command: string }> };
}

describe('Switchboard in VS Code', () => {
  it('is installed and activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is present`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers the core commands', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = CORE_COMMANDS.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `commands not registered: ${missing.join(', ')}`);
  });

  it('registers every command its manifest contributes', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as Manifest | undefined;
    const contributed = (manifest?.contributes?.commands ?? []).map((c) => c.command);
    assert.ok(contributed.length >= CORE_COMMANDS.length, 'the manifest contributes commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
  });

  it('shows the configured model in the settings it reads', () => {
    const model = vscode.workspace.getConfiguration('switchboard').get<string>('model');
    assert.equal(typeof model, 'string');
    assert.ok(model && model.length > 0, 'switchboard.model has a non-empty default');
  });
});
