// The connection doctor: checks, step by step, everything between this machine and each endpoint, and says what to
// do about the first thing that fails. Shared by `switchboard doctor` and "Switchboard: Check Connection". Reports
// never contain a key (only whether one is set) nor a proxy's credentials.
import { lookup } from 'node:dns/promises';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { modelsFromGateway } from '../catalog/catalog';
import type { Config } from '../config/settings';
import { effectiveGateway, providerEndpoint } from '../config/endpoints';
import { hasErrorCode, isSwitchboardError, type ConfigError } from '../base/errors';
import { useNetwork, type Network, type NetworkConfig } from '../net/proxy';
import { explainNetworkCode, networkError } from '../net/networkErrors';
import { PROXY_STAGE, ProxyRefusedError } from '../net/tunnel';
import { getJson, openChatStream } from '../net/transport';
import type { Endpoint, KeyLookup, ModelInfo } from '../base/types';

export interface DoctorStep {
  /** Which endpoint the step belongs to (`settings` for the first). */
  endpoint: string;
  name: string;
  outcome: 'pass' | 'fail' | 'skip';
  ms: number;
  /** What was found (addresses, issuer, counts, cost). */
  detail: string;
  /** On failure: one line saying what to do. */
  fix?: string;
}

export interface DoctorReport {
  ok: boolean;
  steps: DoctorStep[];
}

export interface DoctorOptions {
  config: Config;
  userSetBaseUrl?: boolean;
  /** Problems found while reading the settings. */
  settingsProblems: readonly ConfigError[];
  keys: KeyLookup;
  network: NetworkConfig;
  /** How the user sets a key here, e.g. `run "Switchboard: Set API Key"` or `set SWITCHBOARD_API_KEY`. */
  howToSetKey: (endpoint: Endpoint) => string;
  /** Send a one-token chat (costs a fraction of a cent). */
  chat: boolean;
  /** The model for the chat; default: the cheapest the endpoint lists. */
  chatModel?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Each step as it finishes (the extension streams them to its output channel). */
  onStep?: (step: DoctorStep) => void;
}

class StepFailure extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

