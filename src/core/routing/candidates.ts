// Requested model → the ordered candidate chain: smart-select, aliases, the model's (or the "*") fallback chain,
// each with its endpoint (direct provider when configured and keyed, else the gateway) and the key to send.
import type { Catalog } from '../catalog/catalog';
import type { Config } from '../config/settings';
import { GATEWAY_PRESETS, gatewayAutoModel, resolveTarget, splitModelId, type GatewayEndpoint } from '../config/endpoints';
import { BreakerLease } from './breakerLease';
import { breakerKey, type HealthTracker } from './health';
import type { AgentTraits, BudgetStatus, Candidate, ChatRequest, KeyLookup, ModelInfo, SelectionDecision } from '../base/types';
import { GATEWAY_SECRET, providerSecret } from '../config/keys';
import { isLoopbackUrl } from '../base/loopback';
import { resolveAlias, SMART_SELECT } from '../config/names';

export interface PlannedCandidate extends Candidate {
  upstreamModel: string;
  headers: Record<string, string> | undefined;
  key: string | undefined;
  /** A remote endpoint without a stored key cannot be tried. */
  missingKey: boolean;
  info: ModelInfo | undefined;
  breakerKey: string;
  /** Models the gateway itself may fail over to, sent with the request (OpenRouter's `models`); the local chain
   * still follows when the gateway gives up. */
  gatewayFallbacks?: string[];
}

export interface CandidatePlan {
  /** What the caller asked for (`smart-select`, an alias, an id). */
  requested: string;
  selection?: SelectionDecision;
  /** Set when `smart-select` went upstream untouched for the gateway's own routing (smartSelect.mode "gateway"). */
  gatewayRouted?: { model: string; label: string };
  candidates: PlannedCandidate[];
  gatewayKey: string | undefined;
}

export interface PlanInput {
  req: ChatRequest;
  config: Config;
  gateway: GatewayEndpoint;
  catalog: Catalog;
  keys: KeyLookup;
  select?: (req: ChatRequest, budget?: BudgetStatus, agent?: AgentTraits) => SelectionDecision;
  budget?: BudgetStatus;
  /** Set for an agent's request (see RouteOptions.agent). */
  agent?: AgentTraits;
}

/** The first configured chain among `keys` (the name as typed, the resolved id, …), else the `"*"` chain. */
export function fallbackNames(keys: readonly string[], fallbacks: Record<string, string[]>): string[] {
  for (const k of keys) if (hasOwn(fallbacks, k)) return fallbacks[k];
  return hasOwn(fallbacks, '*') ? fallbacks['*'] : [];
}

function fallbackSelection(config: Config): SelectionDecision {
  return {
    tier: 'balanced',
    model: config.smartSelect.tiers.balanced,
    confidence: 0,
    reasons: ['smart-select is not available here; using the balanced tier (switchboard.smartSelect.tiers.balanced)'],
  };
}

export async function planCandidates(input: PlanInput): Promise<CandidatePlan> {
  const { config, catalog, gateway } = input;
  const requested = input.req.model || config.model;
  let selection: SelectionDecision | undefined;
  let gatewayRouted: CandidatePlan['gatewayRouted'];
  let typed = requested;
  if (requested === SMART_SELECT) {
    const auto = gatewayAutoModel(config); // throws ConfigError naming the preset when it has no auto model
    if (auto) gatewayRouted = { model: auto, label: GATEWAY_PRESETS[config.gateway.preset].autoModel?.label ?? auto };
    else {
      selection = input.select ? input.select(input.req, input.budget, input.agent) : fallbackSelection(config);
      typed = selection.model;
    }
  }
  const primary = gatewayRouted ? gatewayRouted.model : resolveAlias(typed, config.aliases);
  const lookup = requested === SMART_SELECT ? [typed, primary, SMART_SELECT] : [requested, primary];
  const chain = fallbackNames(lookup, config.fallbacks);
  const names = [primary];
  for (const f of chain) {
    const id = resolveAlias(f, config.aliases);
    if (id !== SMART_SELECT && !names.includes(id)) names.push(id);
  }

  const providerOf = (bare: string) => catalog.get(bare)?.provider;
  const neededProviders = new Set<string>();
  for (const n of names) {
    const owner = splitModelId(n).provider ?? providerOf(n);
    if (owner && hasOwn(config.providers, owner)) neededProviders.add(owner);
  }
  const providerList = [...neededProviders];
  // One key (the usual case) is awaited alone: Promise.all would add turns of the microtask queue before the request.
  const [gatewayKey, ...providerKeys] =
    providerList.length === 0
      ? [await input.keys(GATEWAY_SECRET)]
      : await Promise.all([input.keys(GATEWAY_SECRET), ...providerList.map((p) => input.keys(providerSecret(p)))]);
  const providersWithKey = new Set(providerList.filter((_, i) => !!providerKeys[i]));
  const keyFor = new Map<string, string | undefined>(providerList.map((p, i) => [p, providerKeys[i]]));
  const gatewayNeedsKey = !isLoopbackUrl(gateway.baseUrl);

  const candidates = names.map((model, i): PlannedCandidate => {
    const target = resolveTarget(model, { config, gateway, providersWithKey, providerOf });
    const direct = target.endpoint.id !== 'gateway';
    const key = direct ? keyFor.get(target.endpoint.id) : gatewayKey || undefined;
    return {
      model,
      endpoint: target.endpoint,
      role: i === 0 ? 'primary' : 'fallback',
      upstreamModel: target.upstreamModel,
      headers: target.headers,
      key,
      missingKey: !key && !direct && gatewayNeedsKey,
      info: catalog.get(model),
      breakerKey: breakerKey(target.endpoint.id, model),
    };
  });
  return { requested, ...(selection ? { selection } : {}), ...(gatewayRouted ? { gatewayRouted } : {}), candidates, gatewayKey: gatewayKey || undefined };
}

