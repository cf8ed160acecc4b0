// The model Check Connection tries: the user's own (switchboard.model), so a healthy setup is not reported broken
// because some other model in the catalog is. An alias is resolved; smart-select is what it would pick for the check's
// short prompt, or the gateway's auto model when the gateway decides.
import type { Config } from '../config/settings';
import { gatewayAutoModel } from '../config/endpoints';
import { resolveAlias, SMART_SELECT } from '../config/names';
import type { SelectionDecision } from '../base/types';
import type { SelectInput } from '../select/select';

export const CHECK_PROMPT = 'Say OK.';

export function userChatModel(config: Config, select: (input: SelectInput) => SelectionDecision): string {
  if (config.model !== SMART_SELECT) return resolveAlias(config.model, config.aliases);
  let auto: string | undefined;
  try {
    auto = gatewayAutoModel(config);
  } catch {
    auto = undefined; // gateway mode without an auto model: the settings step reports it; check the local pick
  }
  return auto ?? resolveAlias(select({ messages: [{ role: 'user', content: CHECK_PROMPT }] }).model, config.aliases);
}
