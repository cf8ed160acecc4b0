// Shows an error the user can act on: the toast presentError describes, each button running the command it names.
import * as vscode from 'vscode';
import { isSwitchboardError } from '../core/base/errors';
import { presentError, type ErrorAction, type PresentOptions } from './errorActions';

const LABELS: Record<ErrorAction, string> = {
  setApiKey: 'Set API Key',
  choosePreset: 'Choose Gateway',
  addFallback: 'Add Fallback…',
  checkConnection: 'Check Connection',
  showLog: 'Show Routing Log',
  openSetting: 'Open Setting',
  openBudget: 'Open Budget Setting',
  showUsage: 'Show Usage',
};

/** `knownKeys` are kept out of the toast as the log keeps them out of its lines. */
export async function showError(err: unknown, log: { error(line: string): void }, opts: PresentOptions = {}, knownKeys: Iterable<string> = []): Promise<void> {
  if (!isSwitchboardError(err)) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`unexpected: ${err instanceof Error && err.stack ? err.stack : message}`);
  } else log.error(err.message);
  const shown = presentError(err, opts, knownKeys);
  if (!shown) return;
  const labels = shown.actions.map((a) => vscode.l10n.t(LABELS[a]));
  const choice =
    shown.severity === 'warning' ? await vscode.window.showWarningMessage(shown.text, ...labels) : await vscode.window.showErrorMessage(shown.text, ...labels);
  const action = choice === undefined ? undefined : shown.actions[labels.indexOf(choice)];
  switch (action) {
    case undefined:
      return;
    case 'setApiKey':
      return void (await vscode.commands.executeCommand('switchboard.setApiKey'));
    case 'choosePreset':
      return void (await vscode.commands.executeCommand('switchboard.choosePreset'));
    case 'addFallback':
      return void (await vscode.commands.executeCommand('switchboard.addFallback', shown.fallbackFor));
    case 'checkConnection':
      return void (await vscode.commands.executeCommand('switchboard.checkConnection'));
    case 'showLog':
      return void (await vscode.commands.executeCommand('switchboard.showLog'));
    case 'openSetting':
      return void (await vscode.commands.executeCommand('workbench.action.openSettings', shown.setting ?? 'switchboard'));
    case 'openBudget':
      return void (await vscode.commands.executeCommand('workbench.action.openSettings', 'switchboard.budget'));
    case 'showUsage':
      return void (await vscode.commands.executeCommand('switchboard.showUsage'));
  }
}
