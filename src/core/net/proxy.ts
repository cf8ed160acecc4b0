// How requests leave this process: directly or through a forward proxy (a CONNECT tunnel, tunnel.ts), and
// with which extra trusted CAs. The extension fills a NetworkConfig from VS Code's `http.*` settings, the CLI
// from HTTPS_PROXY / HTTP_PROXY / NO_PROXY and NODE_EXTRA_CA_CERTS / `switchboard.tls.caFile`; the core never reads
// either source itself. Agents are keep-alive and built once per config, so the streaming hot path reuses sockets.
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, BlockList } from 'node:net';
import * as tls from 'node:tls';
import { ConfigError } from '../base/errors';
import { isLoopbackHost } from '../base/loopback';
import { proxyProblem, type NetworkConfig } from './proxyConfig';
import type { Socket } from 'node:net';
import { HttpsTunnelAgent, HttpTunnelAgent, openTunnel, type TunnelOptions } from './tunnel';

export { networkFromEnv, proxyProblem, readCaFiles, type NetworkConfig } from './proxyConfig';

export interface Route {
  agent: http.Agent;
  /**
   * The TLS options again, for the request itself: VS Code's proxy patch may swap the agent for its own, and then
   * only request options reach the TLS connection.
   */
  tls: https.AgentOptions;
  /** The proxy this request goes through, without credentials (for messages); undefined when direct. */
  proxy?: string;
}

const KEEP_ALIVE = { keepAlive: true, keepAliveMsecs: 15_000, scheduling: 'lifo' as const, noDelay: true };

/** The proxy URL with any user name and password removed: safe to print. */
export function proxyForDisplay(proxy: string): string {
  if (!proxy.includes('//')) return proxy.replace(/^.*@/, '');
  try {
    const u = new URL(proxy);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(an invalid proxy URL)';
  }
}

/**
 * NO_PROXY matching as curl and VS Code do it: exact host, host:port, domain suffix, `*`, IPs and CIDR ranges.
 * `localhost`, 127.0.0.0/8 and ::1 are one host: an entry naming any of them covers them all.
 */
export function bypassesProxy(hostname: string, port: string, noProxy: readonly string[]): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (
    isLoopbackHost(host) &&
    noProxy.some((raw) =>
      isLoopbackHost(
        raw
          .trim()
          .replace(/^\[|\]$/g, '')
          .replace(/:\d+$/, ''),
      ),
    )
  )
    return true;
  const blocks = new BlockList();
  let anyBlock = false;
  for (const raw of noProxy) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    if (entry === host || entry === `${host}:${port}`) return true;
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    const ip = cidr ? cidr[1] : entry.replace(/^\[|\]$/g, '');
    const family = isIP(ip);
    if (family) {
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (cidr) blocks.addSubnet(ip, Number(cidr[2]), type);
      else blocks.addAddress(ip, type);
      anyBlock = true;
      continue;
    }
    const suffix = entry.replace(/^\*?\./, '');
    if (host === suffix || host.endsWith('.' + suffix)) return true;
  }
  const family = isIP(host);
  return anyBlock && family !== 0 && blocks.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/** The agents for one NetworkConfig: direct keep-alive agents, and proxy agents built on first use. */
export class Network {
  readonly config: NetworkConfig;
  readonly direct: { http: http.Agent; https: https.Agent };
  private proxied: { http?: http.Agent; https?: http.Agent } = {};

  private readonly secureContext: tls.SecureContext | undefined;

  constructor(config: NetworkConfig = {}) {
    this.config = config;
    if (config.ca?.length) {
      this.secureContext = tls.createSecureContext();
      for (const pem of config.ca) this.secureContext.context.addCACert(pem);
    }
    this.direct = { http: new http.Agent(KEEP_ALIVE), https: new https.Agent({ ...KEEP_ALIVE, ...this.tlsOptions() }) };
  }

  private readonly routes = new Map<string, Route>();

