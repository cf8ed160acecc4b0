// The `switchboard.*` settings in VS Code: read through effectiveSettings into a Config, re-read on change, and each
// problem or ignored workspace value shown once.
import * as vscode from 'vscode';
import { parseConfig, SETTINGS_PREFIX, USER_ONLY_SETTINGS, type Config, type SettingName } from '../core/config/settings';
import { effectiveSettings, whyIgnored } from '../core/config/effectiveSettings';
import { BUILTIN_MODELS } from '../core/catalog/snapshot';
import { Emitter, type IDisposable } from '../core/base/lifecycle';
import type { ConfigError } from '../core/base/errors';
import { userOnlySettingsInWorkspaceFiles, watchWorkspaceSettingsFiles } from './workspaceKeySettings';

/**
 * Reads the `switchboard.*` settings into a validated Config, re-reads on change (no reload needed) and reports
 * each invalid value once, naming the setting, with a button that opens it. Settings that decide where the key is
 * sent and the budget come from the user's settings only, and a workspace value that reaches another direct provider
 * or multiplies requests is ignored (core/config/effectiveSettings.ts); each ignored setting is named in one warning.
 */
let bareIds: Map<string, string> | undefined;
/** The provider of a bare model id the built-in catalog knows (`gpt-4.1` → `openai`), as the router would find it. */
function builtinProviderOf(bareId: string): string | undefined {
  bareIds ??= new Map(BUILTIN_MODELS.map((m) => [m.id.slice(m.id.indexOf('/') + 1).toLowerCase(), m.provider]));
  return bareIds.get(bareId.toLowerCase());
}

export class SettingsSource implements IDisposable {
  private cached: Config | undefined;
  private readonly reported = new Set<string>();
  private readonly changed = new Emitter<Config>();
  readonly onDidChange = this.changed.event;
  private readonly listeners: vscode.Disposable[];
  private readonly warnedIgnored = new Set<SettingName>();

  constructor(private readonly log: (line: string) => void) {
    this.listeners = [
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('switchboard')) return;
        this.cached = undefined;
        this.changed.fire(this.config());
      }),
      watchWorkspaceSettingsFiles(() => void this.checkWorkspaceFiles()),
    ];
    void this.checkWorkspaceFiles();
  }

  config(): Config {
    if (this.cached) return this.cached;
    const { flat, ignored } = this.effective();
    this.warnIgnored(ignored);
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

  /** The invalid values among the settings that count (a workspace's ignored values are warned about, not problems). */
  problems(): ConfigError[] {
    return parseConfig(this.effective().flat).problems;
  }

  private effective() {
    const ws = vscode.workspace.getConfiguration('switchboard');
    return effectiveSettings({ inspect: (name) => ws.inspect(name), providerOf: builtinProviderOf });
  }

  /** True when the user set `gateway.baseUrl` themselves (a preset then does not override it). */
  userSetBaseUrl(): boolean {
    return vscode.workspace.getConfiguration('switchboard').inspect('gateway.baseUrl')?.globalValue !== undefined;
  }

  /** True when the user chose where the key goes: set `gateway.baseUrl` or `gateway.preset` in their settings. */
  userChoseGateway(): boolean {
    const ws = vscode.workspace.getConfiguration('switchboard');
    return this.userSetBaseUrl() || ws.inspect('gateway.preset')?.globalValue !== undefined;
  }

  private async checkWorkspaceFiles(): Promise<void> {
    this.warnIgnored(await userOnlySettingsInWorkspaceFiles());
  }

  /** One warning per setting per session; the log gets a line each time. */
  private warnIgnored(names: readonly SettingName[]): void {
    for (const name of names) {
      const setting = SETTINGS_PREFIX + name;
      this.log(`settings: ignored "${setting}" from the workspace settings: ${whyIgnored(name)}`);
      if (this.warnedIgnored.has(name)) continue;
      this.warnedIgnored.add(name);
      const message = vscode.l10n.t('Switchboard ignored "{0}" in this workspace\'s settings: {1}. Your user value is used.', setting, whyIgnored(name));
      void vscode.window.showWarningMessage(message, vscode.l10n.t('Open User Setting')).then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', setting);
      });
    }
  }

  async setModel(model: string): Promise<void> {
    await this.update('model', model);
  }

  async update(name: string, value: unknown): Promise<void> {
    const ws = vscode.workspace.getConfiguration('switchboard');
    const i = ws.inspect(name);
    const target = USER_ONLY_SETTINGS.has(name as SettingName)
      ? vscode.ConfigurationTarget.Global
      : i?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : i?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    await ws.update(name, value, target);
    this.cached = undefined;
  }

  dispose(): void {
    for (const l of this.listeners) l.dispose();
    this.changed.dispose();
  }
}
