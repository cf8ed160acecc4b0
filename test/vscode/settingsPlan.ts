// The settings the extension-host suite runs with, as data (no I/O): the runner writes them into the throw-away
// profile, the suite reads them back to check what VS Code made of them.
// - User settings: the gateway points at the simulator. switchboard.gateway.baseUrl is application-scoped, so only
//   user settings can set it, and they are written before VS Code starts.
// - Workspace settings (.vscode/settings.json): EVERY switchboard.* setting the manifest contributes, at its default
//   (the model excepted). VS Code drops a workspace value of an application- or machine-scoped setting, so which values
//   survive shows the scopes the manifest declares — and that a workspace cannot redirect the gateway or the key.
import { simBaseUrl } from './contract';

export interface ManifestSetting {
  scope?: string;
  default?: unknown;
  enum?: unknown[];
}

export interface Manifest {
  contributes: {
    commands: Array<{ command: string }>;
    configuration: { properties: Record<string, ManifestSetting> };
  };
}

/** The model every request of the suite asks for: the simulator's echo, streamed word by word. */
export const SUITE_MODEL = 'sim/echo';

/** Scopes whose values VS Code ignores in workspace settings (user settings only). */
export const USER_ONLY_SCOPES: readonly string[] = ['application', 'machine'];

export function userSettings(simPort: number): Record<string, unknown> {
  return {
    'switchboard.gateway.baseUrl': simBaseUrl(simPort),
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    // As in the code-server e2e suite: without Copilot, the Chat view's Agent mode offers tools after '@', not
    // participants; with it off the Chat view asks participants, @switchboard among them.
    'chat.agent.enabled': false,
  };
}

/** Every contributed setting at its default (the first enum value when it has none), the model set to SUITE_MODEL. */
export function workspaceSettings(manifest: Manifest): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(manifest.contributes.configuration.properties)) {
    const value = spec.default !== undefined ? spec.default : spec.enum?.[0];
    if (value === undefined)
      throw new Error(`${name} has neither a default nor an enum: give it a default, or say in test/vscode/settingsPlan.ts what the workspace sets it to.`);
    settings[name] = value;
  }
  settings['switchboard.model'] = SUITE_MODEL;
  return settings;
}
