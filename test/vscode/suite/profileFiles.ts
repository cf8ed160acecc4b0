// The throw-away profile's files as the suite reads them: the routing log's file, and every file where a key must
// never be written (settings, logs, global state, the usage ledger, workspace storage, the workspace itself).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EXTENSION_ID } from '../contract';
import type { World } from './world';

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

export const userSettingsFile = (world: World): string => path.join(world.userDataDir, 'User', 'settings.json');
export const workspaceSettingsFile = (world: World): string => path.join(world.workspace, '.vscode', 'settings.json');
/** The usage ledger: one JSON line per answer, in the extension's global storage. */
export const ledgerFile = (world: World): string => path.join(world.userDataDir, 'User', 'globalStorage', EXTENSION_ID, 'usage.jsonl');

/** The "Switchboard" routing log as written to disk: logs/<session>/window<N>/exthost/<extension id>/Switchboard.log. */
export function routingLogText(world: World): string {
  return listFiles(path.join(world.userDataDir, 'logs'))
    .filter((f) => path.basename(f) === 'Switchboard.log' && path.basename(path.dirname(f)) === EXTENSION_ID)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

/**
 * Every file a key must never reach: user settings, every log, global storage (state.vscdb holds each extension's
 * globalState, and SecretStorage's entries only encrypted; the extension's folder holds the usage ledger), workspace
 * storage, and the workspace (its .vscode/settings.json).
 */
export function keyFreeFiles(world: World): string[] {
  const user = path.join(world.userDataDir, 'User');
  return [
    userSettingsFile(world),
    ...listFiles(path.join(world.userDataDir, 'logs')),
    ...listFiles(path.join(user, 'globalStorage')),
    ...listFiles(path.join(user, 'workspaceStorage')),
    ...listFiles(world.workspace),
  ];
}

/** The files among `files` whose bytes contain `secret`. */
export function filesHolding(secret: string, files: readonly string[]): string[] {
  return files.filter((f) => existsSync(f) && readFileSync(f).includes(secret));
}
