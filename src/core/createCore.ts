// The one composition of the core, shared by the extension, the CLI and the local gateway: catalog, router with
// smart-select and budget, and the usage ledger fed by the router's events.
import { budgetStatus } from './usage/budget';
import { Catalog } from './catalog/catalog';
import { readModelList, writeModelList } from './catalog/modelListFile';
import type { Config } from './config/settings';
import { effectiveGateway } from './config/endpoints';
import type { IDisposable } from './base/lifecycle';
import { useNetwork, type NetworkConfig } from './net/proxy';
import { Router, type RouterOptions } from './routing/router';
import { selectionKey, selectModel, type SelectInput } from './select/select';
import { withSubstitutionReason } from './select/served';
import { ServedTierCache } from './select/servedTierCache';
import { isStrongerChoice, SelectLearning, type LearningStore } from './select/learning';
import { resolveAlias, SMART_SELECT } from './config/names';
import { previewPrompt, type PromptPreview } from './prompt/contextWindow';
import { fitSelection } from './routing/windowCheck';
import { chainModels } from './routing/chain';
import { estimatePromptTokens, estimateTokens, estimateTokensSoon } from './prompt/tokens';
import type { AgentTraits, BudgetStatus, ChatRequest, KeyLookup, ModelInfo, SelectionDecision } from './base/types';
import { UsageLedger } from './usage/ledger';
import { contextWindowOf } from './config/names';

/** An open circuit breaker: the model skipped until its cooldown, and the endpoint it is skipped at. */
export interface OpenBreaker {
  endpoint: string;
  model: string;
}

export interface CoreOptions {
  config: Config;
  /** Whether the user set `gateway.baseUrl` explicitly (then a preset does not override it). */
  userSetBaseUrl?: boolean;
  keys: KeyLookup;
  /** JSON Lines usage ledger. */
  usageFile: string;
  onWarning?: (message: string) => void;
  now?: () => number;
  /** Proxy and extra CAs for every request (process-wide); see net/proxy.ts. */
  network?: NetworkConfig;
  /** Router tuning for tests and benchmarks (breaker thresholds, retry backoff); defaults otherwise. */
  routerTuning?: Pick<RouterOptions, 'breaker' | 'retryBaseMs'>;
  /** Where smart-select keeps what it learned from corrections (per workspace); without it, nothing is learned. */
  selectLearning?: LearningStore;
  /** Where the gateway's last model list is kept between sessions (shown at once after a reload); none: not kept. */
  modelListFile?: string;
}

export interface Core extends IDisposable {
  readonly router: Router;
  readonly catalog: Catalog;
  readonly ledger: UsageLedger;
  config(): Config;
  budget(): BudgetStatus;
  select(input: SelectInput): SelectionDecision;
  /**
   * The user asked `model` for a request smart-select would answer now: if that is a stronger model than the tier
   * chosen, counts it as a correction of prompts like this one. Returns whether it was counted.
   */
  recordSelectCorrection(input: SelectInput, model: string): Promise<boolean>;
  resetSelectLearning(): Promise<void>;
  /** The catalog as known now; with `waitForGateway`, after one refresh from the gateway's /models. */
  listModels(opts?: { waitForGateway?: boolean }): Promise<ModelInfo[]>;
  /** The prompt's tokens against the window and input price of the model it would go to (the chat's meter). */
  previewPrompt(req: ChatRequest): PromptPreview;
  /** Tokens of `text` under the o200k tokenizer (loaded on first use). */
  countTokens(text: string): number;
  /** How many characters of code a prompt to `model` may carry (a share of its context window). */
  maxPromptChars(model: string): number;
  /** Breakers open now; with `onChainOf`, only those of models a request for that model may go to. */
  openBreakers(onChainOf?: string): OpenBreaker[];
  updateConfig(config: Config, userSetBaseUrl?: boolean): void;
  /** A key was stored or deleted: refresh what depends on it (the catalog's /models call). */
  keysChanged(): void;
  /** VS Code's proxy settings (or the CA file) changed. */
  updateNetwork(network: NetworkConfig): void;
  /** Resolves when every ledger append has reached the disk. */
  flush(): Promise<void>;
}

const CHARS_PER_TOKEN = 3;
const PROMPT_SHARE = 0.5;

