// Explain Selection: the selection (or the enclosing function) with a few lines around it, asked into the chat
// view. It sends only the code: attachments waiting in the chat stay for the next question, and it says so; when it
// continues a conversation (whose turns make the prompt grow) it says so and offers to ask again in a new chat.
import * as vscode from 'vscode';
import { buildExplainPrompt } from '../../core/prompt/explainPrompt';
import type { NextQuestion } from '../chat/chatController';
import { explainTarget, type LineSpan } from '../../core/prompt/explainTarget';
import type { ChatViewProvider } from '../chat/chatView';
import { attachmentsText, conversationText } from '../chat/nextQuestionText';

const AROUND = 5;
const FUNCTION_KINDS = new Set([vscode.SymbolKind.Function, vscode.SymbolKind.Method, vscode.SymbolKind.Constructor, vscode.SymbolKind.Class]);

/** Explain with Switchboard (context menu, keybinding, lightbulb). An empty selection explains the code around the cursor (explainTarget). */
export function registerExplain(chat: ChatViewProvider, maxCodeChars: () => Promise<number>): vscode.Disposable {
  const command = vscode.commands.registerCommand('switchboard.explainSelection', async (uri?: vscode.Uri, range?: vscode.Range) => {
    const editor = vscode.window.activeTextEditor;
    const doc = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : editor?.document;
    if (!doc) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a file and select some code to explain.'));
      return;
    }
    const target =
      range instanceof vscode.Range ? range : editor && !editor.selection.isEmpty ? editor.selection : await enclosingRange(doc, editor?.selection.active);
    if (!target) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Switchboard: there is no code here to explain. Select some code, or put the cursor in it.'));
      return;
    }
    const start = target.start.line;
    const end = target.end.character === 0 && target.end.line > start ? target.end.line - 1 : target.end.line;
    const code = doc.getText(new vscode.Range(start, 0, end, doc.lineAt(end).text.length));
    const before = doc.getText(new vscode.Range(Math.max(0, start - AROUND), 0, start, 0));
    const after = end + 1 < doc.lineCount ? doc.getText(new vscode.Range(end + 1, 0, Math.min(doc.lineCount, end + 1 + AROUND), 0)) : '';
    const built = buildExplainPrompt({
      code,
      languageId: doc.languageId,
      fileName: vscode.workspace.asRelativePath(doc.uri),
      startLine: start + 1,
      endLine: end + 1,
      before,
      after,
      maxChars: await maxCodeChars(),
    });
    if (built.trimmedChars) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t("The selection was trimmed by {0} characters to fit the model's context window.", built.trimmedChars),
      );
    }
    const next = await chat.nextQuestion();
    const asked = chat.ask(built.prompt, { title: built.title, pending: 'keep' });
    void sayWhatWentWith(next, () => chat.ask(built.prompt, { title: built.title, pending: 'keep', fresh: true }));
    await asked;
  });
  const actions = vscode.languages.registerCodeActionsProvider({ scheme: '*' }, new ExplainCodeActions(), {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
  });
  return vscode.Disposable.from(command, actions);
}

/** Tells the user what the explanation carried besides the code, and offers a fresh chat when it continued one. */
async function sayWhatWentWith(next: NextQuestion, askFresh: () => Promise<void>): Promise<void> {
  const files = attachmentsText(next);
  const chat = conversationText(next);
  if (!files && !chat) return;
  const parts = [
    chat ? vscode.l10n.t('Explain Selection {0}.', chat) : undefined,
    files ? vscode.l10n.t('It sent only the code: {0} still wait in the chat for your next question.', files) : undefined,
  ];
  const fresh = vscode.l10n.t('Ask Again in a New Chat');
  const choice = await vscode.window.showInformationMessage(parts.filter(Boolean).join(' '), ...(chat ? [fresh] : []));
  if (choice === fresh) await askFresh();
}

async function enclosingRange(doc: vscode.TextDocument, pos: vscode.Position | undefined): Promise<vscode.Range | undefined> {
  const functions: LineSpan[] = [];
  try {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>('vscode.executeDocumentSymbolProvider', doc.uri);
    const visit = (list: readonly vscode.DocumentSymbol[] | undefined) => {
      for (const s of list ?? []) {
        if (s.range && FUNCTION_KINDS.has(s.kind)) functions.push({ start: s.range.start.line, end: s.range.end.line });
        visit(s.children);
      }
    };
    visit(symbols);
  } catch {
    /* no symbol provider for this language: lines and blocks only */
  }
  const lines = Array.from({ length: doc.lineCount }, (_, i) => doc.lineAt(i).text);
  const span = explainTarget({ lines, cursorLine: pos?.line ?? 0, functions });
  return span && new vscode.Range(span.start, 0, span.end, doc.lineAt(span.end).text.length);
}

class ExplainCodeActions implements vscode.CodeActionProvider {
  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    if (range.isEmpty) return [];
    const action = new vscode.CodeAction(vscode.l10n.t('Explain with Switchboard'), vscode.CodeActionKind.QuickFix);
    action.command = { command: 'switchboard.explainSelection', title: action.title, arguments: [doc.uri, range] };
    return [action];
  }
}
