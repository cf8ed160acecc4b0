// Ask Model: a prompt box that remembers recent prompts; the answer streams into the chat view. Like every question
// asked into the chat, it sends the attachments waiting in the composer; the box says what goes with the question
// (those attachments, the conversation it continues) and offers to ask without them or in a new chat.
import * as vscode from 'vscode';
import type { AskOptions, NextQuestion } from '../chat/chatController';
import type { ChatViewProvider } from '../chat/chatView';
import { askSummary, attachmentsText, conversationText } from '../chat/nextQuestionText';
import { accepted } from '../quickPick';

const RECENT_KEY = 'switchboard.recentPrompts';
const MAX_RECENT = 20;

type PromptItem = vscode.QuickPickItem & { prompt: string; options?: AskOptions };

/** Ask Model: an input that remembers recent prompts. Whatever is typed is always the first, default choice. */
export function registerAskModel(ctx: vscode.ExtensionContext, chat: ChatViewProvider): vscode.Disposable {
  return vscode.commands.registerCommand('switchboard.askModel', async (prompt?: string) => {
    const picked = typeof prompt === 'string' && prompt.trim() ? { prompt } : await pickPrompt(ctx, await chat.nextQuestion());
    if (!picked) return;
    const recent = ctx.globalState.get<string[]>(RECENT_KEY, []).filter((p) => p !== picked.prompt);
    await ctx.globalState.update(RECENT_KEY, [picked.prompt, ...recent].slice(0, MAX_RECENT));
    await chat.ask(picked.prompt, picked.options);
  });
}

/** The typed prompt as the default Ask, then the variants that leave something out (only when there is something). */
function typedItems(value: string, next: NextQuestion): PromptItem[] {
  const items: PromptItem[] = [{ label: value, description: vscode.l10n.t('Ask'), detail: askSummary(next), prompt: value, alwaysShow: true }];
  const files = attachmentsText(next);
  if (files)
    items.push({
      label: value,
      description: vscode.l10n.t('Ask without the attachments'),
      detail: vscode.l10n.t('{0} stay in the chat for the next question', files),
      prompt: value,
      options: { pending: 'keep' },
      alwaysShow: true,
    });
  if (conversationText(next))
    items.push({
      label: value,
      description: vscode.l10n.t('Ask in a new chat'),
      detail: vscode.l10n.t('the earlier {0} answers do not go with it', next.earlierAnswers),
      prompt: value,
      options: { fresh: true },
      alwaysShow: true,
    });
  return items;
}

async function pickPrompt(ctx: vscode.ExtensionContext, next: NextQuestion): Promise<{ prompt: string; options?: AskOptions } | undefined> {
  const recent = ctx.globalState.get<string[]>(RECENT_KEY, []);
  const qp = vscode.window.createQuickPick<PromptItem>();
  qp.title = vscode.l10n.t('Switchboard: Ask Model');
  const summary = askSummary(next);
  qp.placeholder = summary ? vscode.l10n.t('Ask anything — Enter sends {0}', summary) : vscode.l10n.t('Ask anything — Enter sends; recent prompts below');
  qp.ignoreFocusOut = true;
  qp.matchOnDetail = true;
  const recentItems: PromptItem[] = recent.map((p) => ({
    label: '$(history) ' + p.split('\n')[0].slice(0, 120),
    detail: p.includes('\n') ? p.slice(0, 200) : undefined,
    prompt: p,
    alwaysShow: false,
  }));
  const render = () => {
    const v = qp.value;
    qp.items = v.trim() ? [...typedItems(v, next), ...recentItems] : recentItems;
  };
  render();
  qp.onDidChangeValue(render);
  const result = await accepted(qp);
  if (!result) return undefined;
  if (result.item) return { prompt: result.item.prompt, options: result.item.options };
  return result.value.trim() ? { prompt: result.value } : undefined;
}
