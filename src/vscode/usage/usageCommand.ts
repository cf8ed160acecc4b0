// Show Usage, and what gives the usage panel back after a window reload (VS Code restores an open panel only through
// a serializer for its type: src/boot.ts registers one at start-up, `onWebviewPanel:switchboard.usage` activating us,
// and hands the panel to `restoreUsagePanel`).
import * as vscode from 'vscode';
import type { Services } from '../services';
import { showError } from '../showError';

/** Fills a usage panel VS Code restored after a reload. */
export async function restoreUsagePanel(panel: vscode.WebviewPanel, ctx: vscode.ExtensionContext, services: Services): Promise<void> {
  try {
    const core = await services.core();
    const { adoptUsagePanel } = await import('./usageView');
    adoptUsagePanel(panel, ctx, { ledger: core.ledger, budget: () => core.budget() });
  } catch (err) {
    panel.dispose();
    await showError(err, services.log, {}, services.keys.knownKeys());
  }
}

export function registerUsageCommand(ctx: vscode.ExtensionContext, services: Services): vscode.Disposable {
  return vscode.commands.registerCommand('switchboard.showUsage', async () => {
    try {
      const core = await services.core();
      const { showUsageView } = await import('./usageView');
      showUsageView(ctx, { ledger: core.ledger, budget: () => core.budget() });
    } catch (err) {
      await showError(err, services.log, {}, services.keys.knownKeys());
    }
  });
}