export async function createCore(opts: CoreOptions): Promise<Core> {
  if (opts.network) useNetwork(opts.network);
  let config = opts.config;
  let userSetBaseUrl = opts.userSetBaseUrl;
  const now = opts.now ?? Date.now;
  const ledger = await UsageLedger.open(opts.usageFile, { now, onWarning: opts.onWarning });
  const catalog = new Catalog({ now });
  // Every budget decision first reads what other processes (windows, the CLI, `serve`) appended to the shared ledger.
  const budget = () => {
    const t = now();
    return budgetStatus(ledger.spend(t), config.budget, t);
  };
  const learning = opts.selectLearning ? new SelectLearning(opts.selectLearning) : undefined;
  const countPromptTokens = (req: ChatRequest) => estimatePromptTokens(req.messages);
  const tiers = new ServedTierCache(catalog, opts.onWarning);
  // smart-select's choice (with what it learned from corrections) among the models the gateway serves, moved up a
  // tier when the prompt cannot fit. An agent's request is read for what it is (agent.ts).
  const select = (req: ChatRequest | SelectInput, status?: BudgetStatus, agent?: AgentTraits) => {
    const tools = 'tools' in req && Array.isArray(req.tools) ? req.tools.length : 0;
    const input: SelectInput = agent ? { messages: req.messages, agent, tools } : { messages: req.messages };
    const { served, config: selectConfig } = tiers.resolve(config);
    const decision = fitSelection(
      selectModel(input, selectConfig, status ?? budget(), learning),
      { model: SMART_SELECT, messages: req.messages },
      selectConfig,
      catalog,
      countPromptTokens,
    );
    return withSubstitutionReason(decision, served);
  };
  const router = new Router({
    ...opts.routerTuning,
    config,
    userSetBaseUrl,
    keys: opts.keys,
    catalog,
    select,
    budget,
    estimateTokens: estimateTokensSoon,
    countPromptTokens,
    now,
  });
  const ledgerSubscription = ledger.attach(router.onEvent);

  const listFile = opts.modelListFile;
  const seedFromFile = () => {
    if (!listFile) return;
    const baseUrl = effectiveGateway(config, userSetBaseUrl).baseUrl;
    const saved = readModelList(listFile, baseUrl);
    if (saved) catalog.seed(saved.models, saved.fetchedAt, baseUrl);
  };
  seedFromFile();
  const refreshCatalog = async () => {
    const gateway = effectiveGateway(config, userSetBaseUrl);
    const key = await opts.keys(gateway.secretName);
    await catalog.refresh({ baseUrl: gateway.baseUrl, headers: gateway.headers, key });
    // Saved only as what this gateway listed: a switch meanwhile made the list another gateway's (or none).
    if (!listFile || catalog.lastError !== undefined || catalog.fetchedAt === undefined || catalog.gatewayListFrom() !== gateway.baseUrl) return;
    try {
      writeModelList(listFile, { baseUrl: gateway.baseUrl, fetchedAt: catalog.fetchedAt, models: [...catalog.gatewayList()] });
    } catch (err) {
      opts.onWarning?.(`Could not save the gateway's model list to ${listFile}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const refreshInBackground = () => void refreshCatalog().catch(() => undefined);
  refreshInBackground();

  return {
    router,
    catalog,
    ledger,
    config: () => config,
    budget,
    select: (input) => select(input),
    async recordSelectCorrection(input, model) {
      if (!learning) return false;
      const selectConfig = tiers.resolve(config).config;
      const chosen = selectModel(input, selectConfig, undefined, learning).tier;
      if (!isStrongerChoice(model, chosen, selectConfig, (id) => catalog.get(id))) return false;
      await learning.record(selectionKey(input));
      return true;
    },
    resetSelectLearning: async () => learning?.reset(),
    async listModels(o) {
      if (o?.waitForGateway) await refreshCatalog().catch(() => undefined);
      else if (catalog.isStale()) refreshInBackground();
      return [...catalog.list()];
    },
    countTokens: estimateTokens,
    previewPrompt(req) {
      const requested = req.model || config.model;
      const model = requested === SMART_SELECT ? select(req).model : resolveAlias(requested, config.aliases);
      return previewPrompt(estimatePromptTokens(req.messages), model, catalog.get(model));
    },
    maxPromptChars(model) {
      return Math.floor(contextWindowOf(model, config, catalog) * CHARS_PER_TOKEN * PROMPT_SHARE);
    },
    openBreakers(onChainOf) {
      // The tiers as served (a tier's model the gateway does not list is replaced): the chain requests really take.
      const chain = onChainOf === undefined ? undefined : chainModels(onChainOf, tiers.resolve(config).config);
      return router.breakers().flatMap((b) => {
        if (b.state !== 'open') return [];
        const bar = b.key.indexOf('|');
        const open = { endpoint: b.key.slice(0, bar), model: b.key.slice(bar + 1) };
        return !chain || chain.has(open.model) ? [open] : [];
      });
    },
    updateConfig(next, nextUserSet) {
      const gatewayChanged = effectiveGateway(next, nextUserSet).baseUrl !== effectiveGateway(config, userSetBaseUrl).baseUrl;
      config = next;
      userSetBaseUrl = nextUserSet;
      router.updateConfig(next, nextUserSet);
      if (!gatewayChanged) return;
      catalog.forgetGateway();
      seedFromFile();
      refreshInBackground();
    },
    keysChanged: refreshInBackground,
    updateNetwork: (network) => void useNetwork(network),
    flush: () => ledger.flush(),
    dispose() {
      ledgerSubscription.dispose();
      router.dispose();
      ledger.dispose();
    },
  };
}
