// Which models a request for a given model may go to: its alias target and its fallback chain; for smart-select every
// tier's (or the gateway's own auto model when the gateway decides). The status bar asks this to warn only about
// open breakers that can affect the user's own requests.
import type { Config } from '../config/settings';
import { gatewayAutoModel } from '../config/endpoints';
import { resolveAlias, SMART_SELECT } from '../config/names';
import { fallbackNames } from './candidates';

export function chainModels(model: string, config: Config): Set<string> {
  let primaries: string[];
  if (model === SMART_SELECT) {
    let auto: string | undefined;
    try {
      auto = gatewayAutoModel(config);
    } catch {
      auto = undefined; // gateway mode on a preset without an auto model: requests fail before any breaker
    }
    const t = config.smartSelect.tiers;
    primaries = auto ? [auto] : [t.fast, t.balanced, t.strong, t.reasoning];
  } else primaries = [model];
  const out = new Set<string>();
  for (const typed of primaries) {
    const primary = resolveAlias(typed, config.aliases);
    out.add(primary);
    const lookup = model === SMART_SELECT ? [typed, primary, SMART_SELECT] : [typed, primary];
    for (const f of fallbackNames(lookup, config.fallbacks)) {
      const id = resolveAlias(f, config.aliases);
      if (id !== SMART_SELECT) out.add(id);
    }
  }
  return out;
}
