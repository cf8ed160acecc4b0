// What VS Code runs at start-up (built as dist/extension.js): ids and thin shims only. Every contributed command, the
// chat view, the @switchboard participant, the language-model provider (VS Code 1.104+) and the model's status bar
// item are registered here; the extension itself (src/extension.ts, built as dist/features.js, which loads
// dist/core.js on the first request) is required on the first use of any of them and then owns everything: the
// command shims step aside and the real commands are run with the same arguments; the view, the participant and the
// provider hand their calls over (the provider answers VS Code's quiet model-list requests from the last list until
// then). It also loads a few seconds after start-up when there is something to warm up (a stored key, or a model list
// to refresh) and at once on the very first run (the walkthrough). No zod, no core: activation reads one setting.
import * as vscode from 'vscode';
import type { BootHost, Features } from './extension';
import { GATEWAY_SECRET } from './core/config/keys';
import { LM_VENDOR, StartupLmProvider } from './vscode/lm/startupProvider';
import type { LmNamespaceLike } from './vscode/lm/lmTypes';

const VIEW_TYPE = 'switchboard.chatView';
const PARTICIPANT_ID = 'switchboard.participant';
const WELCOMED = 'switchboard.welcomed';
const WARM_UP_DELAY_MS = 3000;

interface ContributedCommand {
  command: string;
}

/** The extension's own module, required on first use (a test may inject one). */
export type LoadFeatures = () => { activateFeatures(context: vscode.ExtensionContext, host: BootHost): Features };

// The lazily loaded bundle next to this one (esbuild leaves the path alone: it is external).
const loadBundle: LoadFeatures = () => require('./features.js') as ReturnType<LoadFeatures>;

export function activate(context: vscode.ExtensionContext, loadFeatures: LoadFeatures = loadBundle): void {
  const shims: vscode.Disposable[] = [];
  const currentModel = () => String(vscode.workspace.getConfiguration('switchboard').get('model') ?? '');
  const status = vscode.window.createStatusBarItem('switchboard.model', vscode.StatusBarAlignment.Right, 100);
  status.name = 'Switchboard Model';
  status.command = 'switchboard.switchModel';
  status.text = `$(arrow-swap) ${currentModel()}`;
  status.show();
  shims.push(status);

  const participant: vscode.ChatParticipant | undefined =
    typeof vscode.chat?.createChatParticipant === 'function'
      ? vscode.chat.createChatParticipant(PARTICIPANT_ID, (request, ctx, stream, token) => {
          load();
          // The extension replaced this handler with its own when it loaded.
          return participant?.requestHandler(request, ctx, stream, token);
        })
      : undefined;
  if (participant) {
    participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
    context.subscriptions.push(participant);
  }

  // VS Code 1.104+ lists language models (and lets a participant answer) only from providers registered by the time
  // it asks: Switchboard's is registered now and hands over to the extension's once that loads.
  const lm = vscode.lm as LmNamespaceLike | undefined;
  let lmProvider: StartupLmProvider | undefined;
  if (typeof lm?.registerLanguageModelChatProvider === 'function') {
    const listFile = vscode.Uri.joinPath(context.globalStorageUri, 'lm-models.json').fsPath;
    lmProvider = new StartupLmProvider({ listFile, currentModel, load: () => void load() });
    context.subscriptions.push(lm.registerLanguageModelChatProvider(LM_VENDOR, lmProvider));
  }

  let features: Features | undefined;
  const load = (): Features => {
    if (features) return features;
    for (const s of shims) s.dispose();
    shims.length = 0;
    features = loadFeatures().activateFeatures(context, {
      chatViewRegistered: true,
      ...(participant ? { participant } : {}),
      ...(lmProvider ? { lmProvider } : {}),
    });
    return features;
  };

  const contributed = (context.extension.packageJSON as { contributes?: { commands?: ContributedCommand[] } }).contributes?.commands ?? [];
  for (const { command } of contributed)
    shims.push(
      vscode.commands.registerCommand(command, (...args: unknown[]) => {
        load();
        return vscode.commands.executeCommand(command, ...args);
      }),
    );

  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(
      VIEW_TYPE,
      { resolveWebviewView: (view, ctx, token) => load().chat.resolveWebviewView(view, ctx, token) },
      { webviewOptions: { retainContextWhenHidden: true } },
    ),
    { dispose: () => shims.forEach((s) => s.dispose()) },
  );

  if (!context.globalState.get<boolean>(WELCOMED)) return void load();
  // 1.117 asks a new provider for its models only after a change event.
  lmProvider?.changed();
  const timer = setTimeout(() => {
    if (features) return;
    // With a provider registered, VS Code's list of Switchboard's models is refreshed from the extension's own.
    void Promise.resolve(lmProvider ? true : context.secrets.get(GATEWAY_SECRET))
      .then((warm) => (warm ? load() : undefined))
      .catch(() => undefined);
  }, WARM_UP_DELAY_MS);
  timer.unref?.();
  context.subscriptions.push({ dispose: () => clearTimeout(timer) });
}

export function deactivate(): void {}
