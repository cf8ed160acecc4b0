// The one composition of the core, shared by the extension, the CLI and the local gateway: catalog, router with
// smart-select and budget, and the usage ledger fed by the router's events.
import { budgetStatus } from './budget';
import { Catalog } from './catalog';
import type { Config } from './config';
import { effectiveGateway } from './endpoints';
import type { IDisposable } from './lifecycle';
import { Router, type RouterOptions } from './router';
import { selectModel, type SelectInput } from './select';
import { estimateTokensSoon } from './tokens';
import type { BudgetStatus, ChatRequest, KeyLookup, ModelInfo, SelectionDecision } from './types';
import { requestCostUsd, UsageLedger } from './usage';
import { localDay, spendTotals, type SpendTotals } from './usageStats';
import { contextWindowOf } from './vocabulary';

export interface CoreOptions {
  config: Config;
  /** Whether the user set `gateway.baseUrl` explicitly (then a preset does not override it). */
  userSetBaseUrl?: boolean;
  keys: KeyLookup;
  /** JSON Lines usage ledger. */
  usageFile: string;
  onWarning?: (message: string) => void;
  now?: () => number;
  /** Router tuning for tests and benchmarks (breaker thresholds, retry backoff); defaults otherwise. */
  routerTuning?: Pick<RouterOptions, 'breaker' | 'retryBaseMs'>;
}

export interface Core extends IDisposable {
  readonly router: Router;
  readonly catalog: Catalog;
  readonly ledger: UsageLedger;
  config(): Config;
  budget(): BudgetStatus;
  select(input: SelectInput): SelectionDecision;
  /** The catalog as known now; with `waitForGateway`, after one refresh from the gateway's /models. */
  listModels(opts?: { waitForGateway?: boolean }): Promise<ModelInfo[]>;
  /** How many characters of code a prompt to `model` may carry (a share of its context window). */
  maxPromptChars(model: string): number;
  /** `endpoint|model` keys whose breaker is open now. */
  openBreakers(): string[];
  updateConfig(config: Config, userSetBaseUrl?: boolean): void;
  /** A key was stored or deleted: refresh what depends on it (the catalog's /models call). */
  keysChanged(): void;
  /** Resolves when every ledger append has reached the disk. */
  flush(): Promise<void>;
}

const CHARS_PER_TOKEN = 3;
const PROMPT_SHARE = 0.5;

export async function createCore(opts: CoreOptions): Promise<Core> {
  let config = opts.config;
  let userSetBaseUrl = opts.userSetBaseUrl;
  const now = opts.now ?? Date.now;
  const ledger = await UsageLedger.open(opts.usageFile, { now, onWarning: opts.onWarning });
  const catalog = new Catalog({ now });
  // Spend is summed over the ledger once per day; each new record adds its cost.
  let spend: { day: string; totals: SpendTotals } | undefined;
  const ledgerChanged = ledger.onDidChange((r) => {
    if (!spend || localDay(r.at) !== spend.day) return void (spend = undefined);
    const cost = requestCostUsd(r);
    spend.totals = { todaySpentUsd: spend.totals.todaySpentUsd + cost, monthSpentUsd: spend.totals.monthSpentUsd + cost };
  });
  const budget = () => {
    const t = now();
    if (spend?.day !== localDay(t)) spend = { day: localDay(t), totals: spendTotals(ledger.records(), t) };
    return budgetStatus(spend.totals, config.budget, t);
  };
  const select = (req: ChatRequest | SelectInput, status?: BudgetStatus) => selectModel({ messages: req.messages }, config, status ?? budget());
  const router = new Router({ ...opts.routerTuning, config, userSetBaseUrl, keys: opts.keys, catalog, select, budget, estimateTokens: estimateTokensSoon, now });
  const ledgerSubscription = ledger.attach(router.onEvent);

  const refreshCatalog = async () => {
    const gateway = effectiveGateway(config, userSetBaseUrl);
    const key = await opts.keys(gateway.secretName);
    await catalog.refresh({ baseUrl: gateway.baseUrl, headers: gateway.headers, key });
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
    async listModels(o) {
      if (o?.waitForGateway) await refreshCatalog().catch(() => undefined);
      else if (catalog.isStale()) refreshInBackground();
      return [...catalog.list()];
    },
    maxPromptChars(model) {
      return Math.floor(contextWindowOf(model, config, catalog) * CHARS_PER_TOKEN * PROMPT_SHARE);
    },
    openBreakers: () => router.breakers().filter((b) => b.state === 'open').map((b) => b.key),
    updateConfig(next, nextUserSet) {
      const gatewayChanged = effectiveGateway(next, nextUserSet).baseUrl !== effectiveGateway(config, userSetBaseUrl).baseUrl;
      config = next;
      userSetBaseUrl = nextUserSet;
      router.updateConfig(next, nextUserSet);
      if (gatewayChanged) refreshInBackground();
    },
    keysChanged: refreshInBackground,
    flush: () => ledger.flush(),
    dispose() {
      ledgerSubscription.dispose();
      ledgerChanged.dispose();
      router.dispose();
      ledger.dispose();
    },
  };
}
