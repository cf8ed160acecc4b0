// The connection doctor against real components: the https simulator with a private CA, tinyproxy with a login.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSim, type Sim } from '../sim/server';
import { runDoctor, type DoctorOptions, type DoctorReport } from '../../src/core/doctor/doctor';
import { parseConfig } from '../../src/core/config/settings';
import { useNetwork, type NetworkConfig } from '../../src/core/net/proxy';
import { freePort, hasTinyproxy, LAN_ADDRESS, makeCerts, NO_LAN_ADDRESS, NO_TINYPROXY, startTinyproxy, type Certs, type Tinyproxy } from './support/network';

const KEY = 'sk-doctor-secret-key';
const LOGIN = { user: 'carol', password: 'doct0r-pass' };
let certs: Certs;
let sim: Sim;

const doctor = (network: NetworkConfig, extra: Partial<DoctorOptions> = {}): Promise<DoctorReport> =>
  runDoctor({
    config: parseConfig({ 'gateway.baseUrl': sim.url, 'gateway.preset': 'custom' }).config,
    settingsProblems: [],
    keys: async () => KEY,
    network,
    howToSetKey: () => 'run "Switchboard: Set API Key"',
    chat: true,
    chatModel: 'sim/echo',
    timeoutMs: 5000,
    ...extra,
  });
const failed = (r: DoctorReport) => r.steps.find((s) => s.outcome === 'fail');
const names = (r: DoctorReport) => r.steps.map((s) => `${s.name}:${s.outcome}`);

before(async () => {
  certs = makeCerts();
  sim = await startSim({ key: KEY, tls: { key: certs.key, cert: certs.good } });
});
after(async () => {
  useNetwork({});
  await sim.close();
});

describe('doctor, direct', () => {
  test('every step passes with the CA; the report never holds the key', async () => {
    const r = await doctor({ ca: [certs.ca] });
    assert.deepEqual(names(r), [
      'settings valid:pass',
      'key present:pass',
      'DNS:pass',
      'TCP:pass',
      'TLS:pass',
      'key accepted, GET /models:pass',
      'one-token chat:pass',
    ]);
    assert.equal(r.ok, true);
    assert.match(
      r.steps.find((s) => s.name === 'TLS')!.detail,
      /issued by Switchboard Test CA, Switchboard Tests; valid until \d{4}-\d\d-\d\d \(\d+ days\); host name 127\.0\.0\.1 matches/,
    );
    assert.match(r.steps.find((s) => s.name.startsWith('key accepted'))!.detail, /^\d+ models listed$/);
    assert.match(r.steps.at(-1)!.detail, /sim\/echo answered \(\d+\+\d+ tokens, \$\d\.\d{6}\)/);
    assert.doesNotMatch(JSON.stringify(r), new RegExp(KEY));
  });

  test('each direct provider gets the same steps', async () => {
    const config = parseConfig({ 'gateway.baseUrl': sim.url, 'gateway.preset': 'custom', providers: { acme: { baseUrl: sim.url } } }).config;
    const r = await doctor({ ca: [certs.ca] }, { config, chatModel: undefined, chat: false });
    const acme = r.steps.filter((s) => s.endpoint.startsWith('acme ('));
    assert.deepEqual(
      acme.map((s) => `${s.name}:${s.outcome}`),
      ['key present:pass', 'DNS:pass', 'TCP:pass', 'TLS:pass', 'key accepted, GET /models:pass', 'one-token chat:skip'],
    );
  });

  test('without the CA: TLS fails and names NODE_EXTRA_CA_CERTS / switchboard.tls.caFile', async () => {
    const r = await doctor({});
    assert.equal(r.ok, false);
    assert.equal(failed(r)?.name, 'TLS');
    assert.match(failed(r)!.fix!, /switchboard\.tls\.caFile.*NODE_EXTRA_CA_CERTS/);
  });

  test('a wrong key: which key and how to set it', async () => {
    const r = await doctor({ ca: [certs.ca] }, { keys: async () => 'sk-wrong' });
    assert.equal(failed(r)?.name, 'key accepted, GET /models');
    assert.match(failed(r)!.detail, /gateway rejected the key stored as switchboard\.apiKey \(HTTP 401\)/);
    assert.match(failed(r)!.fix!, /Set API Key/);
  });

  test('no key, nothing listening, --no-chat', async () => {
    const noKey = await doctor({ ca: [certs.ca] }, { keys: async () => undefined });
    assert.match(noKey.steps[1].detail, /none needed for a local endpoint/);
    const noChat = await doctor({ ca: [certs.ca] }, { chat: false });
    assert.equal(noChat.ok, true);
    assert.equal(noChat.steps.at(-1)!.outcome, 'skip');
    const port = await freePort();
    const refused = await doctor({}, { config: parseConfig({ 'gateway.baseUrl': `https://127.0.0.1:${port}/v1`, 'gateway.preset': 'custom' }).config });
    assert.equal(failed(refused)?.name, 'TCP');
    assert.match(failed(refused)!.detail, /refused the connection \(ECONNREFUSED\)/);
    assert.match(failed(refused)!.fix!, /base URL/);
  });
});

