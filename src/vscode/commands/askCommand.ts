// The "Switchboard: Ask Model" command: an input that remembers recent prompts, answered in the chat view.
import * as vscode from 'vscode';
import type { ChatViewProvider } from '../chat/chatView';

const RECENT_KEY = 'switchboard.recentPrompts';
const MAX_RECENT = 20;

/** Ask Model: an input that remembers recent prompts. Whatever is typed is always the first, default choice. */
export function registerAskModel(ctx: vscode.ExtensionContext, chat: ChatViewProvider): vscode.Disposable {
  return vscode.commands.registerCommand('switchboard.askModel', async (prompt?: string) => {
    const text = typeof prompt === 'string' && prompt.trim() ? prompt : await pickPrompt(ctx);
    if (!text) return;
    const recent = ctx.globalState.get<string[]>(RECENT_KEY, []).filter((p) => p !== text);
    await ctx.globalState.update(RECENT_KEY, [text, ...recent].slice(0, MAX_RECENT));
    await chat.ask(text);
  });
}

function pickPrompt(ctx: vscode.ExtensionContext): Promise<string | undefined> {
  const recent = ctx.globalState.get<string[]>(RECENT_KEY, []);
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { prompt: string }>();
  qp.title = vscode.l10n.t('Switchboard: Ask Model');
  qp.placeholder = vscode.l10n.t('Ask anything — Enter sends; recent prompts below');
  qp.ignoreFocusOut = true;
  qp.matchOnDetail = true;
  const recentItems = recent.map((p) => ({
    label: '$(history) ' + p.split('\n')[0].slice(0, 120),
    detail: p.includes('\n') ? p.slice(0, 200) : undefined,
    prompt: p,
    alwaysShow: false,
  }));
  const render = () => {
    const v = qp.value;
    qp.items = v.trim() ? [{ label: v, description: vscode.l10n.t('Ask'), prompt: v, alwaysShow: true }, ...recentItems] : recentItems;
  };
  render();
  return new Promise((resolve) => {
    let result: string | undefined;
    qp.onDidChangeValue(render);
    qp.onDidAccept(() => {
      result = qp.selectedItems[0]?.prompt ?? (qp.value.trim() || undefined);
      qp.hide();
    });
    qp.onDidHide(() => {
      qp.dispose();
      resolve(result);
    });
    qp.show();
  });
}
