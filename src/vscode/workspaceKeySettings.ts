// User-only settings found in this workspace's own settings files (VS Code drops them before `inspect`), so the
// user can be told they were ignored; and a watcher that re-checks those files when they change.
import * as vscode from 'vscode';
import { SETTINGS_PREFIX, USER_ONLY_SETTINGS, type SettingName } from '../core/config/settings';

/**
 * The user-only settings (where the key is sent) that this workspace's own settings files try to set. VS Code drops
 * application-scoped values from workspace settings before `inspect` sees them, so the files themselves are read —
 * only to tell the user what was ignored; their values are never used.
 */
export async function userOnlySettingsInWorkspaceFiles(): Promise<SettingName[]> {
  const files = (vscode.workspace.workspaceFolders ?? []).map((f) => vscode.Uri.joinPath(f.uri, '.vscode', 'settings.json'));
  const workspaceFile = vscode.workspace.workspaceFile;
  if (workspaceFile && workspaceFile.scheme !== 'untitled') files.push(workspaceFile);
  const found = new Set<SettingName>();
  for (const uri of files) {
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      continue; // no settings file: nothing to ignore
    }
    for (const name of USER_ONLY_SETTINGS) if (text.includes(`"${SETTINGS_PREFIX}${name}"`)) found.add(name);
  }
  return [...found];
}

/** Fires when any workspace folder's `.vscode/settings.json` changes (a `git pull` can change it). */
export function watchWorkspaceSettingsFiles(onChange: () => void): vscode.Disposable {
  const watchers = (vscode.workspace.workspaceFolders ?? []).map((f) =>
    vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(f, '.vscode/settings.json')),
  );
  const subscriptions = watchers.flatMap((w) => [w.onDidCreate(onChange), w.onDidChange(onChange)]);
  return vscode.Disposable.from(...subscriptions, ...watchers);
}
