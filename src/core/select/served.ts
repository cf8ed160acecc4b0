// smart-select's tiers against what the gateway serves. When the catalog knows the gateway's model list, a tier whose
// configured model the gateway does not list (and no direct provider route takes) resolves to the listed model
// closest to it by price and context window; with only the built-in catalog known, the configured tiers stand.
import type { Config } from '../config/settings';
import { resolveAlias, SMART_SELECT } from '../config/names';
import { GATEWAY_PRESETS, splitModelId } from '../config/endpoints';
import { TIERS, type ModelInfo, type SelectionDecision, type Tier } from '../base/types';

/** USD per million tokens added before comparing prices, so free and near-free models compare sensibly. */
const PRICE_FLOOR_PER_M = 0.01;
/** Distance charged for an unknown context window (a factor of 4 either way). */
const UNKNOWN_WINDOW_DISTANCE = Math.log(4);

/** What served.ts needs of the catalog. */
export interface ServedCatalog {
  get(id: string): ModelInfo | undefined;
  servedByGateway(): readonly ModelInfo[] | undefined;
}

export interface Substitution {
  /** The configured model (aliases resolved) that the gateway does not serve. */
  configured: string;
  served: string;
}

export interface ServedTiers {
  /** The model each tier resolves to. */
  tiers: Record<Tier, string>;
  substitutions: Partial<Record<Tier, Substitution>>;
}

const AUTO_ROUTERS = new Set<string>([SMART_SELECT, ...Object.values(GATEWAY_PRESETS).flatMap((p) => (p.autoModel ? [p.autoModel.id] : []))]);

const ratioDistance = (a: number, b: number) => Math.abs(Math.log(a / b));

function distance(want: ModelInfo, m: ModelInfo): number {
  const floor = PRICE_FLOOR_PER_M * 1e-6;
  const price = ratioDistance(want.pricing.input + floor, m.pricing.input + floor) + ratioDistance(want.pricing.output + floor, m.pricing.output + floor);
  const window = want.contextWindow > 0 && m.contextWindow > 0 ? ratioDistance(want.contextWindow, m.contextWindow) : UNKNOWN_WINDOW_DISTANCE;
  return price + window;
}

/** The served model closest to `want`; for a model the catalog does not know, the one at the tier's rank by price. */
function closest(served: readonly ModelInfo[], want: ModelInfo | undefined, tier: Tier): ModelInfo {
  const byId = [...served].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (!want) {
    const byPrice = byId.sort((a, b) => a.pricing.input + a.pricing.output - (b.pricing.input + b.pricing.output));
    return byPrice[Math.round((TIERS.indexOf(tier) / (TIERS.length - 1)) * (byPrice.length - 1))];
  }
  let best = byId[0];
  let bestDistance = distance(want, best);
  for (const m of byId) {
    const d = distance(want, m);
    if (d < bestDistance) [best, bestDistance] = [m, d];
  }
  return best;
}

/** Each tier's model: as configured unless the gateway's list is known and lacks it. */
export function servedTiers(config: Config, catalog: ServedCatalog): ServedTiers {
  const tiers = { ...config.smartSelect.tiers };
  const substitutions: Partial<Record<Tier, Substitution>> = {};
  const all = catalog.servedByGateway();
  const listed = all?.filter((m) => !AUTO_ROUTERS.has(m.id));
  if (!all || !listed?.length) return { tiers, substitutions };
  const servedIds = new Set(all.map((m) => m.id));
  for (const tier of TIERS) {
    const configured = resolveAlias(tiers[tier], config.aliases);
    const info = catalog.get(configured);
    const owner = splitModelId(configured).provider ?? info?.provider;
    // A direct provider route does not go through the gateway; a model the gateway lists is served as configured.
    if ((owner && Object.prototype.hasOwnProperty.call(config.providers, owner)) || (info && servedIds.has(info.id))) continue;
    const served = closest(listed, info, tier).id;
    tiers[tier] = served;
    substitutions[tier] = { configured, served };
  }
  return { tiers, substitutions };
}

/** The warning for a substituted tier: which setting, what the gateway lacks, what is used instead, what to do. */
export function substitutionWarning(tier: Tier, s: Substitution): string {
  return (
    `switchboard.smartSelect.tiers.${tier} is ${s.configured}, which the gateway does not serve: smart-select uses ${s.served} instead ` +
    `(the closest model it lists by price and context window). Set switchboard.smartSelect.tiers.${tier} to a model the gateway lists.`
  );
}

/** The decision, saying so when its tier's configured model was replaced by one the gateway serves. */
export function withSubstitutionReason(decision: SelectionDecision, served: ServedTiers): SelectionDecision {
  const s = served.substitutions[decision.tier];
  if (!s || decision.model !== s.served) return decision;
  return { ...decision, reasons: [...decision.reasons, `${s.configured} is not served by this gateway: ${s.served}`] };
}
