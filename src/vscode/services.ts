// The extension's services: the core built on first use, kept in step with settings, and disposed with the extension.
import * as vscode from 'vscode';
import type { Core } from '../core/createCore';
import { DisposableStore, Emitter, LazyDisposable, type IDisposable } from '../core/base/lifecycle';
import type { BudgetStatus, DoneEvent, ModelInfo, RoutingEvent } from '../core/base/types';
import { showBudgetAlert } from './usage/budgetAlerts';
import type { RoutingLog } from './log';
import type { NetworkConfig } from '../core/net/proxyConfig';
import { affectsNetwork, networkFromVscode } from './networkSettings';
import type { KeyStore } from './keys/secrets';
import { selectLearningStore } from './selectLearningStore';
import type { SettingsSource } from './settings';

export interface ServicesState {
  model: string;
  lastAnswer?: DoneEvent;
  openBreakers: string[];
  budget?: BudgetStatus;
}

/**
 * Builds the core (router, catalog, usage ledger) on first use, so activation stays cheap, and keeps it in step
 * with settings. Everything routed in the extension goes through `core()`. Disposing it disposes the core and every
 * listener, including a core whose build was still under way (LazyDisposable): no ledger file stays open.
 */
export class Services implements IDisposable {
  private readonly built = new LazyDisposable(
    () => this.build(),
    () => this.fireState(),
  );
  private lastAnswer: DoneEvent | undefined;
  private readonly changed = new Emitter<ServicesState>();
  readonly onDidChangeState = this.changed.event;
  private readonly subscriptions = new DisposableStore();

  constructor(
    private readonly ctx: vscode.ExtensionContext,
    readonly settings: SettingsSource,
    readonly keys: KeyStore,
    readonly log: RoutingLog,
  ) {
    this.subscriptions.add(
      settings.onDidChange((config) => {
        this.loaded?.updateConfig(config, settings.userSetBaseUrl());
        this.fireState();
      }),
    );
    this.subscriptions.add(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsNetwork(e)) this.loaded?.updateNetwork(this.network());
      }),
    );
    this.subscriptions.add(this.built);
    this.subscriptions.add(this.changed);
  }

  /** The core, built on first use. A failed build (e.g. an unwritable storage folder) is not kept: the next call tries again. */
  core(): Promise<Core> {
    return this.built.get();
  }

  private get loaded(): Core | undefined {
    return this.built.value;
  }

  private async build(): Promise<Core> {
    const { createCore } = await import('../core/createCore');
    // The ledger creates this folder itself, readable by the user only (0700).
    const storage = this.ctx.globalStorageUri.fsPath;
    const core = await createCore({
      config: this.settings.config(),
      userSetBaseUrl: this.settings.userSetBaseUrl(),
      keys: this.keys.lookup,
      usageFile: `${storage}/usage.jsonl`,
      network: this.network(),
      onWarning: (m) => this.log.warn(m),
      selectLearning: selectLearningStore(this.ctx),
    });
    // Added after dispose() (the build outlived the extension), these are disposed at once; the core is by LazyDisposable.
    this.subscriptions.add(this.log.attach(core.router.onEvent));
    this.subscriptions.add(
      core.router.onEvent((e: RoutingEvent) => {
        if (e.type === 'done') this.lastAnswer = e;
        if (e.type === 'done' || e.type === 'breaker') this.fireState();
      }),
    );
    this.subscriptions.add(
      core.ledger.onDidChange(() => {
        showBudgetAlert(this.ctx, core.budget());
        this.fireState();
      }),
    );
    return core;
  }

  /** VS Code's proxy settings and switchboard.tls.caFile; an unreadable CA file is reported and left out. */
  private network(): NetworkConfig {
    const config = this.settings.config();
    try {
      return networkFromVscode(config);
    } catch (e) {
      this.log.warn((e as Error).message);
      void vscode.window.showWarningMessage((e as Error).message);
      return networkFromVscode({ ...config, tls: { caFile: '' } });
    }
  }

  /** Models for pickers: the catalog as known now, refreshed from the gateway in the background. */
  async listModels(): Promise<ModelInfo[]> {
    return (await this.core()).listModels();
  }

  keysChanged(): void {
    this.loaded?.keysChanged();
  }

  state(): ServicesState {
    return {
      model: this.settings.config().model,
      lastAnswer: this.lastAnswer,
      openBreakers: this.loaded?.openBreakers() ?? [],
      budget: this.loaded?.budget(),
    };
  }

  private fireState(): void {
    this.changed.fire(this.state());
  }

  dispose(): void {
    this.subscriptions.dispose();
  }
}
