// code-server as a throw-away VS Code: its own extensions dir, user-data dir and workspace, the packaged .vsix
// installed into it, a user settings.json written before start. Shared by the e2e harness and `npm run sandbox`.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { currentLane } from './lanes';
import { spawnGroup, type GroupProcess } from './processes';
import { GiveUp, waitFor } from './wait';

const run = promisify(execFile);
export const REPO_ROOT = path.resolve(__dirname, '../..');

/** Settings without which a dialog or an editor covers the workbench on first start. */
export const BASE_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
};

/** A small source file for Explain Selection; `SAMPLE_FUNCTION_LINES` is the function's line count. */
export const SAMPLE_FILE = 'sample.py';
export const SAMPLE_SOURCE = [
  'def fibonacci(n):',
  '    """Return the n-th Fibonacci number."""',
  '    a, b = 0, 1',
  '    for _ in range(n):',
  '        a, b = b, a + b',
  '    return a',
  '',
  '',
  'if __name__ == "__main__":',
  '    print(fibonacci(10))',
  '',
].join('\n');
export const SAMPLE_FUNCTION_LINES = 6;

export interface CodeServerDirs {
  root: string;
  extensionsDir: string;
  userDataDir: string;
  workspace: string;
  configFile: string;
  settingsFile: string;
  logsDir: string;
}

/**
 * The current lane's installed code-server: an entry.js (run on this Node) or a launcher (runs on its own Node).
 * The lane's installer prints it and e2e.sh exports it as SWITCHBOARD_CODE_SERVER_ENTRY.
 */
export function codeServerEntry(): string {
  const lane = currentLane();
  const entry = process.env.SWITCHBOARD_CODE_SERVER_ENTRY ?? lane.defaultEntry;
  if (!existsSync(entry)) {
    throw new Error(`code-server ${lane.codeServerVersion} is not installed at ${entry}; run "bash ${lane.installer}" (or "npm run test:e2e", which runs it).`);
  }
  return entry;
}

/** The command line that runs code-server from `entry` (see codeServerEntry). */
function codeServerCommand(entry: string, args: string[]): { command: string; args: string[] } {
  return entry.endsWith('.js') ? { command: process.execPath, args: [entry, ...args] } : { command: entry, args };
}

/** The packaged extension: `$SWITCHBOARD_VSIX`, else `switchboard-<version>.vsix` at the repo root. */
export function vsixPath(): string {
  const version = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const vsix = process.env.SWITCHBOARD_VSIX ?? path.join(REPO_ROOT, `switchboard-${version}.vsix`);
  if (!existsSync(vsix)) throw new Error(`${vsix} does not exist; run "npm run package" first.`);
  return vsix;
}

export function makeDirs(root: string): CodeServerDirs {
  const dirs: CodeServerDirs = {
    root,
    extensionsDir: path.join(root, 'extensions'),
    userDataDir: path.join(root, 'user-data'),
    workspace: path.join(root, 'workspace'),
    configFile: path.join(root, 'code-server.yaml'),
    settingsFile: path.join(root, 'user-data', 'User', 'settings.json'),
    logsDir: path.join(root, 'user-data', 'logs'),
  };
  for (const d of [dirs.extensionsDir, path.dirname(dirs.settingsFile), dirs.workspace]) mkdirSync(d, { recursive: true });
  writeFileSync(path.join(dirs.workspace, SAMPLE_FILE), SAMPLE_SOURCE);
  // An explicit config file keeps code-server from writing ~/.config/code-server/config.yaml.
  writeFileSync(dirs.configFile, 'auth: none\ncert: false\n');
  return dirs;
}

/** code-server 4.104+ writes ~/.config and ~/.local/share unless XDG points elsewhere. */
function throwAwayXdg(dirs: CodeServerDirs): Record<string, string> {
  return { XDG_CONFIG_HOME: path.join(dirs.root, 'xdg-config'), XDG_DATA_HOME: path.join(dirs.root, 'xdg-data') };
}

