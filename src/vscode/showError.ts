// Errors shown to the user: each message says what to do and offers the command that does it.
import * as vscode from 'vscode';
import { hasErrorCode, isSwitchboardError } from '../core/base/errors';

/** Shows an error the user can act on: every message says what to do and offers the command that does it. */
export async function showError(err: unknown, log: { error(line: string): void }): Promise<void> {
  if (!isSwitchboardError(err)) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`unexpected: ${err instanceof Error && err.stack ? err.stack : message}`);
    const choice = await vscode.window.showErrorMessage(vscode.l10n.t('Switchboard: {0}', message), vscode.l10n.t('Show Routing Log'));
    if (choice) await vscode.commands.executeCommand('switchboard.showLog');
    return;
  }
  log.error(err.message);
  switch (err.code) {
    case 'cancelled':
      return;
    case 'no-key':
    case 'auth': {
      const setKey = vscode.l10n.t('Set API Key');
      const gateway = vscode.l10n.t('Choose Gateway');
      const choice = await vscode.window.showWarningMessage(err.message, setKey, gateway);
      if (choice === setKey) await vscode.commands.executeCommand('switchboard.setApiKey');
      if (choice === gateway) await vscode.commands.executeCommand('switchboard.choosePreset');
      return;
    }
    case 'config': {
      const open = vscode.l10n.t('Open Setting');
      const choice = await vscode.window.showWarningMessage(err.message, open);
      if (choice)
        await vscode.commands.executeCommand('workbench.action.openSettings', (hasErrorCode(err, 'config') ? err.setting : undefined) ?? 'switchboard');
      return;
    }
    case 'budget': {
      const open = vscode.l10n.t('Open Budget Setting');
      const usage = vscode.l10n.t('Show Usage');
      const choice = await vscode.window.showWarningMessage(err.message, open, usage);
      if (choice === open) await vscode.commands.executeCommand('workbench.action.openSettings', 'switchboard.budget');
      if (choice === usage) await vscode.commands.executeCommand('switchboard.showUsage');
      return;
    }
    case 'connection':
    case 'timeout':
    case 'all-failed': {
      const check = vscode.l10n.t('Check Connection');
      const showLog = vscode.l10n.t('Show Routing Log');
      const choice = await vscode.window.showErrorMessage(err.message, check, showLog);
      if (choice === check) await vscode.commands.executeCommand('switchboard.checkConnection');
      if (choice === showLog) await vscode.commands.executeCommand('switchboard.showLog');
      return;
    }
    default: {
      const choice = await vscode.window.showErrorMessage(err.message, vscode.l10n.t('Show Routing Log'));
      if (choice) await vscode.commands.executeCommand('switchboard.showLog');
    }
  }
}
