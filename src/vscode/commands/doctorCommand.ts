// The "Switchboard: Check Connection" command: runs the connection doctor and prints each step to an output channel.
import * as vscode from 'vscode';
import type { Endpoint } from '../../core/base/types';
import { networkFromVscode } from '../networkSettings';
import type { KeyStore } from '../keys/secrets';
import type { SettingsSource } from '../settings';
import type { FeatureDeps } from '../featureDeps';
import { userChatModel } from '../../core/doctor/userModel';

/**
 * "Switchboard: Check Connection": the connection doctor, step by step, in an output channel, with a one-token chat
 * to the user's own model (smart-select's pick when that is it). Never shows a key.
 */
export function registerDoctorCommand(settings: SettingsSource, keys: KeyStore, deps: Pick<FeatureDeps, 'core'>): vscode.Disposable {
  const channel = vscode.window.createOutputChannel(vscode.l10n.t('Switchboard: Connection'));
  const command = vscode.commands.registerCommand('switchboard.checkConnection', () =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Switchboard: checking the connection…'), cancellable: true },
      async (_p, token) => {
        channel.clear();
        channel.show(true);
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        const { formatDoctorStep, runDoctor } = await import('../../core/doctor/doctor');
        const config = settings.config();
        const core = await deps.core().catch(() => undefined);
        const chatModel = userChatModel(config, (input) =>
          core ? core.select(input) : { tier: 'balanced', model: config.smartSelect.tiers.balanced, confidence: 0, reasons: [] },
        );
        channel.appendLine(vscode.l10n.t('Checking with your model {0}.', config.model === chatModel ? chatModel : `${config.model} → ${chatModel}`));
        let network;
        try {
          network = networkFromVscode(config);
        } catch (e) {
          channel.appendLine(`FAIL settings · tls.caFile: ${(e as Error).message}`);
          return;
        }
        const report = await runDoctor({
          config,
          userSetBaseUrl: settings.userSetBaseUrl(),
          settingsProblems: settings.problems(),
          keys: keys.lookup,
          network,
          howToSetKey,
          chat: true,
          chatModel,
          signal: ac.signal,
          onStep: (s) => channel.appendLine(formatDoctorStep(s)),
        });
        channel.appendLine(report.ok ? vscode.l10n.t('Every check passed.') : vscode.l10n.t('Some checks failed: see the → lines above.'));
      },
    ),
  );
  return vscode.Disposable.from(channel, command);
}

const howToSetKey = (ep: Endpoint) =>
  ep.id === 'gateway' ? vscode.l10n.t('Run "Switchboard: Set API Key"') : vscode.l10n.t('Run "Switchboard: Set Provider Key" for {0}', ep.id);