export async function installExtension(options: { entry: string; dirs: CodeServerDirs; vsix: string }): Promise<void> {
  const { entry, dirs, vsix } = options;
  const cmd = codeServerCommand(entry, [
    '--config',
    dirs.configFile,
    '--extensions-dir',
    dirs.extensionsDir,
    '--user-data-dir',
    dirs.userDataDir,
    '--install-extension',
    vsix,
  ]);
  const { stdout, stderr } = await run(cmd.command, cmd.args, { timeout: 180_000, env: { ...process.env, ...throwAwayXdg(dirs) } });
  const out = stdout + stderr;
  if (!/successfully installed/i.test(out)) throw new Error(`Installing ${vsix} into code-server failed:\n${out}`);
}

function readJsonObject(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** Merges `patch` into a settings file (a key set to `undefined` is removed). */
function mergeSettingsFile(file: string, patch: Record<string, unknown>, base: Readonly<Record<string, unknown>> = {}): void {
  const merged: Record<string, unknown> = { ...base, ...readJsonObject(file), ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete merged[k];
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(merged, null, 2) + '\n');
}

/** The user settings.json (where the extension saves a model chosen in the quick pick). */
export function readSettings(dirs: CodeServerDirs): Record<string, unknown> {
  return readJsonObject(dirs.settingsFile);
}

/**
 * Merges `patch` into the user settings.json. Write it before code-server starts: code-server does not notice
 * later edits made to that file on disk (the workspace's settings file is watched; see writeWorkspaceSettings).
 */
export function writeSettings(dirs: CodeServerDirs, patch: Record<string, unknown>): void {
  mergeSettingsFile(dirs.settingsFile, patch, BASE_SETTINGS);
}

export const workspaceSettingsFile = (dirs: CodeServerDirs): string => path.join(dirs.workspace, '.vscode', 'settings.json');

export function readWorkspaceSettings(dirs: CodeServerDirs): Record<string, unknown> {
  return readJsonObject(workspaceSettingsFile(dirs));
}

/** Merges `patch` into the workspace's .vscode/settings.json, which a running VS Code picks up within a second. */
export function writeWorkspaceSettings(dirs: CodeServerDirs, patch: Record<string, unknown>): void {
  mergeSettingsFile(workspaceSettingsFile(dirs), patch);
}

export interface StartCodeServerOptions {
  entry: string;
  dirs: CodeServerDirs;
  port: number;
  /** Extra environment for code-server and so for the extension host (e.g. SWITCHBOARD_API_KEY). */
  env?: Record<string, string>;
  /** Environment variables to remove (e.g. a developer's own OPENAI_API_KEY). */
  unsetEnv?: string[];
  logFile?: string;
  /** Keep code-server's own getting-started page (a newcomer's first start); by default it is turned off. */
  gettingStartedOverride?: boolean;
}

export interface RunningCodeServer {
  url: string;
  process: GroupProcess;
}

export async function startCodeServer(options: StartCodeServerOptions): Promise<RunningCodeServer> {
  const { entry, dirs, port } = options;
  const env: NodeJS.ProcessEnv = { ...process.env, ...throwAwayXdg(dirs), ...options.env };
  // $PORT would override --bind-addr; the others would leak a developer's key into the throw-away instance.
  for (const k of ['PORT', 'PASSWORD', 'HASHED_PASSWORD', ...(options.unsetEnv ?? [])]) delete env[k];
  const args = [
    '--config',
    dirs.configFile,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--extensions-dir',
    dirs.extensionsDir,
    '--user-data-dir',
    dirs.userDataDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    ...(options.gettingStartedOverride ? [] : ['--disable-getting-started-override']),
    dirs.workspace,
  ];
  const cmd = codeServerCommand(entry, args);
  const proc = spawnGroup({ command: cmd.command, args: cmd.args, env, cwd: dirs.root, logFile: options.logFile });
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitFor(
      async () => {
        if (proc.child.exitCode !== null) throw new GiveUp(`code-server exited with ${proc.child.exitCode}:\n${proc.output().slice(-2000)}`);
        const res = await fetch(`${url}healthz`);
        return res.ok;
      },
      { what: `code-server to answer on ${url}`, timeoutMs: 90_000, intervalMs: 300 },
    );
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { url, process: proc };
}
