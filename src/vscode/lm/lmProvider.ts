// Registers Switchboard as a language model provider in VS Code's chat (model picker, agent mode) where the API
// exists (1.104+). The handlers live in lmChatProvider.ts; this file only binds them to the `vscode` module.
import * as vscode from 'vscode';
import { registerLmProviderWith, SwitchboardLmProvider, type LmProviderDeps } from './lmChatProvider';
import type { LmNamespaceLike, LmPartFactory } from './lmTypes';
import type { LmProviderSlot } from './startupProvider';

const parts: LmPartFactory = {
  text: (value) => new vscode.LanguageModelTextPart(value),
  toolCall: (callId, name, input) => new vscode.LanguageModelToolCallPart(callId, name, input),
};

/** Registers Switchboard's provider, or attaches it to the one src/boot.ts registered at start-up (`slot`). */
export function registerLmProvider(ctx: vscode.ExtensionContext, deps: LmProviderDeps, slot?: LmProviderSlot): vscode.Disposable {
  const provider = new SwitchboardLmProvider(deps, parts);
  const registration = registerLmProviderWith(vscode.lm as unknown as LmNamespaceLike, provider, deps.log, slot);
  const settings = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('switchboard')) provider.refresh();
  });
  const secrets = ctx.secrets.onDidChange((e) => {
    if (e.key.startsWith('switchboard.')) provider.refresh();
  });
  return vscode.Disposable.from(registration, settings, secrets);
}
