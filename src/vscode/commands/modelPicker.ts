// The "Switchboard: Switch Model" quick pick: smart-select first, recent models, then every model by provider.
import * as vscode from 'vscode';
import type { ModelInfo } from '../../core/base/types';
import type { SmartSelectMode } from '../../core/config/settings';
import { formatUsd } from '../../core/base/format';

const RECENT_KEY = 'switchboard.recentModels';

type ModelItem = vscode.QuickPickItem & { model?: string; smartSelectMode?: SmartSelectMode };

/** Who decides `smart-select` now, and the gateway's own auto-routing model when its preset has one. */
export interface RoutingChoice {
  mode: SmartSelectMode;
  gatewayAuto?: { id: string; label: string };
}

const perMillion = (perToken: number) => formatUsd(perToken * 1e6);
const windowLabel = (tokens: number) => (tokens >= 1e6 ? `${(tokens / 1e6).toFixed(tokens % 1e6 ? 1 : 0)}M` : `${Math.round(tokens / 1000)}k`);

function describe(m: ModelInfo): string {
  return `${perMillion(m.pricing.input)} in / ${perMillion(m.pricing.output)} out per 1M · ${windowLabel(m.contextWindow)} context`;
}

/** Builds the quick pick items: smart-select first, recent models next, then every model grouped by provider. */
export function modelItems(models: readonly ModelInfo[], current: string, recent: readonly string[], routing: RoutingChoice = { mode: 'local' }): ModelItem[] {
  const byId = new Map(models.map((m) => [m.id, m]));
  const mark = (id: string) => (id === current ? '$(check) ' : '');
  const auto = routing.gatewayAuto;
  // Switchboard's own smart-select and the gateway's auto-routing side by side, so the difference is visible.
  const smartLocal = current === 'smart-select' && routing.mode === 'local';
  const items: ModelItem[] = [
    {
      label: `${smartLocal ? '$(check) ' : ''}smart-select`,
      description: vscode.l10n.t('Switchboard decides, explained'),
      model: 'smart-select',
      ...(auto ? { smartSelectMode: 'local' as const } : {}),
    },
  ];
  if (auto) {
    const chosen = auto.id === 'smart-select' ? current === 'smart-select' && routing.mode === 'gateway' : current === auto.id;
    items.push({
      label: `${chosen ? '$(check) ' : ''}${auto.label}`,
      description: vscode.l10n.t('the gateway decides ({0})', auto.id),
      model: auto.id,
      ...(auto.id === 'smart-select' ? { smartSelectMode: 'gateway' as const } : {}),
    });
  }
  const recentIds = recent.filter((id) => id !== 'smart-select').slice(0, 5);
  if (recentIds.length) {
    items.push({ label: vscode.l10n.t('recent'), kind: vscode.QuickPickItemKind.Separator });
    for (const id of recentIds) {
      const m = byId.get(id);
      items.push({ label: `${mark(id)}${id}`, description: m ? describe(m) : undefined, model: id });
    }
  }
  const providers = new Map<string, ModelInfo[]>();
  for (const m of models) providers.set(m.provider, [...(providers.get(m.provider) ?? []), m]);
  for (const [provider, list] of [...providers].sort(([a], [b]) => a.localeCompare(b))) {
    items.push({ label: provider, kind: vscode.QuickPickItemKind.Separator });
    for (const m of list.sort((a, b) => a.id.localeCompare(b.id))) {
      items.push({ label: `${mark(m.id)}${m.id}`, description: describe(m), detail: m.tags.length ? m.tags.join(' · ') : undefined, model: m.id });
    }
  }
  return items;
}

export interface ModelPickerDeps {
  listModels(): Promise<ModelInfo[]>;
  currentModel(): string;
  setModel(model: string): Promise<void>;
  routing(): RoutingChoice;
  setSmartSelectMode(mode: SmartSelectMode): Promise<void>;
}

/** Switch Model: a searchable quick pick; a typed id that is not in the list can be used as is. */
export function registerSwitchModel(ctx: vscode.ExtensionContext, deps: ModelPickerDeps): vscode.Disposable {
  return vscode.commands.registerCommand('switchboard.switchModel', async () => {
    const qp = vscode.window.createQuickPick<ModelItem>();
    qp.title = vscode.l10n.t('Switchboard: Switch Model');
    qp.placeholder = vscode.l10n.t('Search models, or type any provider/model id');
    qp.matchOnDescription = true;
    qp.busy = true;
    qp.show();
    const recent = ctx.globalState.get<string[]>(RECENT_KEY, []);
    let base: ModelItem[] = modelItems([], deps.currentModel(), recent, deps.routing());
    qp.items = base;
    deps.listModels().then(
      (models) => {
        base = modelItems(models, deps.currentModel(), recent, deps.routing());
        qp.items = base;
        qp.busy = false;
      },
      () => (qp.busy = false),
    );
    qp.onDidChangeValue((v) => {
      const typed = v.trim();
      const known = base.some((i) => i.model === typed);
      qp.items =
        typed && !known && /^[\w.:/?&=@-]+$/.test(typed)
          ? [...base, { label: typed, description: vscode.l10n.t('use this model id'), model: typed, alwaysShow: true }]
          : base;
    });
    let mode: SmartSelectMode | undefined;
    const chosen = await new Promise<string | undefined>((resolve) => {
      let result: string | undefined;
      qp.onDidAccept(() => {
        result = qp.selectedItems[0]?.model;
        mode = qp.selectedItems[0]?.smartSelectMode;
        qp.hide();
      });
      qp.onDidHide(() => {
        qp.dispose();
        resolve(result);
      });
    });
    if (!chosen) return;
    if (mode) await deps.setSmartSelectMode(mode);
    await deps.setModel(chosen);
    await ctx.globalState.update(RECENT_KEY, [chosen, ...recent.filter((r) => r !== chosen)].slice(0, 10));
  });
}
