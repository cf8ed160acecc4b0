// Switchboard's models in VS Code's own chat (the LanguageModelChatProvider API): every request goes through the
// router, so it is routed, budgeted and recorded like the chat view's. No runtime `vscode` import: the part
// constructors and the `lm` namespace are passed in, so the handlers are unit-tested with fakes.
import { consumeRoute } from '../../core/routing/consumeRoute';
import { SMART_SELECT } from '../../core/config/names';
import { lmMessageText, toOpenAIMessages, toOpenAIToolChoice, toOpenAITools, ToolCallAccumulator } from '../../core/prompt/lmMessages';
import { Emitter } from '../../core/base/lifecycle';
import { estimateTokens } from '../../core/prompt/tokens';
import { TIERS, type ChatRequest, type ModelInfo } from '../../core/base/types';
import { signalFromToken } from './cancellation';
import type { FeatureDeps } from '../featureDeps';
import type { LmProviderSlot } from './startupProvider';
import type {
  CancellationTokenLike,
  DisposableLike,
  LanguageModelChatInformation,
  LanguageModelChatProvider,
  LanguageModelChatRequestMessage,
  LanguageModelResponsePart,
  LmPartFactory,
  PrepareLanguageModelChatModelOptions,
  ProgressLike,
  ProvideLanguageModelChatResponseOptions,
} from './lmTypes';

export type LmProviderDeps = Pick<FeatureDeps, 'core' | 'currentModel' | 'log' | 'canSendWithoutPrompt' | 'promptForKey'>;
const DEFAULT_MAX_OUTPUT = 16_384;
const TOKENS_PER_MESSAGE = 3;
/** The model picker's group for Switchboard's models (VS Code reads it though it is not in the stable API). */
const PICKER_CATEGORY = { label: 'Switchboard', order: 50 } as const;

/** modelOptions VS Code callers may set that mean the same thing upstream. */
const PASSED_OPTIONS = [
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'frequency_penalty',
  'presence_penalty',
  'seed',
  'reasoning_effort',
  'parallel_tool_calls',
] as const;

const perMillion = (usdPerToken: number) => `$${(usdPerToken * 1e6).toFixed(2)}`;
const thousands = (tokens: number) => (tokens >= 1_000_000 ? `${+(tokens / 1_000_000).toFixed(2)}M` : `${Math.round(tokens / 1000)}K`);

/** The picker row's short text: price and context window. */
function priceDetail(m: ModelInfo): string {
  return `${perMillion(m.pricing.input)} / ${perMillion(m.pricing.output)} per 1M · ${thousands(m.contextWindow)} context`;
}

/** Listed in the picker at once, grouped under Switchboard; exactly one model (`switchboard.model`) is the default. */
function pickerFields(id: string, defaultModel: string) {
  return { isUserSelectable: true, isDefault: id === defaultModel, category: PICKER_CATEGORY } as const;
}

/** Named by its id, as in every Switchboard picker; the gateway's friendly name goes into the detail. */
function modelInfo(m: ModelInfo, defaultModel: string): LanguageModelChatInformation {
  const friendly = m.name && m.name !== m.id ? `${m.name} · ` : '';
  const detail = friendly + priceDetail(m);
  return {
    id: m.id,
    name: m.id,
    family: m.id,
    version: m.source,
    tooltip:
      `${m.id} via Switchboard: ${perMillion(m.pricing.input)} in / ${perMillion(m.pricing.output)} out per 1M tokens, ` +
      `${m.contextWindow.toLocaleString('en-US')}-token context window. Fallbacks and usage tracking apply.`,
    detail,
    maxInputTokens: m.contextWindow,
    maxOutputTokens: Math.min(DEFAULT_MAX_OUTPUT, m.contextWindow),
    capabilities: { toolCalling: m.supportsTools !== false, imageInput: m.supportsImages === true },
    ...pickerFields(m.id, defaultModel),
  };
}

function smartSelectInfo(tierModels: (ModelInfo | undefined)[], defaultModel: string): LanguageModelChatInformation {
  const known = tierModels.filter((m): m is ModelInfo => !!m);
  const window = known.length ? Math.min(...known.map((m) => m.contextWindow)) : 128_000;
  const prices = known.map((m) => m.pricing.input);
  const range = prices.length ? `${perMillion(Math.min(...prices))}–${perMillion(Math.max(...prices))} in per 1M` : 'price of the chosen model';
  return {
    id: SMART_SELECT,
    name: SMART_SELECT,
    family: SMART_SELECT,
    version: '1',
    tooltip:
      `Switchboard picks a model per prompt (fast, balanced, strong or reasoning tier) and falls back when one fails: ` +
      `${range}, ${window.toLocaleString('en-US')}-token context window.`,
    detail: `${range} · ${thousands(window)} context`,
    maxInputTokens: window,
    maxOutputTokens: Math.min(DEFAULT_MAX_OUTPUT, window),
    capabilities: {
      toolCalling: known.every((m) => m.supportsTools !== false),
      imageInput: known.length === tierModels.length && known.every((m) => m.supportsImages === true),
    },
    ...pickerFields(SMART_SELECT, defaultModel),
  };
}

/** A model no list names yet: unknown price, a common window; requests still go through the router. */
function unlistedModel(id: string): ModelInfo {
  return { id, provider: id.split('/')[0] ?? '', pricing: { input: 0, output: 0 }, contextWindow: 128_000, tags: [], source: 'builtin' };
}

