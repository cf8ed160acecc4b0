// The chat webview view: vscode glue around ChatController (which holds the state and logic without vscode).
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { ContextAttachment, ContextKind } from '../../core/prompt/chatContext';
import type { HostMessage, Turn } from '../../protocol';
import type { FeatureDeps } from '../featureDeps';
import { CHAT_VIEW_TYPE } from '../ids';
import { ApplyToFile } from './applyToFile';
import { ChatController, type AskOptions, type ChatEffects, type NextQuestion } from './chatController';
import { gatherContext } from './contextSources';
import { trackTerminalOutputs } from './terminalOutputs';
import { chatHtml } from '../webviewHtml';

export type ChatViewDeps = Pick<
  FeatureDeps,
  'core' | 'currentModel' | 'setModel' | 'routing' | 'setSmartSelectMode' | 'listModels' | 'log' | 'onError' | 'reaskedWith' | 'keyState'
>;

const HISTORY_KEY = 'switchboard.chat.history';
const ATTACHMENTS_KEY = 'switchboard.chat.attachments';
/** How long ask() waits for the revealed view to become visible before showing progress in a notification instead. */
const VIEW_VISIBLE_TIMEOUT_MS = 3000;

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private readonly controller: ChatController;
  private view: vscode.WebviewView | undefined;
  private visibleWaiters: (() => void)[] = [];
  private readonly configListener: vscode.Disposable;
  /** The dropdown follows the catalog: the gateway's models join it when their list arrives, without a reload. */
  private catalogListener: { dispose(): void } | undefined;
  private readonly keyListener: vscode.Disposable;
  private readonly terminals = trackTerminalOutputs();
  private readonly applier = new ApplyToFile();

  constructor(
    private readonly ctx: vscode.ExtensionContext,
    private readonly deps: ChatViewDeps,
  ) {
    const effects: ChatEffects = {
      router: async () => (await deps.core()).router,
      currentModel: () => deps.currentModel(),
      setModel: (m) => deps.setModel(m),
      routing: () => deps.routing(),
      setSmartSelectMode: (mode) => deps.setSmartSelectMode(mode),
      listModels: () => deps.listModels(),
      log: (l) => deps.log(l),
      onError: (e, o) => deps.onError(e, o),
      reaskedWith: (messages, model) => deps.reaskedWith(messages, model),
      keyState: () => deps.keyState(),
      runCommand: async (command) => {
        await vscode.commands.executeCommand(`switchboard.${command}`);
      },
      copy: async (text) => {
        await vscode.env.clipboard.writeText(text);
      },
      insert: (text) => insertAtCursor(text),
      newFile: async (text, language) => {
        const known = language ? (await vscode.languages.getLanguages()).includes(languageId(language)) : false;
        const doc = await vscode.workspace.openTextDocument({ content: text, language: known && language ? languageId(language) : undefined });
        await vscode.window.showTextDocument(doc);
      },
      openExternal: async (url) => {
        await vscode.env.openExternal(vscode.Uri.parse(url, true));
      },
      loadTurns: () => ctx.workspaceState.get<unknown>(HISTORY_KEY),
      saveTurns: async (turns: Turn[]) => {
        await ctx.workspaceState.update(HISTORY_KEY, turns);
      },
      loadAttachments: () => ctx.workspaceState.get<unknown>(ATTACHMENTS_KEY),
      saveAttachments: async (byTurn: Record<string, ContextAttachment[]>) => {
        await ctx.workspaceState.update(ATTACHMENTS_KEY, byTurn);
      },
      removeStored: async () => {
        await ctx.workspaceState.update(HISTORY_KEY, undefined);
        await ctx.workspaceState.update(ATTACHMENTS_KEY, undefined);
      },
      gatherContext: (kind, uri) => gatherContext(kind, { terminals: this.terminals, ...(uri ? { uri: vscode.Uri.parse(uri, true) } : {}) }),
      countTokens: async (text) => (await deps.core()).countTokens(text),
      previewPrompt: async (req) => (await deps.core()).previewPrompt(req),
      applyToFile: (req) => this.applier.apply(req),
    };
    this.controller = new ChatController(effects);
    // The model (or who decides smart-select, or the gateway) can also change from the status bar or settings.json.
    this.configListener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('switchboard.model') || e.affectsConfiguration('switchboard.smartSelect') || e.affectsConfiguration('switchboard.gateway'))
        this.controller.postModels();
      if (e.affectsConfiguration('switchboard.gateway')) void this.controller.refreshKeyState();
    });
    // A key stored or deleted (Set API Key, from the notice or anywhere) changes what the view shows.
    this.keyListener = ctx.secrets.onDidChange(() => void this.controller.refreshKeyState());
  }

  /** Add File / Add Selection to Chat: shows the view and attaches to the question being written. */
  async addContext(kind: ContextKind, uri?: vscode.Uri): Promise<void> {
    await this.reveal();
    await this.controller.addContext(kind, uri?.toString());
  }

  /** Stops a running answer and starts an empty conversation (the view's New Chat button does the same). */
  async newChat(): Promise<void> {
    await this.controller.clear();
  }

  /** Switchboard: Clear Chat History — removes this workspace's stored transcript and attachments. */
  async clearHistory(): Promise<void> {
    await this.controller.clearHistory();
    void vscode.window.showInformationMessage(vscode.l10n.t("Switchboard: this workspace's chat history and attachments were removed."));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const mediaRoot = vscode.Uri.joinPath(this.ctx.extensionUri, 'dist', 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [mediaRoot] };
    const uri = (file: string): string => view.webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, file)).toString();
    view.webview.html = chatHtml({
      cspSource: view.webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: uri('chat.js'),
      styleUris: [uri('codicon.css'), uri('chat.css')],
    });
    const attached = this.controller.attach((msg: HostMessage) => {
      void view.webview.postMessage(msg);
    });
    const onMessage = view.webview.onDidReceiveMessage((raw: unknown) => void this.controller.handle(raw));
    // The view is registered with retainContextWhenHidden, so hide → show does not reload the webview and it sends
    // no second `ready`: being visible is what counts. (A webview that does load sends `ready` and gets the full
    // state, including an answer already streaming.)
    const onVisibility = view.onDidChangeVisibility(() => this.visibilityChanged());
    this.followCatalog();
    this.visibilityChanged();
    view.onDidDispose(() => {
      attached.dispose();
      onMessage.dispose();
      onVisibility.dispose();
      if (this.view === view) this.view = undefined;
    });
  }

  /** What a question asked now would carry besides its text (Ask Model and Explain say it before asking). */
  nextQuestion(): Promise<NextQuestion> {
    return this.controller.nextQuestion();
  }

  /**
   * Reveal the view and ask; the answer streams into it, with the attachments waiting in the composer unless
   * `pending: 'keep'`. If the view cannot be shown, show progress in a notification with Cancel.
   */
  async ask(prompt: string, opts?: AskOptions): Promise<void> {
    const shown = await this.reveal();
    // Ask Model and Explain come here; the chat view's own questions go straight to the controller.
    const running = this.controller.start(prompt, { ...opts, client: 'ask' });
    if (shown) {
      await running.outcome;
      return;
    }
    const title = opts?.title ?? (prompt.length > 60 ? `${prompt.slice(0, 60)}…` : prompt);
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Switchboard: ${title}`, cancellable: true },
      async (progress, token) => {
        const cancel = token.onCancellationRequested(() => running.stop());
        let chars = 0;
        const listener = this.controller.onDidPost((m) => {
          if (m.type === 'delta' && m.id === running.id) {
            chars += m.text.length;
            progress.report({ message: `${chars} characters received…` });
          }
        });
        try {
          const outcome = await running.outcome;
          if (outcome.state === 'done') {
            const open = 'Open Chat';
            void vscode.window
              .showInformationMessage(`Switchboard: the answer from ${outcome.badge?.model ?? 'the model'} is in the chat view.`, open)
              .then((c) => {
                if (c === open) void this.reveal();
              });
          }
        } finally {
          cancel.dispose();
          listener.dispose();
        }
      },
    );
  }

  private async reveal(): Promise<boolean> {
    try {
      await vscode.commands.executeCommand(`${CHAT_VIEW_TYPE}.focus`);
    } catch (err) {
      this.deps.log(`[chat] could not reveal the chat view: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
    if (this.view?.visible) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.visibleWaiters = this.visibleWaiters.filter((w) => w !== done);
        resolve(this.view?.visible === true);
      }, VIEW_VISIBLE_TIMEOUT_MS);
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.visibleWaiters.push(done);
    });
  }

  private followCatalog(): void {
    if (this.catalogListener) return;
    this.deps.core().then(
      (core) => (this.catalogListener ??= core.catalog.onDidChange(() => void this.controller.refreshModels())),
      () => undefined, // no core yet (e.g. an unwritable storage folder): the view's `ready` reports it
    );
  }

  private visibilityChanged(): void {
    if (this.view?.visible) for (const w of this.visibleWaiters.splice(0)) w();
  }

  dispose(): void {
    this.configListener.dispose();
    this.catalogListener?.dispose();
    this.keyListener.dispose();
    this.terminals.dispose();
    this.applier.dispose();
    this.controller.dispose();
  }
}

async function insertAtCursor(text: string): Promise<void> {
  // A sidebar webview keeps the last editor active; fall back to a visible one if there is none.
  const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
  if (!editor) {
    void vscode.window.showWarningMessage('Switchboard: no editor is active to insert the code into. Click into an editor, then use Insert at Cursor again.');
    return;
  }
  await editor.edit((edit) => {
    for (const sel of editor.selections) edit.replace(sel, text);
  });
}

/** Markdown fence names → VS Code language ids where they differ. */
function languageId(fence: string): string {
  const map: Record<string, string> = {
    ts: 'typescript',
    js: 'javascript',
    py: 'python',
    sh: 'shellscript',
    bash: 'shellscript',
    shell: 'shellscript',
    zsh: 'shellscript',
    yml: 'yaml',
    'c++': 'cpp',
    cs: 'csharp',
    rs: 'rust',
    md: 'markdown',
    html: 'html',
    xml: 'xml',
  };
  const key = fence.toLowerCase();
  return map[key] ?? key;
}
