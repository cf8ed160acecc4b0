// The @switchboard chat participant's handler (VS Code 1.90+); the logic is in participantHandler.ts.
import * as vscode from 'vscode';
import type { ExplainInput } from '../../core/prompt/explainPrompt';
import { ParticipantHandler, type ParticipantEnv } from './participantHandler';

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

/** Gives the participant src/boot.ts created at start-up (none where VS Code has no chat API) its real handler. */
export function adoptParticipant(participant: vscode.ChatParticipant | undefined, deps: ParticipantEnvDeps): void {
  if (!participant) return;
  const handler = new ParticipantHandler({ ...deps, activeSelection });
  participant.requestHandler = (request, context, stream, token) =>
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
}
