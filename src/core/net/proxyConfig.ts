// What a NetworkConfig is and how it is read from the environment and CA files: plain data, no sockets, so the
// extension can build one at start-up without loading the agents (proxy.ts) that only the core needs.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../base/errors';

export interface NetworkConfig {
  /** `http://[user:password@]host:port` (or https://) of a forward proxy; undefined = direct. */
  proxy?: string;
  /** Hosts that bypass the proxy, NO_PROXY syntax: `host`, `.suffix`, `host:port`, `*`, an IP or a CIDR range. */
  noProxy?: readonly string[];
  /** A `Proxy-Authorization` value sent to the proxy (VS Code's `http.proxyAuthorization`). */
  proxyAuthorization?: string;
  /** Extra trusted CA certificates (PEM text), on top of the roots Node (and VS Code) already trust. */
  ca?: readonly string[];
  /** Where `ca` came from (file paths), for messages. */
  caSources?: readonly string[];
  /** False only from VS Code's `http.proxyStrictSSL: false`; the CLI has no way to turn certificate checks off. */
  strictSSL?: boolean;
}

/** A NetworkConfig from the environment (either case) and an optional CA file (`switchboard.tls.caFile`). */
export function networkFromEnv(env: NodeJS.ProcessEnv, caFile?: string): NetworkConfig {
  const pick = (name: string) => env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
  const proxy = pick('https_proxy') ?? pick('http_proxy') ?? pick('all_proxy');
  const noProxy = (pick('no_proxy') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const files = [env.NODE_EXTRA_CA_CERTS, caFile].filter((f): f is string => !!f);
  return { proxy, noProxy, ...readCaFiles(files, caFile), strictSSL: true };
}

/**
 * Reads PEM files. Node already loads NODE_EXTRA_CA_CERTS at start, but only into its default context: agents given
 * their own `ca` (and a CA file read after start) need the certificates passed explicitly.
 */
export function readCaFiles(files: readonly string[], settingFile?: string): Pick<NetworkConfig, 'ca' | 'caSources'> {
  const ca: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const where = file === settingFile ? 'switchboard.tls.caFile' : 'NODE_EXTRA_CA_CERTS';
      throw new ConfigError(
        where,
        `${where} names ${file}, which cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). ` +
          'Point it at a PEM file of your CA certificates.',
      );
    }
    if (!/-----BEGIN CERTIFICATE-----/.test(text)) {
      const where = file === settingFile ? 'switchboard.tls.caFile' : 'NODE_EXTRA_CA_CERTS';
      throw new ConfigError(where, `${where} names ${file}, which holds no PEM certificate (-----BEGIN CERTIFICATE-----). Export your CA as PEM (Base64).`);
    }
    ca.push(text);
  }
  return ca.length ? { ca, caSources: [...files] } : {};
}

/** Problems with a proxy URL, in words; undefined when it is usable. */
export function proxyProblem(proxy: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(proxy)) return 'must start with http:// (e.g. http://proxy.example.com:3128)';
  let u: URL;
  try {
    u = new URL(proxy);
  } catch {
    return 'is not a URL; use e.g. http://proxy.example.com:3128';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `uses ${u.protocol}; only http:// and https:// proxies are supported`;
  return undefined;
}
