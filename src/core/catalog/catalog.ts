// Model catalog: the built-in snapshot merged with the gateway's `GET /v1/models`. Lookups never wait for the
// network: a request uses what is known now, and a stale catalog refreshes itself in the background.
import { BUILTIN_MODELS } from './snapshot';
import { Emitter, type Event } from '../base/lifecycle';
import { getJson } from '../net/transport';
import type { ModelInfo } from '../base/types';

export interface CatalogSource {
  baseUrl: string;
  headers: Record<string, string>;
  key?: string;
}

export type FetchModels = (source: CatalogSource, signal: AbortSignal) => Promise<unknown>;

export interface CatalogOptions {
  /** Replaces the built-in snapshot (tests, or a user's extra models via `extraModels`). */
  builtin?: readonly ModelInfo[];
  extraModels?: readonly ModelInfo[];
  ttlMs?: number;
  /** After a failed refresh, wait this long before the next background try. */
  retryAfterFailureMs?: number;
  now?: () => number;
  /** GET {baseUrl}/models; the default goes through the transport's keep-alive agents. */
  fetchModels?: FetchModels;
}

export const CATALOG_DEFAULTS = { ttlMs: 60 * 60_000, retryAfterFailureMs: 5 * 60_000, fetchTimeoutMs: 15_000 } as const;

export class Catalog {
  private byId = new Map<string, ModelInfo>();
  private byBareId = new Map<string, ModelInfo>();
  private models: ModelInfo[] = [];
  private readonly builtin: readonly ModelInfo[];
  private gatewayModels: ModelInfo[] = [];
  /** The gateway's models as merged into the catalog; undefined until a refresh has read a non-empty list. */
  private served: readonly ModelInfo[] | undefined;
  private nextRefreshAt = 0;
  /** The gateway whose list is in use (fetched or seeded); its models say nothing of another gateway's. */
  private listFrom: string | undefined;
  private inFlight: { baseUrl: string; done: Promise<void>; abort(): void } | undefined;
  private readonly changed = new Emitter<void>();
  private readonly ttlMs: number;
  private readonly retryAfterFailureMs: number;
  private readonly now: () => number;
  private readonly fetchModels: FetchModels | undefined;
  readonly onDidChange: Event<void> = this.changed.event;
  /** Message of the last failed refresh, for `models` output and the log. */
  lastError: string | undefined;
  /** When the gateway's list in use was fetched (this session, or the saved list it was seeded with). */
  fetchedAt: number | undefined;

  constructor(opts: CatalogOptions = {}) {
    this.builtin = [...(opts.builtin ?? BUILTIN_MODELS), ...(opts.extraModels ?? [])];
    this.ttlMs = opts.ttlMs ?? CATALOG_DEFAULTS.ttlMs;
    this.retryAfterFailureMs = opts.retryAfterFailureMs ?? CATALOG_DEFAULTS.retryAfterFailureMs;
    this.now = opts.now ?? Date.now;
    this.fetchModels = opts.fetchModels;
    this.rebuild();
  }

  /** Exact id, then case-insensitive, then a bare id (`gpt-4.1` → `openai/gpt-4.1`), then without a `:variant`. */
  get(id: string): ModelInfo | undefined {
    const exact = this.byId.get(id) ?? this.byId.get(id.toLowerCase());
    if (exact) return exact;
    const lower = id.toLowerCase();
    const slash = lower.indexOf('/');
    const bare = slash >= 0 ? lower.slice(slash + 1) : lower;
    const byBare = this.byBareId.get(bare);
    if (byBare && (slash < 0 || byBare.provider.toLowerCase() === lower.slice(0, slash))) return byBare;
    const colon = lower.lastIndexOf(':');
    return colon > 0 ? this.get(lower.slice(0, colon)) : undefined;
  }

  list(): readonly ModelInfo[] {
    return this.models;
  }

  /**
   * The models the gateway serves, as its last `/models` answer listed them (merged with what the snapshot knows of
   * them), or undefined while no refresh has read a list: then only the built-in catalog is known.
   */
  servedByGateway(): readonly ModelInfo[] | undefined {
    return this.served;
  }

