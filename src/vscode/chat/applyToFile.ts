// "Apply to File" on a code block: the block becomes the file's new content, shown first as VS Code's diff of the
// file against it, and written only when the user accepts — as one workspace edit, so Undo works as for any edit.
// The target is the path the block names (its fence info), else the one file attached to the question, else the
// user picks. A path from model output is untrusted: only a relative path inside an open workspace folder is taken,
// and whatever the target, it is resolved through symbolic links first (workspaceUri): the file written is the
// one its real path names, inside an open folder and outside .git, and the diff and the question name that path.
import * as vscode from 'vscode';
import { hasGitSegment } from './workspacePaths';
import { checkWorkspaceUri } from './workspaceUri';

const SCHEME = 'switchboard-proposed';

export interface ApplyRequest {
  text: string;
  /** From the fence info (```ts src/app.ts); model output, so untrusted. */
  path?: string;
  /** Files attached to the question the answer belongs to. */
  attachedPaths: string[];
}

/** A workspace file for a relative path that stays inside its folder, or undefined. */
export function workspaceFile(path: string | undefined): vscode.Uri | undefined {
  if (!path || /^([a-z]:)?[\\/]/i.test(path) || path.split(/[\\/]/).includes('..') || /^[a-z][\w+.-]*:/i.test(path) || hasGitSegment(path)) return undefined;
  const folders = vscode.workspace.workspaceFolders ?? [];
  const named = folders.length > 1 ? folders.find((f) => path.startsWith(`${f.name}/`)) : undefined;
  const folder = named ?? folders[0];
  if (!folder) return undefined;
  return vscode.Uri.joinPath(folder.uri, named ? path.slice(named.name.length + 1) : path);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function pickTarget(): Promise<vscode.Uri | undefined> {
  const files = await vscode.workspace.findFiles('**/*', '**/{node_modules,.git,dist,out}/**', 2000);
  if (files.length === 0) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Switchboard: Apply to File needs a file in an open folder. Open the folder, or use New File on the code block instead.'),
    );
    return undefined;
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  const items = files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri, false), uri, picked: uri.toString() === active?.toString() }));
  items.sort((a, b) => Number(b.picked) - Number(a.picked));
  const pick = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Apply to File'),
    placeHolder: vscode.l10n.t('Which file should this code replace?'),
  });
  return pick?.uri;
}

export class ApplyToFile implements vscode.Disposable {
  private readonly proposals = new Map<string, string>();
  private readonly provider: vscode.Disposable;
  private seq = 0;

  constructor() {
    this.provider = vscode.workspace.registerTextDocumentContentProvider(SCHEME, {
      provideTextDocumentContent: (uri) => this.proposals.get(uri.query) ?? '',
    });
  }

  async apply(req: ApplyRequest): Promise<void> {
    let target = workspaceFile(req.path);
    if (target && !(await exists(target))) target = undefined;
    if (!target && req.attachedPaths.length === 1) target = workspaceFile(req.attachedPaths[0]);
    target ??= await pickTarget();
    if (!target) return;
    const checked = await checkWorkspaceUri(target);
    if (!checked.ok) {
      void vscode.window.showWarningMessage(`Switchboard: ${vscode.l10n.t('Apply to File refused: {0}', checked.message)}`);
      return;
    }

    const doc = await vscode.workspace.openTextDocument(checked.uri);
    const key = String(this.seq++);
    this.proposals.set(key, req.text);
    const name = checked.label;
    const proposed = vscode.Uri.from({ scheme: SCHEME, path: `/${name}`, query: key });
    try {
      await vscode.commands.executeCommand('vscode.diff', doc.uri, proposed, vscode.l10n.t('{0}: current ↔ proposed (Switchboard)', name), { preview: true });
      const accept = vscode.l10n.t('Apply');
      const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Apply the proposed change to {0}?', name), accept, vscode.l10n.t('Discard'));
      if (choice !== accept) return;
      const edit = new vscode.WorkspaceEdit();
      edit.replace(
        doc.uri,
        new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)),
        req.text.endsWith('\n') || !doc.getText().endsWith('\n') ? req.text : `${req.text}\n`,
      );
      if (!(await vscode.workspace.applyEdit(edit))) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Switchboard could not apply the change to {0} (is it read-only?).', name));
        return;
      }
      await vscode.window.showTextDocument(doc, { preview: false });
    } finally {
      this.proposals.delete(key);
    }
  }

  dispose(): void {
    this.provider.dispose();
    this.proposals.clear();
  }
}
