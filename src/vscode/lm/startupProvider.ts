// The language-model provider VS Code 1.104+ sees from start-up: src/boot.ts registers it, because VS Code lists models
// (and lets @switchboard answer) only from providers registered when it asks. Until the extension loads, it answers a
// quiet request for the list with the list the extension's provider gave last time (kept in the extension's storage),
// so the picker offers Switchboard's models without loading anything; any other call loads the extension, which
// attaches its own provider here. From then on every call goes to that provider, and each list it gives is kept for
// the next start. No runtime `vscode` import (boot passes `vscode.lm` in), so it is unit-tested with fakes.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type {
  CancellationTokenLike,
  DisposableLike,
  LanguageModelChatInformation,
  LanguageModelChatProvider,
  LanguageModelChatRequestMessage,
  LanguageModelResponsePart,
  PrepareLanguageModelChatModelOptions,
  ProgressLike,
  ProvideLanguageModelChatResponseOptions,
} from './lmTypes';

/** A kept list larger than this, or with more models, is not trusted: the extension loads and answers instead. */
const MAX_KEPT_BYTES = 4 * 1024 * 1024;
const MAX_KEPT_MODELS = 5000;

/** Where the extension's provider goes once loaded. */
export interface LmProviderSlot {
  /** Every call goes to `provider` from now on, and VS Code is told to ask for the list again. */
  attach(provider: LanguageModelChatProvider): DisposableLike;
}

export interface StartupLmDeps {
  /** The file that keeps the last list (in the extension's global storage). */
  listFile: string;
  /** `switchboard.model` now: the list's default. */
  currentModel(): string;
  /** Loads the extension, which attaches its provider before returning. */
  load(): void;
}

const isInfo = (m: unknown): m is LanguageModelChatInformation => {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  return (
    ['id', 'name', 'family', 'version'].every((k) => typeof o[k] === 'string' && (o[k] as string).length > 0) &&
    ['maxInputTokens', 'maxOutputTokens'].every((k) => Number.isSafeInteger(o[k]) && (o[k] as number) > 0) &&
    typeof o.capabilities === 'object' &&
    o.capabilities !== null
  );
};

/** The kept list, or undefined when there is none or it is not a list of models (a damaged or planted file). */
export async function readKeptList(file: string): Promise<LanguageModelChatInformation[] | undefined> {
  try {
    const text = await readFile(file, 'utf8');
    if (text.length > MAX_KEPT_BYTES) return undefined;
    const list: unknown = JSON.parse(text);
    return Array.isArray(list) && list.length > 0 && list.length <= MAX_KEPT_MODELS && list.every(isInfo) ? list : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the list through a temporary file, so a crash mid-write leaves the old one. */
async function keepList(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

export class StartupLmProvider implements LanguageModelChatProvider, LmProviderSlot {
  private readonly listeners = new Set<() => unknown>();
  private provider: LanguageModelChatProvider | undefined;
  private kept: string | undefined;
  /** The list kept by the last session, read once (it only changes when this process writes a new one). */
  private lastSession: Promise<LanguageModelChatInformation[] | undefined> | undefined;

  constructor(private readonly deps: StartupLmDeps) {}

  readonly onDidChangeLanguageModelChatInformation = (listener: () => unknown): DisposableLike => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  /** Tells VS Code to ask for the list (at registration: 1.117 asks a new provider only after a change). */
  changed(): void {
    for (const l of [...this.listeners]) l();
  }

  attach(provider: LanguageModelChatProvider): DisposableLike {
    this.provider = provider;
    const forwarded = provider.onDidChangeLanguageModelChatInformation?.(() => this.changed());
    this.changed();
    return {
      dispose: () => {
        forwarded?.dispose();
        if (this.provider === provider) this.provider = undefined;
      },
    };
  }

  async provideLanguageModelChatInformation(
    options: PrepareLanguageModelChatModelOptions,
    token: CancellationTokenLike,
  ): Promise<LanguageModelChatInformation[]> {
    if (!this.provider && options.silent) {
      // The kept list answers only if it holds the current default: VS Code 1.104 loops on a request for the
      // default model when no listed model is the default.
      const current = this.deps.currentModel();
      const kept = await (this.lastSession ??= readKeptList(this.deps.listFile));
      if (!this.provider && kept?.some((m) => m.id === current)) return kept.map((m) => ({ ...m, isDefault: m.id === current }));
    }
    const list = await this.loaded().provideLanguageModelChatInformation(options, token);
    const text = JSON.stringify(list);
    if (list.length > 0 && text !== this.kept) {
      this.kept = text;
      keepList(this.deps.listFile, text).catch(() => (this.kept = undefined));
    }
    return list;
  }

  async provideLanguageModelChatResponse(
    model: LanguageModelChatInformation,
    messages: readonly LanguageModelChatRequestMessage[],
    options: ProvideLanguageModelChatResponseOptions,
    progress: ProgressLike<LanguageModelResponsePart>,
    token: CancellationTokenLike,
  ): Promise<void> {
    return this.loaded().provideLanguageModelChatResponse(model, messages, options, progress, token);
  }

  async provideTokenCount(model: LanguageModelChatInformation, text: string | LanguageModelChatRequestMessage, token: CancellationTokenLike): Promise<number> {
    return this.loaded().provideTokenCount(model, text, token);
  }

  private loaded(): LanguageModelChatProvider {
    if (!this.provider) this.deps.load();
    if (!this.provider) throw new Error('Switchboard could not start its language model provider; see Switchboard: Show Routing Log.');
    return this.provider;
  }
}
