// Switch Model (the status bar's quick pick): smart-select, the gateway's own auto routing, recent models, then the
// catalog by provider; a typed id that is not listed can be used as is.
import * as vscode from 'vscode';
import type { ModelInfo } from '../../core/base/types';
import type { SmartSelectMode } from '../../core/config/settings';
import { formatUsd } from '../../core/base/format';
import type { FeatureDeps, RoutingChoice } from '../featureDeps';
import { ageText, modelChoices, type ModelChoice } from '../modelChoices';
import { accepted } from '../quickPick';

const RECENT_KEY = 'switchboard.recentModels';

type ModelItem = vscode.QuickPickItem & { model?: string; smartSelectMode?: SmartSelectMode };

const perMillion = (perToken: number) => formatUsd(perToken * 1e6);
const windowLabel = (tokens: number) => (tokens >= 1e6 ? `${(tokens / 1e6).toFixed(tokens % 1e6 ? 1 : 0)}M` : `${Math.round(tokens / 1000)}k`);

function describe(m: ModelInfo): string {
  return `${perMillion(m.pricing.input)} in / ${perMillion(m.pricing.output)} out per 1M · ${windowLabel(m.contextWindow)} context`;
}

/** Builds the quick pick items: the routing choices first, recent models next, then every model grouped by provider. */
export function modelItems(models: readonly ModelInfo[], current: string, recent: readonly string[], routing: RoutingChoice = { mode: 'local' }): ModelItem[] {
  const choices = modelChoices(models, current, routing);
  const mark = (c: ModelChoice) => (c.current ? '$(check) ' : '');
  const item = (c: ModelChoice, description?: string): ModelItem => ({
    label: `${mark(c)}${c.label}`,
    description,
    detail: [c.detail, ...(c.info?.tags ?? [])].filter(Boolean).join(' · ') || undefined,
    model: c.model,
    ...(c.smartSelectMode ? { smartSelectMode: c.smartSelectMode } : {}),
  });
  const priced = (c: ModelChoice) => (c.info?.pricing && c.info.contextWindow !== undefined ? describe(c.info as ModelInfo) : undefined);
  const items: ModelItem[] = choices.filter((c) => c.group === '').map((c) => item(c));
  const byModel = new Map(choices.filter((c) => c.group !== '').map((c) => [c.model, c]));
  const recentIds = recent.filter((id) => id !== 'smart-select').slice(0, 5);
  if (recentIds.length) {
    items.push({ label: vscode.l10n.t('recent'), kind: vscode.QuickPickItemKind.Separator });
    for (const id of recentIds) {
      const c = byModel.get(id) ?? { model: id, label: id, group: '', current: id === current };
      items.push({ ...item(c, priced(c)), detail: c.detail });
    }
  }
  let group: string | undefined;
  for (const c of choices) {
    if (c.group === '') continue;
    if (c.group !== group) items.push({ label: c.group, kind: vscode.QuickPickItemKind.Separator });
    group = c.group;
    items.push(item(c, priced(c)));
  }
  return items;
}

export type ModelPickerDeps = Pick<FeatureDeps, 'core' | 'listModels' | 'currentModel' | 'setModel' | 'routing' | 'setSmartSelectMode'>;

/** Switch Model: a searchable quick pick; a typed id that is not in the list can be used as is. */
export function registerSwitchModel(ctx: vscode.ExtensionContext, deps: ModelPickerDeps): vscode.Disposable {
  return vscode.commands.registerCommand('switchboard.switchModel', async () => {
    const qp = vscode.window.createQuickPick<ModelItem>();
    qp.title = vscode.l10n.t('Switchboard: Switch Model');
    qp.placeholder = vscode.l10n.t('Search models, or type any provider/model id');
    qp.matchOnDescription = true;
    qp.busy = true;
    const recent = ctx.globalState.get<string[]>(RECENT_KEY, []);
    let base: ModelItem[] = modelItems([], deps.currentModel(), recent, deps.routing());
    qp.items = base;
    deps.listModels().then(
      async (models) => {
        base = modelItems(models, deps.currentModel(), recent, deps.routing());
        qp.items = base;
        qp.busy = false;
        const fetchedAt = (await deps.core()).catalog.fetchedAt;
        if (fetchedAt !== undefined) qp.title = vscode.l10n.t("Switchboard: Switch Model (the gateway's list from {0})", ageText(Date.now() - fetchedAt));
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
    const picked = (await accepted(qp))?.item;
    const chosen = picked?.model;
    if (!chosen) return;
    if (picked.smartSelectMode) await deps.setSmartSelectMode(picked.smartSelectMode);
    await deps.setModel(chosen);
    await ctx.globalState.update(RECENT_KEY, [chosen, ...recent.filter((r) => r !== chosen)].slice(0, 10));
  });
}
