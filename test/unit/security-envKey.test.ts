// Issue 21 finding 1 (HIGH): a developer's OPENAI_API_KEY is never sent anywhere but OpenAI's own endpoint, and the
// extension's start-up warm-up (which sends the key to the gateway's /models) waits until the user chose where the
// key goes. The CLI runs for real against a recording upstream on loopback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATEWAY_SECRET, keyFromEnv } from '../../src/core/config/keys';
import { shouldWarmUp } from '../../src/vscode/warmUp';
import { startHostileUpstream, type HostileUpstream } from './support/hostileUpstream';

const OPENAI_KEY = 'sk-proj-developers-own-openai-key-0123456789';
const SWITCHBOARD_KEY = 'sk-switchboard-generic-key-0123456789';

test('OPENAI_API_KEY is the gateway key only for https://api.openai.com; SWITCHBOARD_API_KEY goes to any gateway', () => {
  const onlyOpenAi = { OPENAI_API_KEY: OPENAI_KEY };
  for (const url of [
    'https://api.select.ax/v1',
    'https://openrouter.ai/api/v1',
    'http://localhost:4000/v1',
    'http://api.openai.com/v1',
    'https://api.openai.com.evil.example/v1',
    'not a url',
    '',
  ])
    assert.equal(keyFromEnv(GATEWAY_SECRET, onlyOpenAi, url), undefined, url);
  assert.equal(keyFromEnv(GATEWAY_SECRET, onlyOpenAi, 'https://api.openai.com/v1'), OPENAI_KEY);
  assert.equal(keyFromEnv(GATEWAY_SECRET, onlyOpenAi, 'https://API.OpenAI.com/v1'), OPENAI_KEY);
  const both = { OPENAI_API_KEY: OPENAI_KEY, SWITCHBOARD_API_KEY: SWITCHBOARD_KEY };
  assert.equal(keyFromEnv(GATEWAY_SECRET, both, 'https://api.select.ax/v1'), SWITCHBOARD_KEY);
  assert.equal(keyFromEnv(GATEWAY_SECRET, both, 'https://api.openai.com/v1'), SWITCHBOARD_KEY);
});

describe('the CLI with only OPENAI_API_KEY in the environment', () => {
  let upstream: HostileUpstream;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-envkey-'));
    upstream = await startHostileUpstream((_seen, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'stand-in/model', object: 'model', owned_by: 'x' }] }));
    });
  });
  after(async () => {
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('`switchboard models` against a third-party gateway sends no key (the OpenAI key stays home)', async () => {
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/cli.ts', 'models', '--json', '--base-url', upstream.url, '--usage-file', join(dir, 'usage.jsonl')],
        {
          env: { ...process.env, SWITCHBOARD_API_KEY: '', OPENAI_API_KEY: OPENAI_KEY, XDG_CONFIG_HOME: dir, HTTPS_PROXY: '', HTTP_PROXY: '' },
          timeout: 30_000,
        },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
      ),
    );
    assert.equal(run.code, 0, run.stderr);
    assert.ok(upstream.seen.length > 0, 'the catalog refresh reached the stand-in gateway');
    for (const seen of upstream.seen) assert.equal(seen.authorization, undefined, `${seen.method} ${seen.path} carried a key`);
    assert.ok(!run.stdout.includes(OPENAI_KEY) && !run.stderr.includes(OPENAI_KEY));
  });
});

test('the start-up warm-up waits until a key is stored or the user chose the gateway', async () => {
  const keys = (stored: boolean, any: boolean) => ({ hasStoredGatewayKey: async () => stored, hasGatewayKey: async () => any });
  const chose = (yes: boolean) => ({ userChoseGateway: () => yes });
  assert.equal(await shouldWarmUp(keys(false, true), chose(false)), false, 'a key only in the environment, default gateway: no request');
  assert.equal(await shouldWarmUp(keys(false, false), chose(true)), false, 'a chosen gateway but no key: nothing to warm up');
  assert.equal(await shouldWarmUp(keys(false, true), chose(true)), true, 'a chosen gateway and a key for it');
  assert.equal(await shouldWarmUp(keys(true, true), chose(false)), true, 'a key stored with Set API Key');
});
