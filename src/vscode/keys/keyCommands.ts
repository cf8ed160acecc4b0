// The key commands: Set/Clear API Key, Set Provider Key, Choose Gateway (a preset writes the user's settings).
import * as vscode from 'vscode';
import { PRESETS, urlProblem } from '../../core/config/settings';
import { effectiveGateway, presetInUse, presetPickLabel } from '../../core/config/endpoints';
import { GATEWAY_SECRET, providerSecret } from '../../core/config/keys';
import { promptForKey, type KeyStore } from './secrets';
import type { SettingsSource } from '../settings';

/** Set/Clear API Key, Set Provider Key, Choose Gateway. */
export function registerKeyCommands(keys: KeyStore, settings: SettingsSource, onKeyChanged: () => void): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('switchboard.setApiKey', async () => {
      // Where the key is sent: the preset's URL unless the user set gateway.baseUrl (as the chat's no-key notice says).
      const gateway = effectiveGateway(settings.config(), settings.userSetBaseUrl()).baseUrl;
      const key = await promptForKey(vscode.l10n.t('Switchboard: API key for {0}', gateway));
      if (!key) return;
      await keys.store(GATEWAY_SECRET, key);
      onKeyChanged();
      void vscode.window.showInformationMessage(vscode.l10n.t('Switchboard: API key saved in SecretStorage.'));
    }),
    vscode.commands.registerCommand('switchboard.clearApiKey', async () => {
      await keys.delete(GATEWAY_SECRET);
      onKeyChanged();
      const fromEnv = await keys.hasGatewayKey();
      void vscode.window.showInformationMessage(
        fromEnv
          ? vscode.l10n.t(
              "Switchboard: stored API key deleted. The key in the environment (SWITCHBOARD_API_KEY, or OPENAI_API_KEY for OpenAI's endpoint) is still used.",
            )
          : vscode.l10n.t('Switchboard: API key deleted.'),
      );
    }),
    vscode.commands.registerCommand('switchboard.setProviderKey', async () => {
      const providers = Object.keys(settings.config().providers);
      if (providers.length === 0) {
        const open = vscode.l10n.t('Open Setting');
        const choice = await vscode.window.showInformationMessage(
          vscode.l10n.t(
            'No direct providers are configured. Add one to "switchboard.providers" first, e.g. {"deepseek": {"baseUrl": "https://api.deepseek.com/v1"}}.',
          ),
          open,
        );
        if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'switchboard.providers');
        return;
      }
      const name = await vscode.window.showQuickPick(providers, { title: vscode.l10n.t('Switchboard: provider whose key to set') });
      if (!name) return;
      const key = await promptForKey(vscode.l10n.t('Switchboard: API key for provider {0}', name));
      if (!key) return;
      await keys.store(providerSecret(name), key);
      onKeyChanged();
    }),
    vscode.commands.registerCommand('switchboard.choosePreset', async () => {
      const current = presetInUse(settings.config(), settings.userSetBaseUrl());
      const pick = await vscode.window.showQuickPick(
        PRESETS.map((p) => ({ label: presetPickLabel(p), description: p === current ? vscode.l10n.t('current') : undefined, preset: p })),
        { title: vscode.l10n.t('Switchboard: choose your gateway') },
      );
      if (!pick) return;
      await settings.update('gateway.preset', pick.preset);
      if (pick.preset === 'custom') {
        const url = await vscode.window.showInputBox({
          title: vscode.l10n.t('Switchboard: gateway base URL'),
          value: settings.config().gateway.baseUrl,
          ignoreFocusOut: true,
          validateInput: (v) => validateBaseUrl(v),
        });
        if (url) await settings.update('gateway.baseUrl', url.trim());
      } else if (settings.userSetBaseUrl()) {
        // A preset only takes effect when no explicit base URL overrides it.
        await settings.update('gateway.baseUrl', undefined);
      }
    }),
  );
}

function validateBaseUrl(v: string): string | undefined {
  const p = urlProblem(v.trim());
  return p ? `switchboard.gateway.baseUrl ${p}` : undefined;
}