  isStale(): boolean {
    return this.now() >= this.nextRefreshAt;
  }

  /**
   * Fetches the gateway's model list now. Failures keep what is known and are remembered in `lastError`. A refresh of
   * the same gateway joins the one in flight; one of another gateway replaces it (its answer would be of no use).
   */
  refresh(source: CatalogSource, signal?: AbortSignal): Promise<void> {
    if (this.inFlight?.baseUrl === source.baseUrl) return this.inFlight.done;
    this.inFlight?.abort();
    const fetchModels = this.fetchModels ?? defaultFetchModels;
    const ctrl = new AbortController();
    const onAbort = () => ctrl.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(onAbort, CATALOG_DEFAULTS.fetchTimeoutMs);
    timer.unref?.();
    const flight = { baseUrl: source.baseUrl, done: Promise.resolve(), abort: onAbort };
    const current = () => this.inFlight === flight;
    flight.done = fetchModels(source, ctrl.signal)
      .then((json) => {
        if (!current()) return;
        this.gatewayModels = modelsFromGateway(json);
        this.listFrom = source.baseUrl;
        this.lastError = undefined;
        this.fetchedAt = this.now();
        this.nextRefreshAt = this.now() + this.ttlMs;
        this.rebuild();
        this.changed.fire();
      })
      .catch((e: unknown) => {
        if (!current()) return;
        this.lastError = e instanceof Error ? e.message : String(e);
        this.nextRefreshAt = this.now() + this.retryAfterFailureMs;
      })
      .finally(() => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (current()) this.inFlight = undefined;
      });
    this.inFlight = flight;
    return flight.done;
  }

  /** The gateway the list in use came from (undefined while only the built-in catalog is known). */
  gatewayListFrom(): string | undefined {
    return this.listFrom;
  }

  /** The gateway changed: its predecessor's list (and any fetch of it) no longer counts, and a refresh is due. */
  forgetGateway(): void {
    this.inFlight?.abort();
    this.inFlight = undefined;
    this.gatewayModels = [];
    this.listFrom = undefined;
    this.fetchedAt = undefined;
    this.lastError = undefined;
    this.nextRefreshAt = 0;
    this.rebuild();
    this.changed.fire();
  }

  /** The gateway's own list as last fetched (what is saved for the next session). */
  gatewayList(): readonly ModelInfo[] {
    return this.gatewayModels;
  }

  /** Uses a list `baseUrl` gave an earlier session until the next refresh; it counts as fresh until its age passes the TTL. */
  seed(models: readonly ModelInfo[], fetchedAt: number, baseUrl: string): void {
    if (this.fetchedAt !== undefined) return; // a live answer already arrived
    this.gatewayModels = [...models];
    this.listFrom = baseUrl;
    this.fetchedAt = fetchedAt;
    this.nextRefreshAt = fetchedAt + this.ttlMs;
    this.rebuild();
    this.changed.fire();
  }

  /** Starts a refresh if the catalog is stale and none is running for this gateway; never waits for it. */
  refreshInBackground(source: CatalogSource): void {
    if (this.inFlight?.baseUrl === source.baseUrl || !this.isStale()) return;
    void this.refresh(source);
  }

  dispose(): void {
    this.changed.dispose();
  }

  private rebuild(): void {
    const merged = new Map<string, ModelInfo>();
    for (const m of this.builtin) merged.set(m.id.toLowerCase(), m);
    const bareBuiltin = new Map<string, ModelInfo>();
    for (const m of this.builtin) bareBuiltin.set(bareOf(m.id), m);
    const servedKeys = new Set<string>();
    for (const g of this.gatewayModels) {
      const key = g.id.toLowerCase();
      // A gateway listing bare ids (OpenAI, Ollama) refines the built-in entry instead of duplicating it.
      const known = merged.get(key) ?? (g.id.includes('/') ? undefined : bareBuiltin.get(key));
      if (known) merged.set(known.id.toLowerCase(), mergeInfo(known, g));
      else merged.set(key, g);
      servedKeys.add(known ? known.id.toLowerCase() : key);
    }
    this.served = servedKeys.size > 0 ? [...servedKeys].flatMap((k) => merged.get(k) ?? []) : undefined;
    this.models = [...merged.values()];
    this.byId = new Map();
    this.byBareId = new Map();
    for (const m of this.models) {
      this.byId.set(m.id, m);
      this.byId.set(m.id.toLowerCase(), m);
      const bare = bareOf(m.id);
      // Built-in entries win the bare id, so `gpt-4.1` means OpenAI's model, not some reseller's copy.
      const prev = this.byBareId.get(bare);
      if (!prev || (prev.source === 'gateway' && m.source === 'builtin')) this.byBareId.set(bare, m);
    }
  }
}