  /** The agent for a request to `url`, and the proxy it goes through (credentials removed). Cached per origin. */
  route(url: URL): Route {
    let r = this.routes.get(url.origin);
    if (!r) {
      if (this.routes.size > 256) this.routes.clear();
      this.routes.set(url.origin, (r = this.computeRoute(url)));
    }
    return r;
  }

  private computeRoute(url: URL): Route {
    const secure = url.protocol === 'https:';
    const proxy = this.proxyFor(url);
    const tls = secure ? this.tlsOptions() : {};
    if (!proxy) return { agent: secure ? this.direct.https : this.direct.http, tls };
    const display = proxyForDisplay(proxy);
    if (secure) return { agent: (this.proxied.https ??= this.proxyAgent(proxy, true)), proxy: display, tls };
    return { agent: (this.proxied.http ??= this.proxyAgent(proxy, false)), proxy: display, tls };
  }

  /**
   * The proxy URL (with credentials) that applies to `url`, or undefined for a direct connection. This machine
   * (localhost, 127.0.0.0/8, ::1) is always reached directly: through a proxy it would be the proxy's own machine, and a
   * loopback gateway speaks plain http, so its key would cross the proxy in clear text.
   */
  proxyFor(url: URL): string | undefined {
    const proxy = this.config.proxy;
    if (!proxy || isLoopbackHost(url.hostname)) return undefined;
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return bypassesProxy(url.hostname, port, this.config.noProxy ?? []) ? undefined : proxy;
  }

  /**
   * TLS options for connections to upstreams (and to an https proxy). Extra CAs are added to the default store
   * through a secure context rather than passed as `ca`, which would replace the roots (and stop VS Code from adding
   * the system certificates it loads).
   */
  tlsOptions(): https.AgentOptions {
    return { ...(this.secureContext ? { secureContext: this.secureContext } : {}), rejectUnauthorized: this.config.strictSSL !== false };
  }

  /** A raw CONNECT tunnel to `url`'s host through its proxy (the doctor's probe); rejects when no proxy applies. */
  tunnelTo(url: URL, timeoutMs: number): Promise<Socket> {
    const proxy = this.proxyFor(url);
    if (!proxy) return Promise.reject(new Error(`no proxy applies to ${url.host}`));
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return new Promise((resolve, reject) =>
      openTunnel(
        this.tunnelOptions(proxy),
        url.hostname.replace(/^\[|\]$/g, ''),
        port,
        (err, socket) => (err || !socket ? reject(err) : resolve(socket)),
        timeoutMs,
      ),
    );
  }

  private tunnelOptions(proxy: string): TunnelOptions {
    return { proxy: new URL(proxy), display: proxyForDisplay(proxy), proxyAuthorization: this.config.proxyAuthorization, tlsOptions: this.tlsOptions() };
  }

  private proxyAgent(proxy: string, secure: boolean): http.Agent {
    const tunnel = this.tunnelOptions(proxy);
    return secure ? new HttpsTunnelAgent(tunnel, KEEP_ALIVE) : new HttpTunnelAgent(tunnel, KEEP_ALIVE);
  }

  dispose(): void {
    this.direct.http.destroy();
    this.direct.https.destroy();
    this.proxied.http?.destroy();
    this.proxied.https?.destroy();
    this.proxied = {};
  }
}

let current = new Network();

/** The process-wide network every transport request uses. Replacing it closes the old agents' idle sockets. */
export function useNetwork(config: NetworkConfig): Network {
  if (sameConfig(config, current.config)) return current;
  const problem = config.proxy ? proxyProblem(config.proxy) : undefined;
  if (problem) throw new ConfigError('http.proxy', `The proxy ${proxyForDisplay(config.proxy!)} (http.proxy in VS Code, HTTPS_PROXY for the CLI) ${problem}.`);
  const old = current;
  current = new Network(config);
  old.dispose();
  return current;
}

export const network = (): Network => current;

function sameConfig(a: NetworkConfig, b: NetworkConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