export class SwitchboardLmProvider implements LanguageModelChatProvider, DisposableLike {
  private readonly changed = new Emitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;
  private catalogSubscription: DisposableLike | undefined;

  constructor(
    private readonly deps: LmProviderDeps,
    private readonly parts: LmPartFactory,
  ) {}

  /** Tell VS Code to ask for the model list again (a key was stored, settings changed). */
  refresh(): void {
    this.changed.fire();
  }

  /**
   * Answers at once from the catalog as known now (built-in snapshot, plus the gateway's list once fetched in the
   * background): VS Code asks lazily and lists only what the first answer holds. Models are listed without a key
   * too; a request then fails with the no-key message naming Set API Key, and a non-silent ask prompts for it.
   */
  async provideLanguageModelChatInformation(
    options: PrepareLanguageModelChatModelOptions,
    token: CancellationTokenLike,
  ): Promise<LanguageModelChatInformation[]> {
    if (!options.silent && !(await this.deps.canSendWithoutPrompt())) await this.deps.promptForKey();
    if (token.isCancellationRequested) return [];
    const core = await this.deps.core();
    this.catalogSubscription ??= core.catalog.onDidChange(() => this.changed.fire());
    const models = await core.listModels();
    const tiers = core.config().smartSelect.tiers;
    const tierModels = TIERS.map((tier) => core.catalog.get(tiers[tier]));
    // The model in `switchboard.model` is the picker's default, listed even before any list names it (the gateway's
    // list not fetched yet, an id typed by hand), so a reload preselects it rather than smart-select.
    const current = this.deps.currentModel();
    const listed = current === SMART_SELECT || models.some((m) => m.id === current) ? models : [...models, unlistedModel(current)];
    return [smartSelectInfo(tierModels, current), ...listed.map((m) => modelInfo(m, current))];
  }

  async provideLanguageModelChatResponse(
    model: LanguageModelChatInformation,
    messages: readonly LanguageModelChatRequestMessage[],
    options: ProvideLanguageModelChatResponseOptions,
    progress: ProgressLike<LanguageModelResponsePart>,
    token: CancellationTokenLike,
  ): Promise<void> {
    if (token.isCancellationRequested) return;
    const core = await this.deps.core();
    const req: ChatRequest = {
      model: model.id,
      messages: toOpenAIMessages(messages, { supportsImages: model.capabilities.imageInput === true }),
    };
    const tools = toOpenAITools(options.tools);
    if (tools) {
      req.tools = tools;
      const choice = toOpenAIToolChoice(options.toolMode, options.tools);
      if (choice) req.tool_choice = choice;
    }
    const mo = options.modelOptions ?? {};
    for (const k of PASSED_OPTIONS) if (mo[k] !== undefined) (req as Record<string, unknown>)[k] = mo[k];

    const calls = new ToolCallAccumulator();
    // A call of a tool this request did not offer is model output asking VS Code to run something it was never
    // given (a prompt injection's `run_in_terminal`): dropped, and the routing log says so.
    const offered = new Set((options.tools ?? []).map((t) => t.name));
    const reportCalls = () => {
      for (const c of calls.flush()) {
        if (offered.has(c.name)) progress.report(this.parts.toolCall(c.callId, c.name, c.input));
        else this.deps.log(`language model ${model.id}: dropped a call of tool "${c.name.slice(0, 100)}", which this request did not offer`);
      }
    };
    const cancel = signalFromToken(token);
    const r = await consumeRoute(core.router, req, {
      signal: cancel.signal,
      client: 'vscode-lm',
      onChunk: (y) => {
        if (y.text) progress.report(this.parts.text(y.text));
        const choice = y.chunk.choices[0];
        if (!choice) return;
        calls.add(choice.delta);
        if (choice.finish_reason && calls.pending) reportCalls();
      },
    }).finally(() => cancel.dispose());
    // Cancellation is the user's choice, not a failure to report.
    if (r.outcome === 'stopped') return;
    if (r.outcome === 'done') {
      if (calls.pending) reportCalls();
      return;
    }
    this.deps.log(`language model ${model.id}: ${r.error instanceof Error ? r.error.message : String(r.error)}`);
    throw r.error;
  }

  async provideTokenCount(
    _model: LanguageModelChatInformation,
    text: string | LanguageModelChatRequestMessage,
    _token: CancellationTokenLike,
  ): Promise<number> {
    if (typeof text === 'string') return estimateTokens(text);
    return TOKENS_PER_MESSAGE + estimateTokens(lmMessageText(text));
  }

  dispose(): void {
    this.catalogSubscription?.dispose();
    this.changed.dispose();
  }
}

/**
 * Attaches the provider to the one src/boot.ts registered at start-up (`slot`), which VS Code 1.104+ asks; on older
 * versions (no slot) does nothing and says why in the log.
 */
export function attachLmProvider(provider: SwitchboardLmProvider, slot: LmProviderSlot | undefined, log: (line: string) => void): DisposableLike {
  if (!slot) {
    log('VS Code has no language model provider API (needs 1.104+); Switchboard models are not offered in VS Code chat.');
    provider.dispose();
    return { dispose() {} };
  }
  const attached = slot.attach(provider);
  return {
    dispose() {
      attached.dispose();
      provider.dispose();
    },
  };
}
