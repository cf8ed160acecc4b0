// The vscode side of workspacePaths: a URI the chat is about to read (an attachment) or write (Apply to File)
// becomes the URI of the file it really names, with the name chips and diffs show, or a refusal that says why.
// file: URIs are resolved through every symbolic link (workspacePaths.resolveInWorkspace). Other schemes (a virtual
// or remote file system seen through VS Code) cannot be resolved: there the file must be lexically inside an open
// folder of the same file system, outside `.git`, and neither it nor a folder on the way may be a symbolic link as
// the file system provider reports it (a provider that does not report links is trusted as it is).
import { realpath } from 'node:fs/promises';
import * as vscode from 'vscode';
import { hasGitSegment, resolveInWorkspace } from './workspacePaths';

export type CheckedUri = { ok: true; uri: vscode.Uri; label: string } | { ok: false; message: string };

const shown = (uri: vscode.Uri): string => vscode.workspace.asRelativePath(uri, false);

const isLink = async (uri: vscode.Uri): Promise<boolean> => {
  try {
    return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.SymbolicLink) !== 0;
  } catch {
    return false;
  }
};

async function checkFileUri(uri: vscode.Uri, folders: readonly vscode.WorkspaceFolder[]): Promise<CheckedUri> {
  const roots = folders.filter((f) => f.uri.scheme === 'file').map((f) => ({ name: f.name, fsPath: f.uri.fsPath }));
  const r = await resolveInWorkspace(uri.fsPath, roots);
  if (r.ok) return { ok: true, uri: vscode.Uri.file(r.file.real), label: r.file.label };
  const name = shown(uri);
  switch (r.why) {
    case 'missing':
      return { ok: false, message: vscode.l10n.t('{0} does not exist.', name) };
    case 'git':
      return { ok: false, message: vscode.l10n.t('{0} is inside a .git folder; Switchboard does not read or write files there.', name) };
    case 'outside':
      return {
        ok: false,
        message: vscode.l10n.t(
          '{0} leads to {1}, outside the open folders (through a symbolic link, or the file is not in a folder); Switchboard reads and writes only files inside the open folders. Open its folder, or copy the text you need into the chat.',
          name,
          r.real ?? name,
        ),
      };
  }
}

async function checkOtherUri(uri: vscode.Uri, folders: readonly vscode.WorkspaceFolder[]): Promise<CheckedUri> {
  const name = shown(uri);
  const folder = folders.find(
    (f) => f.uri.scheme === uri.scheme && f.uri.authority === uri.authority && uri.path.startsWith(`${f.uri.path.replace(/\/$/, '')}/`),
  );
  if (!folder) return { ok: false, message: vscode.l10n.t('{0} is not inside an open folder; Switchboard reads and writes only files inside them.', name) };
  const relative = uri.path.slice(folder.uri.path.replace(/\/$/, '').length + 1);
  const segments = relative.split('/');
  if (segments.includes('..') || segments.includes('.')) return { ok: false, message: vscode.l10n.t('{0} is not inside an open folder.', name) };
  if (hasGitSegment(relative))
    return { ok: false, message: vscode.l10n.t('{0} is inside a .git folder; Switchboard does not read or write files there.', name) };
  for (let i = 1; i <= segments.length; i++) {
    const step = vscode.Uri.joinPath(folder.uri, ...segments.slice(0, i));
    if (await isLink(step))
      return {
        ok: false,
        message: vscode.l10n.t(
          '{0} goes through a symbolic link ({1}); Switchboard cannot tell where it leads on this file system, so it does not use it.',
          name,
          shown(step),
        ),
      };
  }
  return { ok: true, uri, label: folders.length > 1 ? `${folder.name}/${relative}` : relative };
}

/** The file `uri` really names, inside an open folder and outside `.git`, or why it is refused. */
export function checkWorkspaceUri(uri: vscode.Uri): Promise<CheckedUri> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  return uri.scheme === 'file' ? checkFileUri(uri, folders) : checkOtherUri(uri, folders);
}

/** How to name a document the user is looking at (a selection's, a problem list's): by its real path, relative to
 * the open folder when it is inside one. Nothing is refused here: the user sees the text that is attached. */
export async function realName(uri: vscode.Uri): Promise<string> {
  if (uri.scheme !== 'file') return shown(uri);
  const checked = await checkFileUri(uri, vscode.workspace.workspaceFolders ?? []);
  if (checked.ok) return checked.label;
  try {
    return shown(vscode.Uri.file(await realpath(uri.fsPath)));
  } catch {
    return shown(uri);
  }
}
