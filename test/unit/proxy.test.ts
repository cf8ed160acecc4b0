// The transport through a real forward proxy (tinyproxy) to the simulator over https with a CA made by openssl.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, type Sim } from '../sim/server';
import { openChatStream, getJson } from '../../src/core/net/transport';
import { bypassesProxy, networkFromEnv, useNetwork, type NetworkConfig } from '../../src/core/net/proxy';
import { hasErrorCode } from '../../src/core/base/errors';
import type { Endpoint } from '../../src/core/base/types';
import { freePort, hasTinyproxy, LAN_ADDRESS, makeCerts, NO_LAN_ADDRESS, NO_TINYPROXY, startTinyproxy, type Certs, type Tinyproxy } from './support/network';

const KEY = 'sk-proxy-test-secret';
const LOGIN = { user: 'alice', password: 'pr0xy-s3cret' };
let certs: Certs;
let sim: Sim;
let open: Tinyproxy;
let locked: Tinyproxy;
let endpoint: Endpoint;

async function ask(network: NetworkConfig, model = 'sim/echo'): Promise<{ text: string; error?: Error }> {
  useNetwork(network);
  let text = '';
  try {
    for await (const c of openChatStream({
      endpoint,
      key: KEY,
      upstreamModel: model,
      body: { model, messages: [{ role: 'user', content: 'through the proxy' }] },
    }))
      text += c.choices[0]?.delta?.content ?? '';
    return { text };
  } catch (e) {
    return { text, error: e as Error };
  }
}
const connects = (p: Tinyproxy) =>
  p
    .log()
    .split('\n')
    .filter((l) => l.includes(`${LAN_ADDRESS}:${sim.port}`) && /CONNECT|opensock/.test(l));

describe('through a forward proxy', { skip: !hasTinyproxy ? NO_TINYPROXY : !LAN_ADDRESS ? NO_LAN_ADDRESS : false }, () => {
  before(async () => {
    certs = makeCerts();
    sim = await startSim({ key: KEY, host: LAN_ADDRESS, tls: { key: certs.key, cert: certs.good } });
    endpoint = { id: 'gateway', baseUrl: sim.url, headers: {}, secretName: 'switchboard.apiKey' };
    [open, locked] = await Promise.all([startTinyproxy(), startTinyproxy(LOGIN)]);
  });
  after(async () => {
    useNetwork({});
    await Promise.all([sim?.close(), open?.stop(), locked?.stop()]);
  });
  afterEach(() => useNetwork({}));

  test('an https upstream is reached through a CONNECT tunnel, and the tunnel is kept alive between requests', async () => {
    const network = { proxy: open.url, ca: [certs.ca] };
    assert.deepEqual(await ask(network), { text: 'through the proxy' });
    assert.deepEqual(await ask(network), { text: 'through the proxy' });
    const json = (await getJson({ url: `${sim.url}/models`, key: KEY })) as { data: unknown[] };
    assert.ok(json.data.length > 0);
    const tunnels = open
      .log()
      .split('\n')
      .filter(
        (l) =>
          (l.includes(`Established connection to host "${LAN_ADDRESS}"`) || l.includes(`opening connection to ${LAN_ADDRESS}`)) && l.includes(String(sim.port)),
      );
    assert.equal(tunnels.length, 1, `one tunnel for three requests; proxy log:\n${open.log()}`);
  });

  test('a proxy that requires a login: 407 says so (never the password); credentials in the proxy URL get through', async () => {
    const refused = await ask({ proxy: locked.url, ca: [certs.ca] });
    assert.ok(hasErrorCode(refused.error, 'connection'), String(refused.error));
    assert.match(refused.error!.message, /the proxy http:\/\/127\.0\.0\.1:\d+ requires a login \(HTTP 40[17]\)/);
    assert.match(refused.error!.message, /user:password/);
    assert.equal(refused.error && hasErrorCode(refused.error, 'connection') && refused.error.retryable, false);
    const wrong = await ask({ proxy: `http://${LOGIN.user}:not-it@127.0.0.1:${locked.port}`, ca: [certs.ca] });
    assert.match(wrong.error!.message, /requires a login/);
    assert.doesNotMatch(wrong.error!.message, /not-it/);
    assert.deepEqual(await ask({ proxy: locked.urlWithLogin, ca: [certs.ca] }), { text: 'through the proxy' });
  });

  test('http.proxyAuthorization is sent to the proxy', async () => {
    const header = 'Basic ' + Buffer.from(`${LOGIN.user}:${LOGIN.password}`).toString('base64');
    assert.deepEqual(await ask({ proxy: locked.url, proxyAuthorization: header, ca: [certs.ca] }), { text: 'through the proxy' });
  });

  test('a proxy that is not there: the message names the proxy, not the upstream', async () => {
    const port = await freePort();
    const { error } = await ask({ proxy: `http://user:hidden@127.0.0.1:${port}`, ca: [certs.ca] });
    assert.match(error!.message, new RegExp(`the proxy http://127\\.0\\.0\\.1:${port} refused the connection \\(ECONNREFUSED\\)`));
    assert.match(error!.message, /HTTPS_PROXY/);
    assert.doesNotMatch(error!.message, /hidden/);
  });

  test('a loopback gateway (localhost, 127.0.0.1) is always reached directly: the proxy never sees it or its key (finding 2)', async () => {
    const local = await startSim({ key: KEY });
    try {
      const before = open.log().length;
      for (const host of ['localhost', '127.0.0.1']) {
        endpoint = { id: 'gateway', baseUrl: local.url.replace('127.0.0.1', host), headers: {}, secretName: 'switchboard.apiKey' };
        assert.deepEqual(await ask({ proxy: open.url, noProxy: [] }), { text: 'through the proxy' }, host);
      }
      assert.equal(open.log().slice(before).includes(String(local.port)), false, 'the proxy log names the loopback gateway');
    } finally {
      endpoint = { id: 'gateway', baseUrl: sim.url, headers: {}, secretName: 'switchboard.apiKey' };
      await local.close();
    }
  });

  test('NO_PROXY covering the host: the request goes direct and the proxy sees nothing', async () => {
    const before = connects(open).length;
    assert.deepEqual(await ask({ proxy: open.url, noProxy: [LAN_ADDRESS!], ca: [certs.ca] }), { text: 'through the proxy' });
    assert.equal(connects(open).length, before);
  });

  test('without the CA the certificate error names the fix; through the proxy too', async () => {
    for (const network of [{}, { proxy: open.url }]) {
      const { error } = await ask(network);
      assert.ok(hasErrorCode(error, 'connection'), String(error));
      assert.match(error!.message, /signed by a CA this machine does not trust/);
      assert.match(error!.message, /switchboard\.tls\.caFile/);
      assert.match(error!.message, /NODE_EXTRA_CA_CERTS/);
      assert.equal(hasErrorCode(error, 'connection') && error.retryable, false);
      assert.doesNotMatch(error!.message, new RegExp(KEY));
    }
  });
});

