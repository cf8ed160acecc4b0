// The real CLI (`ask`, `serve`, `doctor`) through tinyproxy to the simulator over https with a private CA.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSim, type Sim } from '../sim/server';
import { hasTinyproxy, LAN_ADDRESS, makeCerts, NO_LAN_ADDRESS, NO_TINYPROXY, startTinyproxy, type Certs, type Tinyproxy } from './support/network';

const run = promisify(execFile);
const KEY = 'sk-cli-proxy-secret';
const LOGIN = { user: 'bob', password: 'cli-pr0xy-pass' };
let certs: Certs;
let sim: Sim;
let proxy: Tinyproxy;
let dir: string;

const cleanEnv = () => {
  const env: NodeJS.ProcessEnv = { ...process.env, SWITCHBOARD_API_KEY: KEY, OPENAI_API_KEY: '' };
  for (const k of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy', 'NODE_EXTRA_CA_CERTS'])
    delete env[k];
  return env;
};
function configFile(name: string, extra: Record<string, unknown> = {}): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ 'gateway.baseUrl': sim.url, 'gateway.preset': 'custom', model: 'sim/echo', retries: 0, ...extra }));
  return file;
}
async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args, '--usage-file', join(dir, 'usage.jsonl')], { env, timeout: 60_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}
const simLines = () =>
  proxy
    .log()
    .split('\n')
    .filter((l) => l.includes(String(sim.port)));

describe('the CLI behind a proxy with a private CA', { skip: !hasTinyproxy ? NO_TINYPROXY : !LAN_ADDRESS ? NO_LAN_ADDRESS : false }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-proxy-cli-'));
    certs = makeCerts();
    sim = await startSim({ key: KEY, host: LAN_ADDRESS, tls: { key: certs.key, cert: certs.good } });
    proxy = await startTinyproxy(LOGIN);
  });
  after(() => Promise.all([sim?.close(), proxy?.stop()]));

  test('ask: answered through HTTPS_PROXY with a login, the CA from switchboard.tls.caFile; the password is never printed', async () => {
    const env = { ...cleanEnv(), HTTPS_PROXY: proxy.urlWithLogin };
    const r = await cli(['ask', 'hello through the proxy', '--config', configFile('ask.json', { 'tls.caFile': certs.caFile }), '--verbose'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'hello through the proxy');
    assert.ok(simLines().length > 0, 'the proxy carried the request');
    assert.doesNotMatch(r.stdout + r.stderr, new RegExp(LOGIN.password));
  });

  test('ask without the CA: the certificate error and its fix, exit 3', async () => {
    const env = { ...cleanEnv(), https_proxy: proxy.urlWithLogin };
    const r = await cli(['ask', 'hi', '--config', configFile('noca.json')], env);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /signed by a CA this machine does not trust/);
    assert.match(r.stderr, /NODE_EXTRA_CA_CERTS/);
    assert.doesNotMatch(r.stderr, new RegExp(`${LOGIN.password}|${KEY}`));
  });

  test('ask with NO_PROXY covering the host: answered, and the proxy sees no request', async () => {
    const before = simLines().length;
    const env = { ...cleanEnv(), HTTPS_PROXY: proxy.urlWithLogin, no_proxy: `localhost,${LAN_ADDRESS}`, NODE_EXTRA_CA_CERTS: certs.caFile };
    const r = await cli(['ask', 'direct', '--config', configFile('direct.json')], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'direct');
    assert.equal(simLines().length, before);
  });

  test('serve: a client of the local gateway is answered through the proxy', async () => {
    const before = simLines().length;
    const gw = await serve(configFile('serve.json', { 'tls.caFile': certs.caFile }));
    try {
      const res = await chat(gw);
      assert.equal(res.status, 200);
      assert.equal(res.body.choices?.[0].message.content, 'served via proxy');
      // The first tunnel (the catalog's /models at start-up) is kept alive and carries the chat too.
      assert.ok(simLines().length > before, 'the proxy carried the requests');
    } finally {
      await gw.stop();
    }
    assert.equal(gw.exitCode(), 0);
    assert.doesNotMatch(gw.stderr(), new RegExp(LOGIN.password));
  });

  test('serve without the CA: the client gets the certificate error and its fix', async () => {
    const gw = await serve(configFile('serve-noca.json'));
    try {
      const res = await chat(gw);
      assert.equal(res.status, 502);
      assert.match(res.body.error?.message ?? '', /signed by a CA this machine does not trust.*switchboard\.tls\.caFile/s);
      assert.doesNotMatch(JSON.stringify(res.body), new RegExp(`${LOGIN.password}|${KEY}`));
    } finally {
      await gw.stop();
    }
  });
});

interface Served {
  url: string;
  token: string;
  stderr(): string;
  exitCode(): number | null;
  stop(): Promise<void>;
}

async function serve(config: string): Promise<Served> {
  const token = 'sb-local-' + 'x'.repeat(40);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--token', token, '--config', config, '--usage-file', join(dir, 'serve.jsonl')],
    {
      env: { ...cleanEnv(), HTTPS_PROXY: proxy.urlWithLogin },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let errText = '';
  let code: number | null = null;
  const exited = new Promise<void>((resolve) => child.on('exit', (c) => ((code = c), resolve())));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (errText += s));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out);
      if (m) resolve(m[1]);
    });
    void exited.then(() => reject(new Error(`serve exited (${code}): ${errText}`)));
  }).catch(async (e: unknown) => {
    await stop();
    throw e;
  });
  return { url, token, stderr: () => errText, exitCode: () => code, stop };
}

async function chat(gw: Served): Promise<{ status: number; body: { choices?: { message: { content: string } }[]; error?: { message: string } } }> {
  const res = await fetch(`${gw.url}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'sim/echo', messages: [{ role: 'user', content: 'served via proxy' }] }),
  });
  return { status: res.status, body: (await res.json()) as { choices?: { message: { content: string } }[]; error?: { message: string } } };
}
