// The "Switchboard: Show Usage" command: builds the core and opens the usage webview over its ledger and budget.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { showError } from '../showError';

export function registerUsageCommand(ctx: vscode.ExtensionContext, services: Services): vscode.Disposable {
  return vscode.commands.registerCommand('switchboard.showUsage', async () => {
    try {
      const core = await services.core();
      const { showUsageView } = await import('./usageView');
      showUsageView(ctx, { ledger: core.ledger, budget: () => core.budget() });
    } catch (err) {
      await showError(err, services.log);
    }
  });
}