describe('doctor through a proxy', { skip: !hasTinyproxy ? NO_TINYPROXY : !LAN_ADDRESS ? NO_LAN_ADDRESS : false }, () => {
  let proxy: Tinyproxy;
  let lan: Sim;
  // The upstream on the LAN address: loopback always goes direct, never through a proxy.
  const viaProxy = (network: NetworkConfig) => doctor(network, { config: parseConfig({ 'gateway.baseUrl': lan.url, 'gateway.preset': 'custom' }).config });
  before(async () => {
    proxy = await startTinyproxy(LOGIN);
    lan = await startSim({ key: KEY, host: LAN_ADDRESS, tls: { key: certs.key, cert: certs.good } });
  });
  after(() => Promise.all([proxy.stop(), lan.close()]));

  test('the proxy login missing: the tunnel step fails with what to do; with it every step passes', async () => {
    const r = await viaProxy({ proxy: proxy.url, ca: [certs.ca] });
    assert.deepEqual(names(r).slice(2, 5), [
      'DNS (proxy http://127.0.0.1:' + proxy.port + '):pass',
      `TCP to the proxy http://127.0.0.1:${proxy.port}:pass`,
      'proxy tunnel (CONNECT, 407):fail',
    ]);
    assert.match(failed(r)!.fix!, /user:password/);
    const ok = await viaProxy({ proxy: proxy.urlWithLogin, ca: [certs.ca] });
    assert.equal(ok.ok, true, JSON.stringify(ok.steps, null, 1));
    assert.doesNotMatch(JSON.stringify(ok), new RegExp(LOGIN.password));
  });
});

describe('switchboard doctor (the real CLI)', () => {
  test('--json --no-chat: exit 0 when every step passes, 1 when one fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-doctor-'));
    const cfg = join(dir, 'c.json');
    writeFileSync(cfg, JSON.stringify({ 'gateway.baseUrl': sim.url, 'gateway.preset': 'custom', 'tls.caFile': certs.caFile }));
    const env = { ...process.env, SWITCHBOARD_API_KEY: KEY, OPENAI_API_KEY: '', HTTPS_PROXY: '', https_proxy: '' };
    const run = promisify(execFile);
    const good = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'doctor', '--json', '--no-chat', '--config', cfg], { env });
    const report = JSON.parse(good.stdout) as DoctorReport;
    assert.equal(report.ok, true);
    assert.equal(report.steps.at(-1)!.outcome, 'skip');
    writeFileSync(cfg, JSON.stringify({ 'gateway.baseUrl': sim.url, 'gateway.preset': 'custom' }));
    const bad = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'doctor', '--no-chat', '--config', cfg], { env }).then(
      () => assert.fail('expected exit 1'),
      (e: { code: number; stdout: string }) => e,
    );
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /FAIL gateway \(https:\/\/127\.0\.0\.1:\d+\) · TLS/);
    assert.match(bad.stdout, /→ .*switchboard\.tls\.caFile/);
    assert.doesNotMatch(bad.stdout, new RegExp(KEY));
  });
});
