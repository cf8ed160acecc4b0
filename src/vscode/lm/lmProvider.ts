// Switchboard's language model provider in VS Code's chat (model picker, agent mode) where the API exists (1.104+),
// attached to the provider src/boot.ts registered at start-up. The handlers live in lmChatProvider.ts; this file only
// binds them to the `vscode` module.
import * as vscode from 'vscode';
import { attachLmProvider, SwitchboardLmProvider, type LmProviderDeps } from './lmChatProvider';
import type { LmPartFactory } from './lmTypes';
import type { LmProviderSlot } from './startupProvider';

const parts: LmPartFactory = {
  text: (value) => new vscode.LanguageModelTextPart(value),
  toolCall: (callId, name, input) => new vscode.LanguageModelToolCallPart(callId, name, input),
};

export function registerLmProvider(ctx: vscode.ExtensionContext, deps: LmProviderDeps, slot: LmProviderSlot | undefined): vscode.Disposable {
  const provider = new SwitchboardLmProvider(deps, parts);
  const registration = attachLmProvider(provider, slot, deps.log);
  const settings = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('switchboard')) provider.refresh();
  });
  const secrets = ctx.secrets.onDidChange((e) => {
    if (e.key.startsWith('switchboard.')) provider.refresh();
  });
  return vscode.Disposable.from(registration, settings, secrets);
}