describe('certificates', () => {
  let bad: Sim[] = [];
  before(() => {
    certs ??= makeCerts();
  });
  after(async () => {
    useNetwork({});
    await Promise.all(bad.map((s) => s.close()));
    bad = [];
  });

  const upstream = async (cert: string) => {
    const s = await startSim({ key: KEY, tls: { key: certs.key, cert } });
    bad.push(s);
    endpoint = { id: 'gateway', baseUrl: s.url, headers: {}, secretName: 'switchboard.apiKey' };
  };

  test('an expired certificate', async () => {
    await upstream(certs.expired);
    const { error } = await ask({ ca: [certs.ca] });
    assert.match(error!.message, /has expired \(CERT_HAS_EXPIRED\)/);
  });

  test('a certificate for another host', async () => {
    await upstream(certs.wrongHost);
    const { error } = await ask({ ca: [certs.ca] });
    assert.match(error!.message, /for another host name \(ERR_TLS_CERT_ALTNAME_INVALID\)/);
  });

  test('the CA from a file (NODE_EXTRA_CA_CERTS or switchboard.tls.caFile) is trusted in addition to the roots', async () => {
    await upstream(certs.good);
    for (const network of [networkFromEnv({ NODE_EXTRA_CA_CERTS: certs.caFile }), networkFromEnv({}, certs.caFile)]) {
      assert.deepEqual(await ask(network), { text: 'through the proxy' });
    }
    assert.throws(() => networkFromEnv({}, `${certs.dir}/missing.pem`), /switchboard\.tls\.caFile names .*missing\.pem, which cannot be read \(ENOENT\)/);
  });
});

describe('proxy settings from the environment', () => {
  test('either case; https_proxy first; NO_PROXY split on commas', () => {
    assert.equal(networkFromEnv({ https_proxy: 'http://a:1', HTTP_PROXY: 'http://b:2' }).proxy, 'http://a:1');
    assert.equal(networkFromEnv({ HTTPS_PROXY: 'http://c:3' }).proxy, 'http://c:3');
    assert.equal(networkFromEnv({ http_proxy: 'http://d:4' }).proxy, 'http://d:4');
    assert.deepEqual(networkFromEnv({ no_proxy: 'localhost, .corp.example ,10.0.0.0/8' }).noProxy, ['localhost', '.corp.example', '10.0.0.0/8']);
    assert.deepEqual(networkFromEnv({ NO_PROXY: 'x' }).noProxy, ['x']);
  });

  test('an unusable proxy URL is refused up front, naming where it comes from and never its password', () => {
    assert.throws(
      () => useNetwork({ proxy: 'socks5://u:hunter2@127.0.0.1:1080' }),
      (e: Error) => /\(http\.proxy in VS Code, HTTPS_PROXY for the CLI\) uses socks5:/.test(e.message) && !e.message.includes('hunter2'),
    );
    assert.throws(() => useNetwork({ proxy: 'proxy.corp:3128' }), /proxy\.corp:3128 .* must start with http:\/\//);
  });

  test('NO_PROXY matching: host, suffix, host:port, *, IP and CIDR', () => {
    const np = ['.corp.example', 'api.direct.example:8443', '10.0.0.0/8', '::1', 'localhost'];
    assert.equal(bypassesProxy('git.corp.example', '443', np), true);
    assert.equal(bypassesProxy('corp.example', '443', np), true);
    assert.equal(bypassesProxy('notcorp.example', '443', np), false);
    assert.equal(bypassesProxy('api.direct.example', '8443', np), true);
    assert.equal(bypassesProxy('api.direct.example', '443', np), false);
    assert.equal(bypassesProxy('10.2.3.4', '443', np), true);
    assert.equal(bypassesProxy('11.2.3.4', '443', np), false);
    assert.equal(bypassesProxy('[::1]', '443', np), true);
    assert.equal(bypassesProxy('LOCALHOST', '80', np), true);
    assert.equal(bypassesProxy('anything', '1', ['*']), true);
    // localhost and the loopback addresses are one host (finding 2): NO_PROXY=127.0.0.1 covers localhost, and back.
    assert.equal(bypassesProxy('localhost', '4000', ['127.0.0.1']), true);
    assert.equal(bypassesProxy('127.0.0.1', '4000', ['localhost']), true);
    assert.equal(bypassesProxy('[::1]', '4000', ['127.0.0.1:4000']), true);
    assert.equal(bypassesProxy('localhost.evil.example', '443', ['127.0.0.1']), false);
  });
});