const bareOf = (id: string): string => {
  const lower = id.toLowerCase();
  return lower.slice(lower.indexOf('/') + 1);
};

function mergeInfo(known: ModelInfo, g: ModelInfo): ModelInfo {
  const hasPrice = g.pricing.input > 0 || g.pricing.output > 0;
  return {
    ...known,
    name: known.name ?? g.name,
    pricing: hasPrice ? { ...known.pricing, ...g.pricing } : known.pricing,
    contextWindow: g.contextWindow > 0 ? g.contextWindow : known.contextWindow,
    source: 'gateway',
  };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function price(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Parses an OpenAI/OpenRouter-style `{data: [...]}` model list; unknown shapes yield what can be read. */
export function modelsFromGateway(json: unknown): ModelInfo[] {
  const data = isObject(json) && Array.isArray(json.data) ? json.data : Array.isArray(json) ? json : [];
  const out: ModelInfo[] = [];
  for (const raw of data) {
    if (!isObject(raw) || typeof raw.id !== 'string' || raw.id === '') continue;
    const id = raw.id;
    const p = isObject(raw.pricing) ? raw.pricing : {};
    const input = price(p.prompt) ?? 0;
    const output = price(p.completion) ?? 0;
    const cachedInput = price(p.input_cache_read);
    const reasoning = price(p.internal_reasoning);
    const top = isObject(raw.top_provider) ? raw.top_provider : {};
    const contextWindow = price(raw.context_length) ?? price(top.context_length) ?? price(raw.context_window) ?? 0;
    const arch = isObject(raw.architecture) ? raw.architecture : {};
    const modalities = Array.isArray(arch.input_modalities) ? arch.input_modalities : [];
    const params = Array.isArray(raw.supported_parameters) ? raw.supported_parameters : [];
    const tags: string[] = [];
    const supportsImages = modalities.includes('image');
    const supportsTools = params.includes('tools');
    const supportsReasoning = params.includes('reasoning') || params.includes('include_reasoning') || params.includes('reasoning_effort');
    if (supportsImages) tags.push('vision');
    if (supportsTools) tags.push('tools');
    if (supportsReasoning) tags.push('reasoning');
    if (input > 0 && input <= 0.5e-6) tags.push('cheap');
    const slash = id.indexOf('/');
    const provider = slash > 0 ? id.slice(0, slash) : typeof raw.owned_by === 'string' ? raw.owned_by : 'unknown';
    out.push({
      id,
      provider,
      ...(typeof raw.name === 'string' ? { name: raw.name } : {}),
      pricing: {
        input,
        output,
        ...(cachedInput !== undefined ? { cachedInput } : {}),
        ...(reasoning !== undefined && reasoning > 0 ? { reasoning } : {}),
      },
      contextWindow,
      tags,
      ...(modalities.length ? { supportsImages } : {}),
      ...(params.length ? { supportsTools, supportsReasoning } : {}),
      source: 'gateway',
    });
  }
  return out;
}

function defaultFetchModels(source: CatalogSource, signal: AbortSignal): Promise<unknown> {
  return getJson({ url: source.baseUrl.replace(/\/+$/, '') + '/models', headers: source.headers, key: source.key, signal });
}