export async function runDoctor(o: DoctorOptions): Promise<DoctorReport> {
  const steps: DoctorStep[] = [];
  const record = (s: DoctorStep) => {
    steps.push(s);
    o.onStep?.(s);
    return s;
  };
  const step = async (endpoint: string, name: string, run: () => Promise<string>): Promise<boolean> => {
    const start = performance.now();
    try {
      const detail = await run();
      record({ endpoint, name, outcome: 'pass', ms: Math.round(performance.now() - start), detail });
      return true;
    } catch (e) {
      const { detail, fix } = describeFailure(e);
      record({ endpoint, name, outcome: 'fail', ms: Math.round(performance.now() - start), detail, fix });
      return false;
    }
  };

  const settingsOk = await step('settings', 'settings valid', async () => {
    if (o.settingsProblems.length)
      throw new StepFailure(o.settingsProblems.map((p) => p.message).join(' '), `Fix ${o.settingsProblems.map((p) => p.setting).join(', ')}.`);
    return 'every switchboard setting is valid';
  });
  let network: Network;
  try {
    network = useNetwork(o.network);
  } catch (e) {
    await step('settings', 'network settings', () => Promise.reject(e));
    return { ok: false, steps };
  }

  const endpoints: Endpoint[] = [effectiveGateway(o.config, o.userSetBaseUrl)];
  for (const name of Object.keys(o.config.providers)) {
    const p = providerEndpoint(o.config, name);
    if (p) endpoints.push(p);
  }
  const timeoutMs = o.timeoutMs ?? 10_000;
  for (const ep of endpoints) {
    if (o.signal?.aborted) break;
    const url = new URL(ep.baseUrl);
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const proxy = network.proxyFor(url);
    const route = network.route(url);
    const target = `${ep.id} (${url.origin})`;
    let key: string | undefined;

    const keyOk = await step(target, 'key present', async () => {
      key = await o.keys(ep.secretName);
      if (key) return 'a key is set (not shown)';
      if (isLoopback(host)) return 'no key set; none needed for a local endpoint';
      throw new StepFailure(`no key for ${ep.id}`, `${o.howToSetKey(ep)}.`);
    });
    const dial = proxy ? new URL(proxy) : url;
    const dialHost = dial.hostname.replace(/^\[|\]$/g, '');
    const dialPort = Number(dial.port || (dial.protocol === 'https:' ? 443 : 80));
    const dnsOk = await step(target, proxy ? `DNS (proxy ${route.proxy})` : 'DNS', async () => {
      if (net.isIP(dialHost)) return `${dialHost} is an address`;
      const addrs = await lookup(dialHost, { all: true });
      return `${dialHost} → ${addrs.map((a) => a.address).join(', ')}${proxy ? ` (${host} is resolved by the proxy)` : ''}`;
    });
    if (!dnsOk) continue;
    const tcpOk = await step(target, proxy ? `TCP to the proxy ${route.proxy}` : 'TCP', () =>
      tcpProbe(dialHost, dialPort, timeoutMs, { host: `${dialHost}:${dialPort}`, proxy: route.proxy }),
    );
    if (!tcpOk) continue;
    let tunnel: net.Socket | undefined;
    if (proxy) {
      const proxyOk = await step(target, 'proxy tunnel (CONNECT, 407)', async () => {
        tunnel = await network
          .tunnelTo(url, timeoutMs)
          .catch((e: Error) => Promise.reject(networkError(e, { endpoint: ep.id, model: '', host: `${host}:${port}`, proxy: route.proxy })));
        return `the proxy opened a tunnel to ${host}:${port}`;
      });
      if (!proxyOk) continue;
    }
    if (url.protocol === 'https:') {
      const extraCas = o.network.caSources?.length ? `; extra CAs from ${o.network.caSources.join(', ')}` : '';
      const unchecked = o.network.strictSSL === false ? ' — certificate checks are OFF (http.proxyStrictSSL: false); prefer switchboard.tls.caFile' : '';
      const tlsOk = await step(
        target,
        'TLS',
        async () => (await tlsProbe({ host, port, socket: tunnel, options: network.tlsOptions(), timeoutMs, proxy: route.proxy })) + extraCas + unchecked,
      );
      if (!tlsOk) continue;
    } else tunnel?.destroy();
    if (!keyOk) continue;

    let models: ModelInfo[] = [];
    let listed = 0;
    const ctrl = () => AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(o.signal ? [o.signal] : [])]);
    const modelsOk = await step(target, 'key accepted, GET /models', async () => {
      const json = await getJson({ url: `${ep.baseUrl}/models`, headers: ep.headers, key, signal: ctrl() }).catch((e: unknown) => {
        if (!hasErrorCode(e, 'auth')) throw e;
        throw new StepFailure(`${ep.id} rejected the key stored as ${ep.secretName} (HTTP ${e.status})`, `${o.howToSetKey(ep)} with a valid key.`);
      });
      models = modelsFromGateway(json);
      listed = Array.isArray((json as { data?: unknown[] })?.data) ? (json as { data: unknown[] }).data.length : models.length;
      return `${listed} models listed`;
    });
    if (!modelsOk) continue;
    if (!o.chat) {
      record({ endpoint: target, name: 'one-token chat', outcome: 'skip', ms: 0, detail: 'skipped (--no-chat)' });
      continue;
    }
    await step(target, 'one-token chat', async () => {
      const model = o.chatModel ?? cheapest(models)?.id;
      if (!model) throw new StepFailure('the endpoint lists no model to try', 'Run again with a model to try (switchboard doctor --model M).');
      const upstreamModel = ep.id === 'gateway' ? model : model.replace(`${ep.id}/`, '');
      let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
      const stream = openChatStream({
        endpoint: ep,
        key,
        upstreamModel,
        model,
        body: { model, messages: [{ role: 'user', content: 'Say OK.' }], max_tokens: 1 },
        signal: ctrl(),
        timeouts: { connectMs: timeoutMs, firstTokenMs: timeoutMs },
      });
      for await (const c of stream) if (c.usage) usage = c.usage;
      const info = models.find((m) => m.id === model);
      const cost = usage && info ? usage.prompt_tokens * info.pricing.input + usage.completion_tokens * info.pricing.output : undefined;
      const costNote = cost !== undefined ? `, $${cost.toFixed(6)})` : ')';
      return `${model} answered${usage ? ` (${usage.prompt_tokens}+${usage.completion_tokens} tokens${costNote}` : ''}`;
    });
  }
  return { ok: settingsOk && steps.every((s) => s.outcome !== 'fail'), steps };
}

