// The one place a socket-level failure (Node error codes, a proxy's refusal) becomes a ConnectionError whose message
// names the endpoint (never the key) and says what to do. The transport, the catalog and the doctor all use it.
import { ConnectionError, type UpstreamContext } from '../base/errors';
import { PROXY_STAGE, ProxyRefusedError } from './tunnel';

export interface NetworkFailureContext extends UpstreamContext {
  /** host:port the request was for. */
  host: string;
  /** The proxy the request went through (no credentials), if any. */
  proxy?: string;
  /** Tokens had already arrived: the message says the answer broke off. */
  midAnswer?: boolean;
}

/** The CA-related fix, in the words of both the extension and the CLI. */
export const CA_FIX =
  'If your company uses its own CA or a TLS-inspecting proxy, point the setting switchboard.tls.caFile (CLI: also NODE_EXTRA_CA_CERTS) at its PEM file.';

const BEHIND_A_PROXY = 'behind a corporate proxy, set http.proxy in VS Code or HTTPS_PROXY for the CLI.';
const UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

interface Verdict {
  /** What happened, after "<endpoint>: ". */
  what: string;
  retryable: boolean;
}

/** What a Node network error code means, and whether trying again can help. Undefined for codes without advice. */
export function explainNetworkCode(code: string | undefined, c: Pick<NetworkFailureContext, 'host' | 'proxy'>): Verdict | undefined {
  const proxied = c.proxy ? ` through the proxy ${c.proxy}` : '';
  switch (code) {
    case 'ECONNREFUSED':
      return { what: `${c.host} refused the connection (ECONNREFUSED). Check the base URL and that the server is running.`, retryable: true };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        what: `the host name of ${c.host} could not be resolved (DNS ${code}). Check the base URL for typos and your network; ${BEHIND_A_PROXY}`,
        retryable: code === 'EAI_AGAIN',
      };
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return {
        what: `${c.host} could not be reached${proxied} (${code}). Check your network; ${BEHIND_A_PROXY}`,
        retryable: true,
      };
    case 'ECONNRESET':
    case 'EPIPE':
      return { what: `the connection to ${c.host} was reset${proxied} (${code}).`, retryable: true };
    case 'CERT_HAS_EXPIRED':
      return {
        what:
          `the TLS certificate of ${c.host} has expired (CERT_HAS_EXPIRED). Check the machine's clock; ` +
          'if the clock is right, the server (or a TLS-inspecting proxy) must renew it.',
        retryable: false,
      };
    case 'CERT_NOT_YET_VALID':
      return { what: `the TLS certificate of ${c.host} is not valid yet (CERT_NOT_YET_VALID). Check the machine's clock.`, retryable: false };
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return {
        what:
          `the TLS certificate presented for ${c.host} is for another host name (ERR_TLS_CERT_ALTNAME_INVALID). ` +
          'Check the base URL; a TLS-inspecting proxy must issue certificates for the host you connect to.',
        retryable: false,
      };
  }
  if (code && UNKNOWN_CA.has(code))
    return { what: `the TLS certificate of ${c.host} is signed by a CA this machine does not trust (${code}). ${CA_FIX}`, retryable: false };
  return undefined;
}

function proxyVerdict(e: Error, proxy: string, host: string): Verdict {
  if (e instanceof ProxyRefusedError) {
    // 407 is the standard answer; some proxies (tinyproxy on CONNECT) answer 401.
    if (e.status === 407 || e.status === 401)
      return {
        what: `the proxy ${proxy} requires a login (HTTP ${e.status}). Put user:password in the proxy URL (http://user:password@host:port) or set http.proxyAuthorization in VS Code.`,
        retryable: false,
      };
    if (e.status === 403)
      return {
        what:
          `the proxy ${proxy} does not allow connections to ${host} (HTTP 403). Ask your network team to allow it, ` +
          'or add the host to NO_PROXY / http.noProxy if it is reachable directly.',
        retryable: false,
      };
    return {
      what: `the proxy ${proxy} could not open a tunnel to ${host} (HTTP ${e.status}): the proxy may not resolve or reach that host.`,
      retryable: e.status >= 500,
    };
  }
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED')
    return {
      what:
        `the proxy ${proxy} refused the connection (ECONNREFUSED). ` +
        'Check the proxy address (http.proxy in VS Code, HTTPS_PROXY for the CLI) and that the proxy is running.',
      retryable: true,
    };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return {
      what: `the proxy's host name in ${proxy} could not be resolved (DNS ${code}). Check the proxy address (http.proxy in VS Code, HTTPS_PROXY for the CLI).`,
      retryable: false,
    };
  const known = explainNetworkCode(code, { host: proxy });
  if (known) return { what: `talking to the proxy: ${known.what}`, retryable: known.retryable };
  return { what: `the proxy ${proxy} could not be reached (${code ?? e.message}).`, retryable: true };
}

/** A failed request's socket error as a ConnectionError with the endpoint, the cause in words, and the fix. */
export function networkError(e: Error, c: NetworkFailureContext): ConnectionError {
  const where = c.model ? `${c.model} at ${c.endpoint}` : c.endpoint;
  const code = (e as NodeJS.ErrnoException).code;
  if (c.midAnswer) return new ConnectionError(c, `${where}: the connection broke mid-answer (${code ?? e.message}).`);
  const viaProxy = c.proxy && (e instanceof ProxyRefusedError || (e as { [PROXY_STAGE]?: boolean })[PROXY_STAGE]);
  const verdict = viaProxy ? proxyVerdict(e, c.proxy!, c.host) : explainNetworkCode(code, c);
  if (verdict) return new ConnectionError(c, `${where}: ${verdict.what}`, { retryable: verdict.retryable });
  return new ConnectionError(
    c,
    `${where}: connection to ${c.host}${c.proxy ? ` through the proxy ${c.proxy}` : ''} failed (${code ?? e.message}). Check the base URL and your network.`,
  );
}
