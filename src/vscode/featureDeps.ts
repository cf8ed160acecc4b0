// The one dependency shape of the VS Code glue: what the chat view, the commands, the LM provider, the @switchboard
// participant and the gateway commands need from the extension. extension.ts builds exactly one of these (from
// Services, SettingsSource and KeyStore); each feature takes the `Pick` of it that it uses, so tests fake only that.
import type { Core } from '../core/createCore';
import type { ChatCompletionMessageParam, ModelInfo } from '../core/base/types';
import type { SmartSelectMode } from '../core/config/settings';
import type { KeyState } from '../protocol';

/** Who decides `smart-select` now, and the gateway's own auto-routing model when its preset has one. */
export interface RoutingChoice {
  mode: SmartSelectMode;
  gatewayAuto?: { id: string; label: string };
}

export interface FeatureDeps {
  /** The shared core (router, catalog, ledger); built on first use. */
  core(): Promise<Core>;
  /** `switchboard.model` as set now. */
  currentModel(): string;
  /** Writes `switchboard.model`. */
  setModel(model: string): Promise<void>;
  /** Models for pickers: the catalog as known now, refreshed from the gateway in the background. */
  listModels(): Promise<ModelInfo[]>;
  /** Who resolves `smart-select` (Switchboard or the gateway), and the gateway's auto model. */
  routing(): RoutingChoice;
  /** Writes `switchboard.smartSelect.mode`. */
  setSmartSelectMode(mode: SmartSelectMode): Promise<void>;
  /** One line to the Switchboard log (never a key). */
  log(line: string): void;
  /** Shows an error to the user (with the action that fixes it, e.g. Set API Key); `shownInline`: the answer's error
   * box already shows the message, so the toast stays one short line. */
  onError(err: unknown, opts?: { shownInline?: boolean }): void;
  /** Whether requests can be sent without asking the user anything (a key is stored, or the gateway needs none). */
  canSendWithoutPrompt(): Promise<boolean>;
  /** Asks the user for the key (the Set API Key flow); true once one is stored. */
  promptForKey(): Promise<boolean>;
  /** The user re-asked what smart-select answered with `model` (smart-select may learn from it). */
  reaskedWith(messages: ChatCompletionMessageParam[], model: string): void;
  /** Whether the gateway has a key, and where it would go (the chat's no-key notice). */
  keyState(): Promise<{ state: KeyState; gateway: string }>;
}
