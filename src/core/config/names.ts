// What a model name means: smart-select, aliases (chains allowed, cycles stop), the ids behind a name and the context
// window a prompt for it must fit. Defined once; every caller answers "which model is X?" here.
import { TIERS, type ModelInfo } from '../base/types';
import type { Config } from './settings';

export const SMART_SELECT = 'smart-select';

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
    return { smartSelect: true, ids: [...new Set(TIERS.map((tier) => resolveAlias(t[tier], config.aliases)))] };
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
