// Show Usage, and the serializer that gives the usage panel back after a window reload (VS Code restores an open
// panel only when a serializer for its type is registered; `onWebviewPanel:switchboard.usage` activates us for it).
import * as vscode from 'vscode';
import type { Services } from '../services';
import { showError } from '../showError';

const USAGE_VIEW_TYPE = 'switchboard.usage';

export function registerUsageCommand(ctx: vscode.ExtensionContext, services: Services): vscode.Disposable {
  const serializer = vscode.window.registerWebviewPanelSerializer(USAGE_VIEW_TYPE, {
    deserializeWebviewPanel: async (panel) => {
      try {
        const core = await services.core();
        const { adoptUsagePanel } = await import('./usageView');
        adoptUsagePanel(panel, ctx, { ledger: core.ledger, budget: () => core.budget() });
      } catch (err) {
        panel.dispose();
        await showError(err, services.log);
      }
    },
  });
  const command = vscode.commands.registerCommand('switchboard.showUsage', async () => {
    try {
      const core = await services.core();
      const { showUsageView } = await import('./usageView');
      showUsageView(ctx, { ledger: core.ledger, budget: () => core.budget() });
    } catch (err) {
      await showError(err, services.log);
    }
  });
  return vscode.Disposable.from(serializer, command);
}