/** One step as a line (two on failure: the fix after an arrow), for the CLI and the output channel. */
export function formatDoctorStep(s: DoctorStep): string {
  const mark = s.outcome === 'pass' ? 'ok  ' : s.outcome === 'skip' ? 'skip' : 'FAIL';
  const line = `${mark} ${s.endpoint} · ${s.name} (${s.ms} ms): ${s.detail}`;
  return s.fix ? `${line}\n     → ${s.fix}` : line;
}

const isLoopback = (host: string) => /^(localhost|127(?:\.\d{1,3}){3}|::1)$/i.test(host);

function cheapest(models: readonly ModelInfo[]): ModelInfo | undefined {
  const priced = models.filter((m) => m.pricing.input + m.pricing.output > 0);
  return [...(priced.length ? priced : models)].sort((a, b) => a.pricing.input + a.pricing.output - (b.pricing.input + b.pricing.output))[0];
}

/** For answers whose message carries no fix of its own: the connection works, the endpoint said no. */
const FIX_BY_CODE: Partial<Record<string, string>> = {
  unavailable: 'The connection works; the endpoint could not answer this model now: try again later or another model.',
  'rate-limited': 'The connection works; the endpoint is rate-limiting this key: wait a moment and try again.',
  'bad-request': 'The connection works; the endpoint refused the request for this model: try another model.',
  malformed: 'The endpoint did not answer in the OpenAI format: check the base URL points at an OpenAI-compatible /v1.',
};

function describeFailure(e: unknown): { detail: string; fix: string } {
  if (e instanceof StepFailure) return { detail: e.message, fix: e.fix };
  const message = e instanceof Error ? e.message : String(e);
  // Our messages end with the fix as their last sentence(s): split "what happened" from "what to do".
  if (isSwitchboardError(e)) {
    const at = message.search(/\. (?=[A-Z])/);
    return at > 0
      ? { detail: message.slice(0, at + 1), fix: message.slice(at + 2) }
      : { detail: message, fix: FIX_BY_CODE[e.code] ?? 'See the routing log for the attempts.' };
  }
  return { detail: message, fix: 'Check your network and the base URL.' };
}

function tcpProbe(host: string, port: number, timeoutMs: number, where: { host: string; proxy?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      const addr = `${socket.remoteAddress}:${socket.remotePort}`;
      socket.destroy();
      resolve(`connected to ${addr}`);
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
    });
    socket.once('error', (e) => reject(stepError(e, where.host, where.proxy ? { proxy: where.proxy } : {})));
  });
}

function tlsProbe(p: { host: string; port: number; socket?: net.Socket; options: tls.ConnectionOptions; timeoutMs: number; proxy?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const servername = net.isIP(p.host) ? undefined : p.host;
    const socket = tls.connect({ ...p.options, host: p.host, port: p.port, servername, ...(p.socket ? { socket: p.socket } : {}), timeout: p.timeoutMs });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      socket.destroy();
      const issuer = [cert.issuer?.CN, cert.issuer?.O].filter(Boolean).join(', ') || 'unknown issuer';
      const validTo = new Date(cert.valid_to);
      const days = Math.floor((validTo.getTime() - Date.now()) / 86_400_000);
      resolve(`issued by ${issuer}; valid until ${validTo.toISOString().slice(0, 10)} (${days} days); host name ${p.host} matches`);
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
    });
    socket.once('error', (e) => {
      socket.destroy();
      reject(stepError(e, `${p.host}:${p.port}`, {}));
    });
  });
}

/** A probe's socket error in the transport's words (the same table), as a failed step. */
function stepError(e: Error, host: string, c: { proxy?: string }): Error {
  if (c.proxy && !(e instanceof ProxyRefusedError)) Object.assign(e, { [PROXY_STAGE]: true });
  const known = c.proxy ? undefined : explainNetworkCode((e as NodeJS.ErrnoException).code, { host });
  if (known) {
    const at = known.what.search(/\. (?=[A-Z])/);
    return new StepFailure(at > 0 ? known.what.slice(0, at + 1) : known.what, at > 0 ? known.what.slice(at + 2) : 'Check your network.');
  }
  return networkError(e, { endpoint: host, model: '', host, proxy: c.proxy });
}
