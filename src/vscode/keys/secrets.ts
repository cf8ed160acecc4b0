// Where keys live in VS Code: SecretStorage first, the environment as fallback (KeyStore), and the password prompt.
import * as vscode from 'vscode';
import { keyProblem } from '../../core/config/keyValidity';
import type { KeyLookup } from '../../core/base/types';
import { GATEWAY_SECRET, keyFromEnv } from '../../core/config/keys';

/**
 * The one key lives in SecretStorage; the environment is the fallback (SWITCHBOARD_API_KEY; OPENAI_API_KEY only while
 * the gateway is OpenAI's own endpoint). Every key handed out is remembered so the log can redact it wherever it
 * might appear.
 */
export class KeyStore {
  private readonly seen = new Set<string>();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    /** Where the gateway key would go now: decides whether OPENAI_API_KEY may be used. */
    private readonly gatewayUrl: () => string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  readonly lookup: KeyLookup = async (secretName) => {
    const stored = await this.secrets.get(secretName);
    const key = stored || keyFromEnv(secretName, this.env, this.gatewayUrl());
    if (key) this.seen.add(key);
    return key || undefined;
  };

  /** Keys known to this session, for redaction only. */
  knownKeys(): Iterable<string> {
    return this.seen;
  }

  async hasGatewayKey(): Promise<boolean> {
    return (await this.lookup(GATEWAY_SECRET)) !== undefined;
  }

  /** A key the user stored in SecretStorage (not one found in the environment). */
  async hasStoredGatewayKey(): Promise<boolean> {
    return !!(await this.secrets.get(GATEWAY_SECRET));
  }

  async store(secretName: string, key: string): Promise<void> {
    this.seen.add(key);
    await this.secrets.store(secretName, key);
  }

  async delete(secretName: string): Promise<void> {
    await this.secrets.delete(secretName);
  }
}

/** Asks for a key with a password box; refuses empty or whitespace-only input without losing what was typed. */
export async function promptForKey(title: string): Promise<string | undefined> {
  const key = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Paste the API key. It is stored in VS Code SecretStorage, never in settings or logs.'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => {
      if (v.trim() === '') return vscode.l10n.t('The key cannot be empty.');
      const problem = keyProblem(v.trim());
      return problem && vscode.l10n.t('This key {0}, so it cannot be sent in an HTTP header. Copy it again from your provider.', problem);
    },
  });
  return key?.trim() || undefined;
}
