// Keep-alive agents that reach the upstream through an HTTP CONNECT tunnel. Written here rather than taken from
// https-proxy-agent because that one replays a proxy's refusal (403, 407, 502) as if the upstream had answered it,
// which would blame the gateway (or the API key) for what the proxy said; here the refusal is an error of its own.
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';

/** The proxy answered CONNECT with something other than 200. */
export class ProxyRefusedError extends Error {
  readonly code = 'ERR_PROXY_REFUSED';
  constructor(
    readonly status: number,
    readonly proxy: string,
  ) {
    super(`The proxy ${proxy} answered CONNECT with HTTP ${status}.`);
  }
}

/** Marks an error raised while talking to the proxy itself (refused, unknown host, TLS to an https proxy). */
export const PROXY_STAGE = Symbol.for('switchboard.proxyStage');

export interface TunnelOptions {
  proxy: URL;
  /** Shown in messages: the proxy without credentials. */
  display: string;
  /** `Proxy-Authorization` from the settings; credentials in the proxy URL are used otherwise. */
  proxyAuthorization?: string;
  /** TLS options for the upstream and for an https:// proxy. */
  tlsOptions: https.AgentOptions;
}

type OnSocket = (err: Error | null, stream: Duplex) => void;

/** A CONNECT tunnel to host:port through the proxy; `done` gets the raw socket, or a ProxyRefusedError / socket error. */
export function openTunnel(t: TunnelOptions, host: string, port: number | string, done: (err: Error | null, socket?: Socket) => void, timeoutMs = 0): void {
  const headers: Record<string, string> = { host: `${host}:${port}` };
  const auth = t.proxyAuthorization ?? credentialsOf(t.proxy);
  if (auth) headers['proxy-authorization'] = auth;
  const secureProxy = t.proxy.protocol === 'https:';
  const options = {
    host: t.proxy.hostname.replace(/^\[|\]$/g, ''),
    port: t.proxy.port || (secureProxy ? 443 : 80),
    method: 'CONNECT',
    path: `${host.includes(':') ? `[${host}]` : host}:${port}`,
    headers,
    agent: false as const,
    ...(secureProxy ? t.tlsOptions : {}),
  };
  const req = (secureProxy ? https : http).request(options);
  let settled = false;
  const finish = (err: Error | null, socket?: Socket) => {
    if (settled) return socket?.destroy();
    settled = true;
    done(err, socket);
  };
  req.once('connect', (res, socket) => {
    res.resume();
    if (res.statusCode === 200) return finish(null, socket);
    socket.destroy();
    finish(new ProxyRefusedError(res.statusCode ?? 0, t.display));
  });
  // A proxy that answers CONNECT with a plain response (no tunnel) lands here.
  req.once('response', (res) => {
    res.resume();
    finish(new ProxyRefusedError(res.statusCode ?? 0, t.display));
  });
  req.once('error', (e) => finish(Object.assign(e, { [PROXY_STAGE]: true })));
  if (timeoutMs > 0)
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer from the proxy within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
  req.end();
}

function credentialsOf(proxy: URL): string | undefined {
  if (!proxy.username && !proxy.password) return undefined;
  return 'Basic ' + Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64');
}

/** https upstreams: CONNECT, then TLS to the upstream inside the tunnel. */
export class HttpsTunnelAgent extends https.Agent {
  constructor(
    readonly tunnel: TunnelOptions,
    agentOptions: https.AgentOptions,
  ) {
    super({ ...agentOptions, ...tunnel.tlsOptions });
  }

  override createConnection(options: http.ClientRequestArgs & tls.ConnectionOptions, onSocket?: OnSocket): undefined {
    const host = options.host ?? 'localhost';
    openTunnel(this.tunnel, host, options.port ?? 443, (err, socket) => {
      if (err || !socket) return onSocket?.(err ?? new Error('no tunnel'), undefined as never);
      const servername = options.servername ?? (tlsServername(host) || undefined);
      onSocket?.(null, tls.connect({ ...(options as tls.ConnectionOptions), host, port: Number(options.port ?? 443), socket, servername }));
    });
    return undefined;
  }
}

/** http upstreams: CONNECT, then plain HTTP inside the tunnel (one mechanism for both schemes). */
export class HttpTunnelAgent extends http.Agent {
  constructor(
    readonly tunnel: TunnelOptions,
    agentOptions: http.AgentOptions,
  ) {
    super(agentOptions);
  }

  override createConnection(options: http.ClientRequestArgs, onSocket?: OnSocket): undefined {
    openTunnel(this.tunnel, options.host ?? 'localhost', options.port ?? 80, (err, socket) => onSocket?.(err, socket as Duplex));
    return undefined;
  }
}

/** SNI takes host names only, never IP addresses. */
const tlsServername = (host: string): string => (/^[\d.]+$|:/.test(host) ? '' : host);