/**
 * For a gateway that walks a fallback list itself (a preset with `fallbackListField`), each gateway candidate
 * carries the gateway candidates after it, so the gateway fails over without a round trip back to us.
 */
export function withGatewayFallbacks(plan: CandidatePlan, config: Config): CandidatePlan {
  if (!GATEWAY_PRESETS[config.gateway.preset].fallbackListField) return plan;
  const candidates = plan.candidates.map((c, i) => {
    if (c.endpoint.id !== 'gateway') return c;
    const later = plan.candidates
      .slice(i + 1)
      .filter((n) => n.endpoint.id === 'gateway' && !n.missingKey)
      .map((n) => n.upstreamModel);
    return later.length ? { ...c, gatewayFallbacks: [c.upstreamModel, ...later.filter((m) => m !== c.upstreamModel)] } : c;
  });
  return { ...plan, candidates };
}

function hasOwn(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** Walks the candidate chain: breaker admission, context-window filter after a context-length error, dead endpoints. */
export class CandidateCursor {
  private pos = 0;
  private minContext = 0;
  private readonly deadEndpoints = new Set<string>();
  /** Set when every candidate's breaker was open: the one whose cooldown ends first is tried anyway. */
  readonly forced: PlannedCandidate | undefined;
  contextFallback = false;

  constructor(
    private readonly plan: CandidatePlan,
    private readonly health: HealthTracker,
  ) {
    const cs = plan.candidates;
    if (cs.length > 0 && cs.every((c) => health.isOpen(c.breakerKey))) {
      this.forced = cs.reduce((a, b) => (health.openUntil(b.breakerKey) < health.openUntil(a.breakerKey) ? b : a));
    }
  }

  /** The next eligible candidate; its breaker is asked by `admit`, once its request is ready to send. */
  next(): PlannedCandidate | undefined {
    const cs = this.plan.candidates;
    while (this.pos < cs.length) {
      const pc = cs[this.pos++];
      if (this.eligible(pc)) return pc;
    }
    return undefined;
  }

  /** A breaker lease for `pc`, or undefined while its breaker is open. */
  admit(pc: PlannedCandidate): BreakerLease | undefined {
    return pc === this.forced ? BreakerLease.force(this.health, pc.breakerKey) : BreakerLease.acquire(this.health, pc.breakerKey);
  }

  hasNext(): boolean {
    for (let i = this.pos; i < this.plan.candidates.length; i++) if (this.eligible(this.plan.candidates[i])) return true;
    return false;
  }

  /** The model a broken stream could continue with (not consumed). */
  peekModel(): string | undefined {
    for (let i = this.pos; i < this.plan.candidates.length; i++) {
      const pc = this.plan.candidates[i];
      if (this.eligible(pc) && !pc.missingKey && !this.health.isOpen(pc.breakerKey)) return pc.model;
    }
    return undefined;
  }

  requireLargerContext(window: number | undefined): void {
    this.contextFallback = true;
    if (window && window > this.minContext) this.minContext = window;
  }

  skipEndpoint(id: string): void {
    this.deadEndpoints.add(id);
  }

  private eligible(pc: PlannedCandidate): boolean {
    if (this.deadEndpoints.has(pc.endpoint.id)) return false;
    const w = pc.info?.contextWindow;
    return !(this.minContext > 0 && w && w <= this.minContext);
  }
}
