// Budget notifications: the 80 % warning and the 100 % notice, once each per month, remembered in globalState.
import * as vscode from 'vscode';
import { nextBudgetAlert, type BudgetAlertState } from '../../core/usage/budget';
import type { BudgetStatus } from '../../core/base/types';

const STATE_KEY = 'switchboard.budgetAlerts';

/** Shows the 80 % warning and the 100 % notice once each per month (state kept in globalState across restarts). */
export function showBudgetAlert(ctx: vscode.ExtensionContext, status: BudgetStatus): void {
  const { alert, state } = nextBudgetAlert(status, ctx.globalState.get<BudgetAlertState>(STATE_KEY));
  void ctx.globalState.update(STATE_KEY, state);
  if (!alert) return;
  const usage = vscode.l10n.t('Show Usage');
  const setting = vscode.l10n.t('Open Budget Setting');
  const show = alert.level === 'exceeded' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
  void show(alert.message, usage, setting).then((choice) => {
    if (choice === usage) void vscode.commands.executeCommand('switchboard.showUsage');
    if (choice === setting) void vscode.commands.executeCommand('workbench.action.openSettings', 'switchboard.budget');
  });
}
