// The "Switchboard: Check Connection" command: runs the connection doctor and prints each step to an output channel.
import * as vscode from 'vscode';
import { parseConfig } from '../../core/config/settings';
import { effectiveSettings } from '../../core/config/effectiveSettings';
import type { Endpoint } from '../../core/base/types';
import { networkFromVscode } from '../networkSettings';
import type { KeyStore } from '../keys/secrets';
import type { SettingsSource } from '../settings';

/** "Switchboard: Check Connection": the connection doctor, step by step, in an output channel. Never shows a key. */
export function registerDoctorCommand(settings: SettingsSource, keys: KeyStore): vscode.Disposable {
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
          settingsProblems: settingsProblems(),
          keys: keys.lookup,
          network,
          howToSetKey,
          chat: true,
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

function settingsProblems() {
  const ws = vscode.workspace.getConfiguration('switchboard');
  // The values that count (a workspace's ignored values are reported by SettingsSource, not as problems).
  return parseConfig(effectiveSettings({ inspect: (name) => ws.inspect(name) }).flat).problems;
}
