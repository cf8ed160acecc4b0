// The real CLI (`ask`, `serve`, `doctor`) through tinyproxy to the simulator over https with a private CA.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSim, type Sim } from '../sim/server';
import { hasTinyproxy, makeCerts, NO_TINYPROXY, startTinyproxy, type Certs, type Tinyproxy } from './support/network';

const run = promisify(execFile);
const KEY = 'sk-cli-proxy-secret';
const LOGIN = { user: 'bob', password: 'cli-pr0xy-pass' };
let certs: Certs;
let sim: Sim;
let proxy: Tinyproxy;
let dir: string;

const cleanEnv = () => {
  const env: NodeJS.ProcessEnv = { ...process.env, SWITCHBOARD_API_KEY: KEY, OPENAI_API_KEY: '' };
  for (const k of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy', 'NODE_EXTRA_CA_CERTS']) delete env[k];
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
const simLines = () => proxy.log().split('\n').filter((l) => l.includes(String(sim.port)));

describe('the CLI behind a proxy with a private CA', { skip: hasTinyproxy ? false : NO_TINYPROXY }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-proxy-cli-'));
    certs = makeCerts();
    sim = await startSim({ key: KEY, tls: { key: certs.key, cert: certs.good } });
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
    const env = { ...cleanEnv(), HTTPS_PROXY: proxy.urlWithLogin, no_proxy: 'localhost,127.0.0.1', NODE_EXTRA_CA_CERTS: certs.caFile };
    const r = await cli(['ask', 'direct', '--config', configFile('direct.json')], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'direct');
    assert.equal(simLines().length, before);
  });

  test('serve: a client of the local gateway is answered through the proxy', async () => {
    const token = 'sb-local-' + 'x'.repeat(40);
    const before = simLines().length;
    const env = { ...cleanEnv(), HTTPS_PROXY: proxy.urlWithLogin };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--token', token, '--config', configFile('serve.json', { 'tls.caFile': certs.caFile }), '--usage-file', join(dir, 'serve.jsonl')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let errText = '';
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (s: string) => {
          out += s;
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.stderr.setEncoding('utf8').on('data', (s: string) => (errText += s));
        void exited.then((code) => reject(new Error(`serve exited (${code}): ${errText}`)));
      });
      const res = await fetch(`${url}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'sim/echo', messages: [{ role: 'user', content: 'served via proxy' }] }),
      });
      const body = (await res.json()) as { choices: { message: { content: string } }[] };
      assert.equal(res.status, 200);
      assert.equal(body.choices[0].message.content, 'served via proxy');
      // The first tunnel (the catalog's /models at start-up) is kept alive and carries the chat too.
      assert.ok(simLines().length > before, 'the proxy carried the requests');
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
    assert.doesNotMatch(errText, new RegExp(LOGIN.password));
  });
});
