import * as vscode from 'vscode';
import { parseConfig, SETTINGS, type Config } from '../core/config';
import { Emitter, type IDisposable } from '../core/lifecycle';

/**
 * Reads the `switchboard.*` settings into a validated Config, re-reads on change (no reload needed) and reports
 * each invalid value once, naming the setting, with a button that opens it.
 */
export class SettingsSource implements IDisposable {
  private cached: Config | undefined;
  private readonly reported = new Set<string>();
  private readonly changed = new Emitter<Config>();
  readonly onDidChange = this.changed.event;
  private readonly listener: vscode.Disposable;

  constructor(private readonly log: (line: string) => void) {
    this.listener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('switchboard')) return;
      this.cached = undefined;
      this.changed.fire(this.config());
    });
  }

  config(): Config {
    if (this.cached) return this.cached;
    const ws = vscode.workspace.getConfiguration('switchboard');
    const flat: Record<string, unknown> = {};
    for (const name of Object.keys(SETTINGS)) {
      const inspected = ws.inspect(name);
      const explicit = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
      if (explicit !== undefined) flat[name] = explicit;
    }
    const { config, problems } = parseConfig(flat);
    for (const p of problems) {
      const message = p.fallbackNote ? `${p.message} ${p.fallbackNote}` : p.message;
      this.log(`settings: ${message}`);
      if (this.reported.has(message)) continue;
      this.reported.add(message);
      void vscode.window.showWarningMessage(message, vscode.l10n.t('Open Setting')).then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', p.setting);
      });
    }
    this.cached = config;
    return config;
  }

  /** True when the user set `gateway.baseUrl` themselves (a preset then does not override it). */
  userSetBaseUrl(): boolean {
    const i = vscode.workspace.getConfiguration('switchboard').inspect('gateway.baseUrl');
    return (i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue) !== undefined;
  }

  async setModel(model: string): Promise<void> {
    await this.update('model', model);
  }

  async update(name: string, value: unknown): Promise<void> {
    const ws = vscode.workspace.getConfiguration('switchboard');
    const i = ws.inspect(name);
    const target = i?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder : i?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await ws.update(name, value, target);
    this.cached = undefined;
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }
}

