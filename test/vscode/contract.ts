// What the runner (test/vscode/run.ts) hands the extension-host suite (test/vscode/suite/): the environment
// variables carrying the scratch profile's paths and the simulator's port into VS Code, and the extension's id.
// Both sides import this file, so a renamed variable cannot leave one side reading nothing.

export const EXTENSION_ID = 'switchboard-dev.switchboard';

/** Environment variables the runner sets for the extension host (extensionTestsEnv). */
export const SUITE_ENV = {
  /** The port the suite starts the simulator on; the user settings point switchboard.gateway.baseUrl at it. */
  simPort: 'SWITCHBOARD_VSCODE_SIM_PORT',
  /** The throw-away --user-data-dir (user settings, logs, global storage). */
  userDataDir: 'SWITCHBOARD_VSCODE_USER_DATA_DIR',
  /** The folder VS Code opens (its .vscode/settings.json holds the workspace settings). */
  workspace: 'SWITCHBOARD_VSCODE_WORKSPACE',
} as const;

/** The simulator's base URL for a port: what switchboard.gateway.baseUrl is set to. */
export function simBaseUrl(port: number): string {
  return `http://127.0.0.1:${port}/v1`;
}
