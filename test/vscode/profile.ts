// Writes the throw-away VS Code profile the extension-host suite runs in (a temp folder per run): the user data
// dir with its settings.json, an empty extensions dir, and the workspace VS Code opens. What goes in the settings is
// decided in settingsPlan.ts.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { userSettings, workspaceSettings, type Manifest } from './settingsPlan';

export interface Profile {
  root: string;
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

export function makeProfile(options: { manifest: Manifest; simPort: number }): Profile {
  const root = mkdtempSync(path.join(os.tmpdir(), 'switchboard-vscode-'));
  const profile: Profile = {
    root,
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    workspace: path.join(root, 'workspace'),
  };
  mkdirSync(profile.extensionsDir, { recursive: true });
  writeJson(path.join(profile.userDataDir, 'User', 'settings.json'), userSettings(options.simPort));
  writeJson(path.join(profile.workspace, '.vscode', 'settings.json'), workspaceSettings(options.manifest));
  writeFileSync(path.join(profile.workspace, 'sample.py'), 'def add(a, b):\n    return a + b\n');
  return profile;
}
