// The warm-up: builds the core as soon as the extension is loaded (src/boot.ts loads it 3 s after start-up when a key
// is stored, or on first use) so the gateway's prices are known by the first answer. It sends the key to the gateway
// (its /models), so it waits until the user has chosen where the key goes.
import type { IDisposable } from '../core/base/lifecycle';
import type { KeyStore } from './keys/secrets';
import type { SettingsSource } from './settings';

/**
 * A key stored with Set API Key, or a gateway (base URL or preset) set in the user's own settings with a key to send
 * there. A key that is merely in the environment, with the default gateway, is not such a choice.
 */
export async function shouldWarmUp(
  keys: Pick<KeyStore, 'hasStoredGatewayKey' | 'hasGatewayKey'>,
  settings: Pick<SettingsSource, 'userChoseGateway'>,
): Promise<boolean> {
  if (await keys.hasStoredGatewayKey()) return true;
  return settings.userChoseGateway() && (await keys.hasGatewayKey());
}

/**
 * Builds the core after `delayMs` (the next turn by default: boot already waited) if `ready` says so; disposed (with
 * the extension), it builds nothing.
 */
export function warmUpAfterStartup(services: { core(): Promise<unknown> }, ready: () => Promise<boolean>, delayMs = 0): IDisposable {
  let disposed = false;
  const timer = setTimeout(() => {
    void ready()
      .then((yes) => (yes && !disposed ? services.core() : undefined))
      .catch(() => undefined);
  }, delayMs);
  timer.unref?.();
  return {
    dispose: () => {
      disposed = true;
      clearTimeout(timer);
    },
  };
}
