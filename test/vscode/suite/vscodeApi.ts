// What the suite does through the VS Code API, in one place: the extension and its manifest, whether this VS Code
// has the language model provider API, Set / Clear API Key with the input box answered by the test, and a chat
// request to one of Switchboard's models through vscode.lm.
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../contract';
import { waitFor } from '../../e2e/wait';
import type { Manifest } from '../settingsPlan';

interface LmManifest {
  contributes: { languageModelChatProviders?: Array<{ vendor: string }> };
}

export function switchboardExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded: the runner passes the repository as --extensionDevelopmentPath.`);
  return extension;
}

export function manifest(): Manifest {
  return switchboardExtension().packageJSON as Manifest;
}

/** The vendor the manifest's languageModelChatProviders declare. */
export function lmVendor(): string {
  const vendor = (switchboardExtension().packageJSON as LmManifest).contributes.languageModelChatProviders?.[0]?.vendor;
  if (!vendor) throw new Error('package.json contributes no languageModelChatProviders vendor.');
  return vendor;
}

/** VS Code 1.104 made vscode.lm.registerLanguageModelChatProvider (Switchboard's models in VS Code's chat) stable. */
export function hasLmProviderApi(version = vscode.version): boolean {
  const [major, minor] = version.split('.').map((n) => Number.parseInt(n, 10));
  return major > 1 || (major === 1 && minor >= 104);
}

/**
 * Replaces `target[name]` until the returned function is called. The suite is bundled into the extension's folder,
 * so VS Code hands it the extension's own `vscode` API object: a replaced window function is the one the
 * extension calls.
 */
export function replace<T extends object, K extends keyof T>(target: T, name: K, replacement: T[K]): () => void {
  const original = Object.getOwnPropertyDescriptor(target, name);
  Object.defineProperty(target, name, { value: replacement, configurable: true, writable: true });
  return () => {
    if (original) Object.defineProperty(target, name, original);
    else delete target[name];
  };
}

/** Runs a command while every input box answers `answer` (undefined: the user pressed Escape). */
export async function runAnswering(command: string, answer: string | undefined): Promise<void> {
  const restore = replace(vscode.window, 'showInputBox', async () => answer);
  try {
    await vscode.commands.executeCommand(command);
  } finally {
    restore();
  }
}

/** One of Switchboard's models, once VS Code lists it (the simulator's models join once its catalog is fetched). */
export async function switchboardModel(id: string): Promise<vscode.LanguageModelChat> {
  return waitFor(async () => (await vscode.lm.selectChatModels({ vendor: lmVendor(), id }))[0], {
    what: `Switchboard's model ${id} in vscode.lm.selectChatModels`,
    timeoutMs: 60_000,
  });
}

/** Sends one user message and collects the streamed text parts. */
export async function ask(model: vscode.LanguageModelChat, prompt: string): Promise<string[]> {
  const response = await model.sendRequest([vscode.LanguageModelChatMessage.User(prompt)], {}, new vscode.CancellationTokenSource().token);
  const parts: string[] = [];
  for await (const part of response.stream) if (part instanceof vscode.LanguageModelTextPart) parts.push(part.value);
  return parts;
}
