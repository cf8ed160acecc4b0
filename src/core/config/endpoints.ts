// Gateway presets as data, and model id → endpoint resolution.
//
// Base URL rule: a preset fills the gateway base URL only when the user left `switchboard.gateway.baseUrl` at its
// default. Callers that know better (the extension can ask VS Code whether the setting was set) pass
// `userSetBaseUrl`; without it, "still equal to the default" means "not set by the user".
import { SETTINGS, urlProblem, type Config, type Preset, type SmartSelectMode } from './settings';
import { ConfigError } from '../base/errors';
import type { Endpoint } from '../base/types';
import { GATEWAY_SECRET, providerSecret } from './keys';

export interface PresetSpec {
  label: string;
  baseUrl: string;
  headers: Record<string, string>;
  /** The endpoint expects `gpt-4.1`, not `openai/gpt-4.1`. */
  bareModelIds?: boolean;
  /** Header that carries the model's provider name on every request (Portkey). */
  providerHeader?: string;
  /** The model id the gateway routes itself, and its name in the model picker. Absent: the gateway has none. */
  autoModel?: { id: string; label: string };
  /** Request field that carries an ordered fallback list the gateway walks itself (OpenRouter's `models`). */
  fallbackListField?: 'models';
  /** Header that names a concrete model for the gateway's direct routing (Select's Direct mode). */
  directModelHeader?: string;
  /** Who resolves `smart-select` when `switchboard.smartSelect.mode` is not set (README § Gateways). */
  defaultSmartSelectMode: SmartSelectMode;
}

// What each gateway documents, and what is assumed, is in README.md § "Gateways: what was verified in the docs and
// what is assumed". Every preset is called at `<baseUrl>/chat/completions` with the model id in the body.
export const GATEWAY_PRESETS: Record<Preset, PresetSpec> = {
  select: {
    label: 'Select',
    baseUrl: 'https://api.select.ax/v1',
    headers: {},
    // select.ax/docs: Auto mode (the default) routes every request; Direct mode names the model in `x-model`.
    // `smart-select` as the auto model id is the mission guide's own example, not in the docs.
    autoModel: { id: 'smart-select', label: 'Select Auto' },
    directModelHeader: 'x-model',
    defaultSmartSelectMode: 'gateway',
  },
  openrouter: {
    label: 'OpenRouter',
    baseUrl: 'https://openrouter.ai/api/v1',
    headers: { 'HTTP-Referer': 'https://marketplace.visualstudio.com/items?itemName=switchboard-dev.switchboard', 'X-Title': 'Switchboard' },
    // openrouter.ai/docs: the Auto Router (`openrouter/auto`) and model fallbacks (`models`, tried in order).
    autoModel: { id: 'openrouter/auto', label: 'OpenRouter Auto' },
    fallbackListField: 'models',
    defaultSmartSelectMode: 'local',
  },
  litellm: { label: 'LiteLLM proxy', baseUrl: 'http://localhost:4000/v1', headers: {}, defaultSmartSelectMode: 'local' },
  portkey: {
    label: 'Portkey',
    baseUrl: 'https://api.portkey.ai/v1',
    headers: {},
    bareModelIds: true,
    providerHeader: 'x-portkey-provider',
    defaultSmartSelectMode: 'local',
  },
  openai: { label: 'OpenAI', baseUrl: 'https://api.openai.com/v1', headers: {}, bareModelIds: true, defaultSmartSelectMode: 'local' },
  ollama: { label: 'Ollama', baseUrl: 'http://localhost:11434/v1', headers: {}, bareModelIds: true, defaultSmartSelectMode: 'local' },
  custom: { label: 'Custom', baseUrl: SETTINGS['gateway.baseUrl'].default, headers: {}, defaultSmartSelectMode: 'local' },
};

/** Who resolves `smart-select`: `switchboard.smartSelect.mode` when set, else the preset's default. */
export function smartSelectMode(config: Config): SmartSelectMode {
  return config.smartSelect.mode ?? GATEWAY_PRESETS[config.gateway.preset].defaultSmartSelectMode;
}

/**
 * The gateway's own auto-routing model when `smart-select` is resolved by the gateway; undefined in local mode.
 * Throws ConfigError naming the preset when gateway mode is asked of a gateway that has no auto-routing model.
 */
