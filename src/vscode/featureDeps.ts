// What the LM provider, the @switchboard participant and the gateway commands need from the extension.
// extension.ts builds one of these from Services, SettingsSource and KeyStore.
import type { Core } from '../core/createCore';

export interface FeatureDeps {
  /** The shared core (router, catalog, ledger); built on first use. */
  core(): Promise<Core>;
  /** `switchboard.model` as set now. */
  currentModel(): string;
  /** Writes `switchboard.model`. */
  setModel(model: string): Promise<void>;
  /** One line to the Switchboard log (never a key). */
  log(line: string): void;
  /** Whether requests can be sent without asking the user anything (a key is stored, or the gateway needs none). */
  canSendWithoutPrompt(): Promise<boolean>;
  /** Asks the user for the key (the Set API Key flow); true once one is stored. */
  promptForKey(): Promise<boolean>;
}
