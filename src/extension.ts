// The extension proper (built as dist/features.js): activateFeatures() builds the settings, keys, services and every
// surface (status bar, chat view, language-model provider, participant, commands) and registers them; the core is
// built on first use. VS Code's entry is src/boot.ts, which registers the ids at start-up and loads this on first use:
// the views, the participant and the language-model provider stay boot's, and are handed to what this returns.
import * as vscode from 'vscode';
import { setUnexpectedErrorHandler } from './core/base/lifecycle';
import { isLoopbackUrl } from './core/base/loopback';
import { effectiveGateway, GATEWAY_PRESETS, smartSelectMode } from './core/config/endpoints';
import { registerAskModel } from './vscode/commands/askCommand';
import type { FeatureDeps } from './vscode/featureDeps';
import { registerGatewayCommands } from './vscode/gateway/gatewayCommands';
import { registerLmProvider } from './vscode/lm/lmProvider';
import type { LmProviderSlot } from './vscode/lm/startupProvider';
import { adoptParticipant } from './vscode/lm/participant';
import { ChatViewProvider } from './vscode/chat/chatView';
import { registerDoctorCommand } from './vscode/commands/doctorCommand';
import { registerExplain } from './vscode/commands/explainCommand';
import { registerAddFallback } from './vscode/commands/fallbackCommand';
import { registerManage } from './vscode/commands/manageCommand';
import { registerKeyCommands } from './vscode/keys/keyCommands';
import { RoutingLog } from './vscode/log';
import { registerSwitchModel } from './vscode/commands/modelPicker';
import { KeyStore } from './vscode/keys/secrets';
import { Services } from './vscode/services';
import { registerSelectCorrections } from './vscode/selectCorrections';
import { SettingsSource } from './vscode/settings';
import { showError } from './vscode/showError';
import { ModelStatusBar } from './vscode/statusBar';
import { registerUsageCommand, restoreUsagePanel } from './vscode/usage/usageCommand';
import { openWalkthroughOnFirstRun } from './vscode/welcome';
import { shouldWarmUp, warmUpAfterStartup } from './vscode/warmUp';

/** What src/boot.ts registered at start-up and the extension takes over (each absent where VS Code lacks the API). */
export interface BootHost {
  /** The model's status bar item, shown since start-up. */
  status: vscode.StatusBarItem;
  /** The @switchboard participant, created with a handler that waits for this one. */
  participant?: vscode.ChatParticipant;
  /** The language-model provider registered at start-up (VS Code 1.104+), which hands its calls to this one's. */
  lmProvider?: LmProviderSlot;
}

/** What boot's chat view provider and usage panel serializer hand over to. */
export interface Features {
  chat: vscode.WebviewViewProvider;
  restoreUsagePanel(panel: vscode.WebviewPanel): Promise<void>;
}

/** The whole extension, loaded by src/boot.ts on first use. */
export function activateFeatures(context: vscode.ExtensionContext, host: BootHost): Features {
  // The settings warn through the log (later, asynchronously); the key store asks the settings where the key goes.
  const settings = new SettingsSource((line) => log.warn(line));
  const keys = new KeyStore(context.secrets, () => effectiveGateway(settings.config(), settings.userSetBaseUrl()).baseUrl);
  const log = new RoutingLog(() => keys.knownKeys());
  context.subscriptions.push(
    setUnexpectedErrorHandler((err) =>
      log.error(`unexpected error (a bug; please report it): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
    ),
  );
  const services = new Services(context, settings, keys, log);
  const corrections = registerSelectCorrections(services, log);
  // The one set of dependencies every feature takes its part of (featureDeps.ts).
  const deps: FeatureDeps = {
    core: () => services.core(),
    currentModel: () => settings.config().model,
    setModel: (model) => settings.setModel(model),
    listModels: () => services.listModels(),
    routing: () => ({ mode: smartSelectMode(settings.config()), gatewayAuto: GATEWAY_PRESETS[settings.config().gateway.preset].autoModel }),
    setSmartSelectMode: (mode) => settings.update('smartSelect.mode', mode),
    log: (line) => log.info(line),
    onError: (err, opts) => void showError(err, log, opts, keys.knownKeys()),
    canSendWithoutPrompt: async () => (await keys.hasGatewayKey()) || isLoopbackUrl(effectiveGateway(settings.config(), settings.userSetBaseUrl()).baseUrl),
    promptForKey: async () => {
      await vscode.commands.executeCommand('switchboard.setApiKey');
      return keys.hasGatewayKey();
    },
    reaskedWith: (messages, model) => corrections.reaskedWith(messages, model),
    keyState: async () => {
      const gateway = effectiveGateway(settings.config(), settings.userSetBaseUrl()).baseUrl;
      return { state: (await keys.hasGatewayKey()) ? 'ok' : isLoopbackUrl(gateway) ? 'missing-local' : 'missing', gateway };
    },
  };
  const chat = new ChatViewProvider(context, deps);
  const statusBar = new ModelStatusBar(host.status);
  statusBar.render(services.state());

  context.subscriptions.push(
    log,
    settings,
    services,
    corrections,
    chat,
    statusBar,
    services.onDidChangeState((s) => statusBar.render(s)),
    registerAskModel(context, chat),
    registerExplain(chat, async () => (await services.core()).maxPromptChars(settings.config().model)),
    registerSwitchModel(context, deps),
    registerKeyCommands(keys, settings, () => services.keysChanged()),
    registerUsageCommand(context, services),
    registerDoctorCommand(settings, keys, deps),
    registerLmProvider(context, deps, host.lmProvider),
    registerGatewayCommands(context, deps),
    vscode.commands.registerCommand('switchboard.showLog', () => log.show()),
    vscode.commands.registerCommand('switchboard.newChat', () => chat.newChat()),
    vscode.commands.registerCommand('switchboard.clearChatHistory', () => chat.clearHistory()),
    vscode.commands.registerCommand('switchboard.addFileToChat', (uri?: unknown) => chat.addContext('file', uri instanceof vscode.Uri ? uri : undefined)),
    vscode.commands.registerCommand('switchboard.addSelectionToChat', () => chat.addContext('selection')),
    registerManage(context.extension.id),
    registerAddFallback({
      listModels: () => services.listModels(),
      currentModel: () => settings.config().model,
      fallbacks: () => settings.config().fallbacks,
      setFallbacks: (value) => settings.update('fallbacks', value),
    }),
  );
  adoptParticipant(host.participant, deps);
  void openWalkthroughOnFirstRun(context, keys, (line) => log.info(line));
  context.subscriptions.push(warmUpAfterStartup(services, () => shouldWarmUp(keys, settings)));
  return { chat, restoreUsagePanel: (panel) => restoreUsagePanel(panel, context, services) };
}