export function gatewayAutoModel(config: Config): string | undefined {
  if (smartSelectMode(config) !== 'gateway') return undefined;
  const preset = GATEWAY_PRESETS[config.gateway.preset];
  if (preset.autoModel) return preset.autoModel.id;
  const withAuto = Object.values(GATEWAY_PRESETS).flatMap((p) => (p.autoModel ? [p.label] : []));
  throw new ConfigError(
    'switchboard.smartSelect.mode',
    `switchboard.smartSelect.mode is "gateway", but the ${preset.label} preset's gateway has no auto-routing model of its own ` +
      `(${withAuto.join(' and ')} do). Set switchboard.smartSelect.mode to "local" to let Switchboard pick the model.`,
  );
}

export interface GatewayEndpoint extends Endpoint {
  preset: Preset;
  bareModelIds: boolean;
  providerHeader?: string;
}

/** The gateway endpoint the settings describe. See the file comment for when a preset sets the base URL. */
export function effectiveGateway(config: Config, userSetBaseUrl?: boolean): GatewayEndpoint {
  const preset = GATEWAY_PRESETS[config.gateway.preset];
  const userSet = userSetBaseUrl ?? config.gateway.baseUrl !== SETTINGS['gateway.baseUrl'].default;
  const baseUrl = (userSet || config.gateway.preset === 'custom' ? config.gateway.baseUrl : preset.baseUrl).replace(/\/+$/, '');
  return {
    id: 'gateway',
    baseUrl,
    headers: { ...preset.headers, ...config.gateway.headers },
    secretName: GATEWAY_SECRET,
    preset: config.gateway.preset,
    bareModelIds: preset.bareModelIds ?? false,
    ...(preset.providerHeader ? { providerHeader: preset.providerHeader } : {}),
  };
}

/** How the Choose Gateway picker names a preset: its label and base URL, from the data above. */
export function presetPickLabel(preset: Preset): string {
  const p = GATEWAY_PRESETS[preset];
  return preset === 'custom' ? `${p.label} — enter any OpenAI-compatible base URL` : `${p.label} — ${p.baseUrl}`;
}

/** Splits `provider/model` (the provider is the first segment); a bare id has no provider. */
export function splitModelId(id: string): { provider?: string; name: string } {
  const slash = id.indexOf('/');
  if (slash <= 0) return { name: id };
  return { provider: id.slice(0, slash), name: id.slice(slash + 1) };
}

export function providerEndpoint(config: Config, name: string): Endpoint | undefined {
  const p = config.providers[name];
  if (!p) return undefined;
  return { id: name, baseUrl: p.baseUrl.replace(/\/+$/, ''), headers: { ...(p.headers ?? {}) }, secretName: providerSecret(name) };
}

export interface ResolvedTarget {
  endpoint: Endpoint;
  /** The id sent upstream: a direct provider gets it without the `provider/` prefix. */
  upstreamModel: string;
  /** Extra per-request headers (Portkey's provider header). */
  headers?: Record<string, string>;
}

export interface TargetContext {
  config: Config;
  gateway: GatewayEndpoint;
  /** Providers from `switchboard.providers` whose own key is stored. */
  providersWithKey: ReadonlySet<string>;
  /** Provider of a bare id according to the catalog (`gpt-4.1` → `openai`). */
  providerOf?: (bareId: string) => string | undefined;
}

/** A direct provider endpoint when the model's provider has one configured AND its key is stored; else the gateway. */
export function resolveTarget(model: string, ctx: TargetContext): ResolvedTarget {
  const { provider, name } = splitModelId(model);
  const owner = provider ?? ctx.providerOf?.(model);
  if (owner && ctx.providersWithKey.has(owner)) {
    const endpoint = providerEndpoint(ctx.config, owner);
    if (endpoint) return { endpoint, upstreamModel: provider ? name : model };
  }
  const gw = ctx.gateway;
  const upstreamModel = gw.bareModelIds && provider ? name : model;
  if (gw.providerHeader && owner) return { endpoint: gw, upstreamModel, headers: { [gw.providerHeader]: owner } };
  return { endpoint: gw, upstreamModel };
}

/** The base URL must be safe to send a key to; the settings parser checks this too, this guards other callers. */
export function assertSafeEndpoint(endpoint: Endpoint): void {
  const problem = urlProblem(endpoint.baseUrl);
  if (!problem) return;
  const setting = endpoint.id === 'gateway' ? 'switchboard.gateway.baseUrl' : `switchboard.providers`;
  throw new ConfigError(setting, `The base URL for ${endpoint.id} ${problem}.`);
}
