// The tiers smart-select uses now (served.ts), recomputed only when the settings or the catalog's list change, and
// one warning per tier model the gateway lacks (the same substitution is not warned about again).
import type { Config } from '../config/settings';
import { servedTiers, substitutionWarning, type ServedCatalog, type ServedTiers } from './served';
import type { ModelInfo, Tier } from '../base/types';

export interface ResolvedTiers {
  served: ServedTiers;
  /** `config` with `smartSelect.tiers` replaced by the served tiers (the same object when nothing was replaced). */
  config: Config;
}

export class ServedTierCache {
  private lastConfig: Config | undefined;
  private lastList: readonly ModelInfo[] | undefined;
  private last: ResolvedTiers | undefined;
  private readonly warned = new Set<string>();

  constructor(
    private readonly catalog: ServedCatalog & { list(): readonly ModelInfo[] },
    private readonly onWarning?: (message: string) => void,
  ) {}

  resolve(config: Config): ResolvedTiers {
    const list = this.catalog.list();
    if (this.last && config === this.lastConfig && list === this.lastList) return this.last;
    const served = servedTiers(config, this.catalog);
    const substituted = Object.keys(served.substitutions) as Tier[];
    for (const tier of substituted) {
      const s = served.substitutions[tier];
      const key = `${tier}|${s?.configured}|${s?.served}`;
      if (!s || this.warned.has(key)) continue;
      this.warned.add(key);
      this.onWarning?.(substitutionWarning(tier, s));
    }
    const resolved = substituted.length ? { ...config, smartSelect: { ...config.smartSelect, tiers: served.tiers } } : config;
    this.lastConfig = config;
    this.lastList = list;
    this.last = { served, config: resolved };
    return this.last;
  }
}
