// Local declarations of VS Code's LanguageModelChatProvider API (stable in 1.104). The project builds against
// @types/vscode 1.100, which lacks them, and must keep running on 1.100: nothing here exists at run time, and the
// registration feature-detects `vscode.lm.registerLanguageModelChatProvider`.
// Shapes follow microsoft/vscode src/vscode-dts/vscode.d.ts (1.104) and vscode.proposed.chatProvider.d.ts (v4).
import type { LmMessageLike, LmToolLike } from '../../core/prompt/lmMessages';

export interface CancellationTokenLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => unknown): { dispose(): unknown };
}

export interface ProgressLike<T> {
  report(value: T): void;
}

export interface DisposableLike {
  dispose(): unknown;
}

/** `(listener) => Disposable`; VS Code may pass thisArgs/disposables too, which are optional. */
export type EventLike<T> = (listener: (e: T) => unknown) => DisposableLike;

export interface LanguageModelChatCapabilities {
  readonly imageInput?: boolean;
  readonly toolCalling?: boolean | number;
}

export interface LanguageModelChatInformation {
  readonly id: string;
  readonly name: string;
  readonly family: string;
  readonly tooltip?: string;
  readonly detail?: string;
  readonly version: string;
  readonly maxInputTokens: number;
  readonly maxOutputTokens: number;
  readonly capabilities: LanguageModelChatCapabilities;
  // Read by VS Code 1.104+ though only in vscode.proposed.chatProvider.d.ts (not finalized):
  /** Listed in the Chat view's model picker as soon as provided (1.117 lists nothing without it). */
  readonly isUserSelectable?: boolean;
  /** The picker's preselection; 1.104 loops on a request for the default model when no model has it. */
  readonly isDefault?: boolean;
  /** The picker's group (lower order = higher up). */
  readonly category?: { readonly label: string; readonly order: number };
}

export interface PrepareLanguageModelChatModelOptions {
  readonly silent: boolean;
}

/** `LanguageModelChatToolMode`: 1 Auto, 2 Required. */
export type LanguageModelChatToolModeValue = 1 | 2;

export interface ProvideLanguageModelChatResponseOptions {
  readonly modelOptions?: { readonly [name: string]: unknown };
  readonly tools?: readonly LmToolLike[];
  readonly toolMode: LanguageModelChatToolModeValue;
}

/** `LanguageModelChatRequestMessage`: role 1 User, 2 Assistant (3 System in newer builds). */
export type LanguageModelChatRequestMessage = LmMessageLike;

/** Parts are VS Code's classes at run time (LanguageModelTextPart, LanguageModelToolCallPart, …). */
export type LanguageModelResponsePart = object;

export interface LanguageModelChatProvider<T extends LanguageModelChatInformation = LanguageModelChatInformation> {
  readonly onDidChangeLanguageModelChatInformation?: EventLike<void>;
  provideLanguageModelChatInformation(options: PrepareLanguageModelChatModelOptions, token: CancellationTokenLike): Promise<T[]> | T[];
  provideLanguageModelChatResponse(
    model: T,
    messages: readonly LanguageModelChatRequestMessage[],
    options: ProvideLanguageModelChatResponseOptions,
    progress: ProgressLike<LanguageModelResponsePart>,
    token: CancellationTokenLike,
  ): Promise<void>;
  provideTokenCount(model: T, text: string | LanguageModelChatRequestMessage, token: CancellationTokenLike): Promise<number>;
}

/** The part of `vscode.lm` this feature uses; `registerLanguageModelChatProvider` is absent before 1.104. */
export interface LmNamespaceLike {
  registerLanguageModelChatProvider?: (vendor: string, provider: LanguageModelChatProvider) => DisposableLike;
}

/** Constructors of the response parts, taken from the `vscode` module at run time (fakes in tests). */
export interface LmPartFactory {
  text(value: string): LanguageModelResponsePart;
  toolCall(callId: string, name: string, input: object): LanguageModelResponsePart;
}
