// What VS Code runs at start-up (built as dist/extension.js): ids and thin shims only. Every contributed command, the
// chat view, the usage panel's serializer, the @switchboard participant, the language-model provider (VS Code 1.104+)
// and the model's status bar item are registered here; the extension itself (src/extension.ts, built as
// dist/features.js, which loads dist/core.js on the first request) is required on the first use of any of them and
// then owns everything: the command shims step aside and the real commands are run with the same arguments; the view,
// the serializer, the participant and the provider hand their calls over (the provider answers VS Code's quiet
// model-list requests from the last list until then). It also loads a few seconds after start-up when a key is stored
// (the warm-up), and at once on the very first run (the walkthrough). No zod, no core: activation reads one setting.
import * as vscode from 'vscode';
import type { BootHost, Features } from './extension';
import { GATEWAY_SECRET } from './core/config/keys';
import { CHAT_VIEW_TYPE, LM_VENDOR, PARTICIPANT_ID, USAGE_VIEW_TYPE, WELCOMED_KEY } from './vscode/ids';
import { StartupLmProvider } from './vscode/lm/startupProvider';
import type { LmNamespaceLike } from './vscode/lm/lmTypes';

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
  // The status item stays: the extension takes it over (and renders the checked setting) when it loads.
  const status = vscode.window.createStatusBarItem('switchboard.model', vscode.StatusBarAlignment.Right, 100);
  status.name = 'Switchboard Model';
  status.command = 'switchboard.switchModel';
  const renderStatus = () => (status.text = `$(arrow-swap) ${currentModel()}`);
  renderStatus();
  status.show();
  context.subscriptions.push(status);
  shims.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('switchboard.model')) renderStatus();
    }),
  );
  const host: BootHost = { status };
  const contributed = (context.extension.packageJSON as { contributes?: { commands?: ContributedCommand[] } }).contributes?.commands ?? [];
  let features: Features | undefined;
  let failure: unknown;
  const load = (): Features => {
    if (features) return features;
    if (failure) throw failure;
    for (const s of shims) s.dispose();
    shims.length = 0;
    try {
      features = loadFeatures().activateFeatures(context, host);
    } catch (err) {
      // A bug or a damaged install: not retried (half of the commands may be registered by now). Said now, and again
      // by each command the failed load left unregistered, rather than VS Code's "command not found".
      failure = err;
      const reason = err instanceof Error ? err.message : String(err);
      const say = () =>
        void vscode.window.showErrorMessage(
          `Switchboard could not start (${reason.slice(0, 300)}). Run "Developer: Reload Window"; if this keeps happening, reinstall Switchboard and report it.`,
        );
      say();
      for (const { command } of contributed) {
        try {
          shims.push(vscode.commands.registerCommand(command, say));
        } catch {
          // registered by the half-loaded extension
        }
      }
      throw err;
    }
    return features;
  };

  for (const { command } of contributed)
    shims.push(
      vscode.commands.registerCommand(command, (...args: unknown[]) => {
        load();
        return vscode.commands.executeCommand(command, ...args);
      }),
    );
  context.subscriptions.push({ dispose: () => shims.forEach((s) => s.dispose()) });

  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(
      CHAT_VIEW_TYPE,
      { resolveWebviewView: (view, ctx, token) => load().chat.resolveWebviewView(view, ctx, token) },
      { webviewOptions: { retainContextWhenHidden: true } },
    ),
    vscode.window.registerWebviewPanelSerializer(USAGE_VIEW_TYPE, { deserializeWebviewPanel: (panel) => load().restoreUsagePanel(panel) }),
  );

  if (typeof vscode.chat?.createChatParticipant === 'function') {
    const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, (request, ctx, stream, token) => {
      load();
      // The extension replaced this handler with its own when it loaded.
      return participant.requestHandler(request, ctx, stream, token);
    });
    participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
    context.subscriptions.push(participant);
    host.participant = participant;
  }

  // VS Code 1.104+ lists language models (and lets a participant answer) only from providers registered by the time
  // it asks: Switchboard's is registered now and hands over to the extension's once that loads.
  const lm = vscode.lm as LmNamespaceLike | undefined;
  if (typeof lm?.registerLanguageModelChatProvider === 'function') {
    const listFile = vscode.Uri.joinPath(context.globalStorageUri, 'lm-models.json').fsPath;
    const provider = new StartupLmProvider({ listFile, currentModel, load: () => void load() });
    context.subscriptions.push(lm.registerLanguageModelChatProvider(LM_VENDOR, provider));
    host.lmProvider = provider;
    // 1.117 asks a new provider for its models only after a change event.
    provider.changed();
  }

  if (!context.globalState.get<boolean>(WELCOMED_KEY)) return void load();
  // The warm-up waits for a stored key: a key only in the environment is not a choice to send it anywhere yet.
  const timer = setTimeout(() => {
    if (features) return;
    void Promise.resolve(context.secrets.get(GATEWAY_SECRET))
      .then((key) => (key ? load() : undefined))
      .catch(() => undefined);
  }, WARM_UP_DELAY_MS);
  timer.unref?.();
  context.subscriptions.push({ dispose: () => clearTimeout(timer) });
}

export function deactivate(): void {}
