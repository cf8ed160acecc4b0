// Switchboard: Manage Models and Key — the one place VS Code's model picker ("Manage Models…") sends the user: a quick
// pick of exactly what the title says, each row running its command.
import * as vscode from 'vscode';

const CHOICES: readonly { command: string; label: string; detail: string }[] = [
  { command: 'switchboard.setApiKey', label: '$(key) Set API Key', detail: 'Store the one key in SecretStorage' },
  { command: 'switchboard.choosePreset', label: '$(globe) Choose Gateway', detail: 'Select, OpenRouter, LiteLLM, Portkey, OpenAI, Ollama or your own URL' },
  { command: 'switchboard.switchModel', label: '$(arrow-swap) Switch Model', detail: 'smart-select or a model of your choice' },
  { command: 'switchboard.addFallback', label: '$(debug-step-over) Add Fallback…', detail: 'A model tried when another fails' },
  { command: 'switchboard.checkConnection', label: '$(pulse) Check Connection', detail: 'Proxy, TLS, key and one small request, step by step' },
  { command: 'workbench.action.openSettings', label: '$(settings-gear) All Switchboard Settings', detail: 'Settings filtered to Switchboard' },
];

/** `extensionId` filters the settings editor to this extension's settings. */
export function registerManage(extensionId: string): vscode.Disposable {
  return vscode.commands.registerCommand('switchboard.manage', async () => {
    const pick = await vscode.window.showQuickPick(
      CHOICES.map((c) => ({ label: vscode.l10n.t(c.label), detail: vscode.l10n.t(c.detail), command: c.command })),
      { title: vscode.l10n.t('Switchboard: manage models and key') },
    );
    if (!pick) return;
    await vscode.commands.executeCommand(pick.command, ...(pick.command === 'workbench.action.openSettings' ? [`@ext:${extensionId}`] : []));
  });
}
