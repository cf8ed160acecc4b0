// The status bar item: the current model (and smart-select's last choice), a breaker or budget warning.
import * as vscode from 'vscode';
import type { IDisposable } from '../core/base/lifecycle';
import type { BudgetStatus, DoneEvent } from '../core/base/types';
import { formatUsd } from '../core/base/format';

export interface StatusBarState {
  model: string;
  lastAnswer?: Pick<DoneEvent, 'answeredBy' | 'served' | 'selection' | 'fallback' | 'requested'>;
  openBreakers: { endpoint: string; model: string }[];
  budget?: BudgetStatus;
}

/** A breaker by its model; the endpoint only when it is a direct provider rather than the gateway. */
const breakerName = (b: { endpoint: string; model: string }) => `\`${b.model}\`${b.endpoint === 'gateway' ? '' : ` (at ${b.endpoint})`}`;

/** Shows the current model (and what smart-select chose last); warns while a breaker is open or spend is past 80 %. */
export class ModelStatusBar implements IDisposable {
  /** `item`: the one src/boot.ts created at start-up (id, name and command set, shown). */
  constructor(private readonly item: vscode.StatusBarItem) {}

  render(state: StatusBarState): void {
    // What served the last answer to this model (smart-select's pick, or the gateway's own routing).
    const chosen =
      state.lastAnswer && state.lastAnswer.requested === state.model && state.lastAnswer.served !== state.model ? ` → ${state.lastAnswer.served}` : '';
    const warn = state.openBreakers.length > 0 || (state.budget !== undefined && state.budget.limitUsd > 0 && state.budget.fraction >= 0.8);
    this.item.text = `$(${warn ? 'warning' : 'arrow-swap'}) ${state.model}${chosen}`;
    this.item.backgroundColor = warn ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: vscode.l10n.t('Switchboard model {0}. Click to switch.', state.model + chosen) };

    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Switchboard** — model \`${state.model}\`\n\n`);
    const sel = state.lastAnswer?.selection;
    if (sel) md.appendMarkdown(`Last smart-select: **${sel.tier}** → \`${sel.model}\` (${sel.reasons.join('; ')})\n\n`);
    if (state.lastAnswer?.fallback) md.appendMarkdown(`Last answer came from fallback \`${state.lastAnswer.answeredBy}\`\n\n`);
    if (state.lastAnswer && state.lastAnswer.served !== state.lastAnswer.answeredBy)
      md.appendMarkdown(`Last answer: asked \`${state.lastAnswer.answeredBy}\`, served by \`${state.lastAnswer.served}\`\n\n`);
    if (state.budget) {
      const b = state.budget;
      md.appendMarkdown(
        `Today ${formatUsd(b.todaySpentUsd)} · this month ${formatUsd(b.monthSpentUsd)}` +
          `${b.limitUsd > 0 ? ` of ${formatUsd(b.limitUsd)} (${Math.round(b.fraction * 100)} %)` : ''}\n\n`,
      );
    }
    if (state.openBreakers.length) md.appendMarkdown(`$(warning) Circuit open (skipped until cooldown): ${state.openBreakers.map(breakerName).join(', ')}\n\n`);
    md.appendMarkdown(`Click to switch model`);
    this.item.tooltip = md;
  }

  dispose(): void {
    this.item.dispose();
  }
}
