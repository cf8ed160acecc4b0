// Registers the @switchboard chat participant (VS Code 1.90+); the logic is in participantHandler.ts.
import * as vscode from 'vscode';
import type { ExplainInput } from '../../core/prompt/explainPrompt';
import { PARTICIPANT_ID, ParticipantHandler, type ParticipantEnv } from './participantHandler';

type ParticipantEnvDeps = Omit<ParticipantEnv, 'activeSelection'>;

const CONTEXT_LINES = 5;

function activeSelection(): Omit<ExplainInput, 'maxChars'> | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.selection.isEmpty) return undefined;
  const doc = editor.document;
  const sel = editor.selection;
  const beforeStart = Math.max(0, sel.start.line - CONTEXT_LINES);
  const afterEnd = Math.min(doc.lineCount - 1, sel.end.line + CONTEXT_LINES);
  return {
    code: doc.getText(sel),
    languageId: doc.languageId,
    fileName: vscode.workspace.asRelativePath(doc.uri),
    startLine: sel.start.line + 1,
    endLine: sel.end.line + 1,
    before: doc.getText(new vscode.Range(beforeStart, 0, sel.start.line, 0)),
    after: doc.getText(new vscode.Range(sel.end.line + 1, 0, afterEnd + 1, 0)),
  };
}

/** Creates the participant, or gives `existing` (created at start-up by src/boot.ts, disposed by it) its real handler. */
export function registerParticipant(ctx: vscode.ExtensionContext, deps: ParticipantEnvDeps, existing?: vscode.ChatParticipant): vscode.Disposable {
  if (typeof vscode.chat?.createChatParticipant !== 'function') return new vscode.Disposable(() => undefined);
  const handler = new ParticipantHandler({ ...deps, activeSelection });
  const handle: vscode.ChatRequestHandler = (request, context, stream, token) =>
    handler.handle(
      request,
      {
        history: context.history.map((t) =>
          t instanceof vscode.ChatRequestTurn
            ? { participant: t.participant, prompt: t.prompt, command: t.command }
            : { participant: t.participant, command: t.command, response: t.response, result: t.result },
        ),
      },
      stream,
      token,
    );
  if (existing) {
    existing.requestHandler = handle;
    return new vscode.Disposable(() => undefined);
  }
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, handle);
  participant.iconPath = vscode.Uri.joinPath(ctx.extensionUri, 'media', 'icon.png');
  return participant;
}
