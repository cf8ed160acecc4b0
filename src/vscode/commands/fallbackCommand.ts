// Switchboard: Add Fallback… — picks the model that fails and the one to try next, and writes `switchboard.fallbacks`
// for the user (in Settings it can only be edited as JSON). The "Every candidate failed" toast runs it with the model.
import * as vscode from 'vscode';
import type { ModelInfo } from '../../core/base/types';

export interface AddFallbackDeps {
  listModels(): Promise<ModelInfo[]>;
  currentModel(): string;
  fallbacks(): Readonly<Record<string, readonly string[]>>;
  setFallbacks(value: Record<string, string[]>): Promise<void>;
}

type Item = vscode.QuickPickItem & { model: string };

/** `fallbacks` with `fallback` added at the end of `model`'s chain (once). */
export function withFallback(fallbacks: Readonly<Record<string, readonly string[]>>, model: string, fallback: string): Record<string, string[]> {
  const out: Record<string, string[]> = Object.fromEntries(Object.entries(fallbacks).map(([k, v]) => [k, [...v]]));
  const chain = out[model] ?? [];
  if (!chain.includes(fallback)) chain.push(fallback);
  out[model] = chain;
  return out;
}

export function registerAddFallback(deps: AddFallbackDeps): vscode.Disposable {
  return vscode.commands.registerCommand('switchboard.addFallback', async (forModel?: unknown) => {
    const model = typeof forModel === 'string' && forModel ? forModel : await pickFailing(deps);
    if (!model) return;
    const chain = deps.fallbacks()[model] ?? [];
    let models: ModelInfo[] = [];
    try {
      models = await deps.listModels();
    } catch {
      // the catalog is unavailable: the user can still type a model id below
    }
    const items: Item[] = models.filter((m) => m.id !== model && !chain.includes(m.id)).map((m) => ({ label: m.id, description: m.provider, model: m.id }));
    const pick = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Switchboard: fallback for {0}', model),
      placeHolder: vscode.l10n.t('The model tried when {0} fails before answering', model),
      matchOnDescription: true,
    });
    if (!pick) return;
    await deps.setFallbacks(withFallback(deps.fallbacks(), model, pick.model));
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Switchboard: {0} now answers when {1} fails (saved in "switchboard.fallbacks").', pick.model, model === '*' ? 'any model' : model),
    );
  });
}

/** Which model gets the fallback: the current one, every model ("*"), or one that already has a chain. */
async function pickFailing(deps: AddFallbackDeps): Promise<string | undefined> {
  const current = deps.currentModel();
  const items: Item[] = [
    { label: current, description: vscode.l10n.t('the current model'), model: current },
    { label: '*', description: vscode.l10n.t('every model without a chain of its own'), model: '*' },
    ...Object.keys(deps.fallbacks())
      .filter((k) => k !== current && k !== '*')
      .map((k) => ({ label: k, description: vscode.l10n.t('has fallbacks'), model: k })),
  ];
  return (await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Switchboard: add a fallback to which model?') }))?.model;
}
