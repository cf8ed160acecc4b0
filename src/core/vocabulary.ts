// The words every part of Switchboard shares, defined once: what a model name means (smart-select, aliases), where
// keys live (secret names, environment variables), how money is written, what counts as this machine. No imports
// beyond types, so the webviews bundle it too.
import type { Config } from './config';
import type { ModelInfo } from './types';

export const SMART_SELECT = 'smart-select';

// ---- model names ------------------------------------------------------------------------------------------------

const MAX_ALIAS_HOPS = 8;
/** Used when no model behind a name is in the catalog. */
export const DEFAULT_CONTEXT_WINDOW = 128_000;

/** Follows `switchboard.aliases` (chains allowed, cycles stop). */
export function resolveAlias(name: string, aliases: Record<string, string>): string {
  let current = name;
  for (let i = 0; i < MAX_ALIAS_HOPS && Object.prototype.hasOwnProperty.call(aliases, current); i++) current = aliases[current];
  return current;
}

export interface ResolvedModel {
  smartSelect: boolean;
  /** smart-select: each tier's model, aliases followed; otherwise the one id at the end of the alias chain. */
  ids: string[];
}

/** What a model name means: the one way every caller answers "which model is X?". */
export function resolveModel(name: string, config: Pick<Config, 'aliases' | 'smartSelect'>): ResolvedModel {
  if (name === SMART_SELECT) {
    const t = config.smartSelect.tiers;
    return { smartSelect: true, ids: [...new Set([t.fast, t.balanced, t.strong, t.reasoning].map((id) => resolveAlias(id, config.aliases)))] };
  }
  return { smartSelect: false, ids: [resolveAlias(name, config.aliases)] };
}

/**
 * The context window a prompt for `name` must fit: the model's own, or for smart-select the smallest among its
 * tiers (any tier may answer). Models the catalog does not know count as DEFAULT_CONTEXT_WINDOW only when none is known.
 */
export function contextWindowOf(name: string, config: Pick<Config, 'aliases' | 'smartSelect'>, catalog: { get(id: string): ModelInfo | undefined }): number {
  const windows = resolveModel(name, config).ids.flatMap((id) => {
    const w = catalog.get(id)?.contextWindow;
    return w ? [w] : [];
  });
  return windows.length ? Math.min(...windows) : DEFAULT_CONTEXT_WINDOW;
}

// ---- keys -------------------------------------------------------------------------------------------------------

export const GATEWAY_SECRET = 'switchboard.apiKey';
export const PROVIDER_SECRET_PREFIX = 'switchboard.providerKey.';
export const providerSecret = (name: string): string => PROVIDER_SECRET_PREFIX + name;

/** The generic key variable: a key the user gave Switchboard itself, sent to whichever gateway is configured. */
export const SWITCHBOARD_KEY_ENV = 'SWITCHBOARD_API_KEY';
/** OpenAI's own key variable: read only when the gateway is OpenAI's own endpoint, never handed to a third party. */
export const OPENAI_KEY_ENV = 'OPENAI_API_KEY';
/** Every variable that may hold the gateway key (for redaction and for checking what the environment holds). */
export const GATEWAY_KEY_ENV = [SWITCHBOARD_KEY_ENV, OPENAI_KEY_ENV] as const;
const OPENAI_API_HOST = 'api.openai.com';
export const PROVIDER_KEY_ENV_PREFIX = 'SWITCHBOARD_PROVIDER_KEY_';
/** `deep-seek` → `SWITCHBOARD_PROVIDER_KEY_DEEP_SEEK`. */
export const providerKeyEnv = (name: string): string => PROVIDER_KEY_ENV_PREFIX + name.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/** Whether a gateway URL is OpenAI's own API, the only place OPENAI_API_KEY may go. */
export function isOpenAiEndpoint(gatewayUrl: string): boolean {
  try {
    const u = new URL(gatewayUrl);
    return u.protocol === 'https:' && u.hostname.toLowerCase() === OPENAI_API_HOST;
  } catch {
    return false;
  }
}

/** The environment variables that may supply the gateway key for `gatewayUrl`, in order. */
export const gatewayKeyVariables = (gatewayUrl: string): readonly string[] =>
  isOpenAiEndpoint(gatewayUrl) ? GATEWAY_KEY_ENV : [SWITCHBOARD_KEY_ENV];

/**
 * The key for a secret name from the environment, if any. The gateway key comes from SWITCHBOARD_API_KEY, or from
 * OPENAI_API_KEY only when `gatewayUrl` is OpenAI's own endpoint: a developer's OpenAI key is never sent elsewhere.
 */
export function keyFromEnv(secretName: string, env: NodeJS.ProcessEnv, gatewayUrl: string): string | undefined {
  if (secretName === GATEWAY_SECRET) {
    for (const name of gatewayKeyVariables(gatewayUrl)) if (env[name]) return env[name];
    return undefined;
  }
  if (!secretName.startsWith(PROVIDER_SECRET_PREFIX)) return undefined;
  return env[providerKeyEnv(secretName.slice(PROVIDER_SECRET_PREFIX.length))] || undefined;
}

/** Every key value the environment holds (gateway and provider keys), for redaction. */
export function keysInEnv(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => !!value && ((GATEWAY_KEY_ENV as readonly string[]).includes(name) || name.startsWith(PROVIDER_KEY_ENV_PREFIX)))
    .map(([, value]) => value as string);
}

// ---- money ------------------------------------------------------------------------------------------------------

const cents = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false });
const small = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** Dollars to the cent from $1 up; below that, three significant digits so small costs never read as $0.00. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  if (Math.abs(usd) >= 1) return `$${cents.format(usd)}`;
  const text = small.format(usd);
  return `$${(text.split('.')[1]?.length ?? 0) < 2 ? cents.format(usd) : text}`;
}

// ---- this machine -----------------------------------------------------------------------------------------------

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** `localhost`, 127.x.x.x or ::1 (with or without brackets). */
export const isLoopbackHost = (hostname: string): boolean => LOOPBACK_HOST.test(hostname);

/** An http(s) URL to this machine. */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
