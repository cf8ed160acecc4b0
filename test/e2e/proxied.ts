// A code-server whose gateway (the simulator over https with an openssl-made CA, on this machine's LAN address:
// loopback always goes direct) is reached through tinyproxy with a login, set in VS Code's own `http.proxy`.
import { randomBytes } from 'node:crypto';
import { startInstance, type Instance } from './harness';
import { startSim, type Sim } from '../sim/server';
import { hasTinyproxy, LAN_ADDRESS, makeCerts, NO_LAN_ADDRESS, NO_TINYPROXY, startTinyproxy, type Tinyproxy } from '../unit/support/network';

/** Why these specs cannot run on this machine, if they cannot. */
export const proxiedSkip: string | false = !hasTinyproxy ? NO_TINYPROXY : !LAN_ADDRESS ? NO_LAN_ADDRESS : false;

export interface Proxied {
  vs: Instance;
  /** The key the simulator accepts, and the proxy's password: neither may be shown anywhere. */
  secrets: { key: string; proxyPassword: string };
  sim: Sim;
  proxy: Tinyproxy;
  close(): Promise<void>;
}

/** Starts the simulator, the proxy and code-server (`settings` on top of the proxy's), and waits for the extension. */
export async function startProxiedInstance(name: string, settings: Record<string, unknown> = {}): Promise<Proxied> {
  const simKey = `sk-e2e-${name}-${randomBytes(8).toString('hex')}`;
  const certs = makeCerts(); // valid for LAN_ADDRESS too
  const sim = await startSim({ key: simKey, host: LAN_ADDRESS as string, tls: { key: certs.key, cert: certs.good } });
  const proxyPassword = `e2e-${randomBytes(6).toString('hex')}`;
  const proxy = await startTinyproxy({ user: 'dave', password: proxyPassword });
  const close = async () => void (await Promise.all([sim.close(), proxy.stop()]));
  let vs: Instance;
  try {
    vs = await startInstance({
      name,
      simKey,
      keyInEnv: true,
      settings: {
        'switchboard.gateway.baseUrl': sim.url,
        'switchboard.gateway.preset': 'custom',
        'switchboard.model': 'sim/echo',
        'switchboard.fallbacks': {},
        'switchboard.retries': 0,
        'switchboard.tls.caFile': certs.caFile,
        'http.proxy': proxy.urlWithLogin,
        ...settings,
      },
    });
    await vs.wb.waitForStatusBarItem('sim/echo');
  } catch (err) {
    await close();
    throw err;
  }
  return { vs, sim, proxy, secrets: { key: simKey, proxyPassword }, close: async () => (await vs.close(), await close()) };
}
