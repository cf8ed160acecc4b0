// The real Codex CLI (`codex exec`, wire_api = "responses") against the local gateway and the simulator, both
// started here: a tool-call round trip in which Codex really runs its `exec_command` tool, and Codex started by
// `switchboard run`, which hands it the gateway through OPENAI_BASE_URL / OPENAI_API_KEY. Codex runs with a
// throw-away HOME and CODEX_HOME, is spawned asynchronously (this process serves its requests) and is killed at a
// timeout.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sim } from '../sim/server';
import { startGatewayHarness, type GatewayHarness } from './support/gatewayHarness';
import type { Core } from '../../src/core/createCore';
import type { DecisionEvent } from '../../src/core/base/types';
import type { LocalGateway } from '../../src/gateway/server';

const CODEX = join(process.cwd(), 'node_modules', '@openai', 'codex', 'bin', 'codex.js');
const SIM_KEY = 'sk-sim-upstream-secret-for-codex';
const RUN_TIMEOUT_MS = 90_000;
let harness: GatewayHarness;
let sim: Sim;
let core: Core;
let gw: LocalGateway;
let dir: string;
const decisions: DecisionEvent[] = [];

interface Ran {
  code: number | null;
  output: string;
}

/** Runs a command asynchronously with a clean environment, killing it at the timeout. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A fresh HOME with a CODEX_HOME whose config.toml names a provider at `baseUrl` (or one given with `-c`). */
function codexHome(name: string, provider: { model: string; baseUrl: string; envKey: string }): { home: string; codexHome: string } {
  const home = join(dir, name);
  const codexHomeDir = join(home, '.codex');
  mkdirSync(codexHomeDir, { recursive: true });
  writeFileSync(
    join(codexHomeDir, 'config.toml'),
    [
      `model = ${JSON.stringify(provider.model)}`,
      'model_provider = "switchboard"',
      '[model_providers.switchboard]',
      'name = "Switchboard"',
      `base_url = ${JSON.stringify(provider.baseUrl)}`,
      `env_key = ${JSON.stringify(provider.envKey)}`,
      'wire_api = "responses"',
      '',
    ].join('\n'),
  );
  return { home, codexHome: codexHomeDir };
}

const codexArgs = (prompt: string, extra: string[] = []) => [
  CODEX,
  'exec',
  '--skip-git-repo-check',
  '--dangerously-bypass-approvals-and-sandbox',
  ...extra,
  prompt,
];

before(async () => {
  harness = await startGatewayHarness({
    simKey: SIM_KEY,
    dirPrefix: 'sb-codex-',
    settings: (upstream) => ({ 'gateway.preset': 'custom', 'gateway.baseUrl': upstream, retries: 0, 'timeouts.firstTokenMs': 10_000 }),
  });
  ({ sim, core, gw, dir } = harness);
  core.router.onEvent((e) => {
    if (e.type === 'decision') decisions.push(e);
  });
});
after(() => harness.close());

describe('the real Codex CLI through /v1/responses', { timeout: 4 * RUN_TIMEOUT_MS }, () => {
  test('Codex runs the command the model calls for, gets its output back, and the ledger names Codex', async () => {
    const work = join(dir, 'work');
    mkdirSync(work);
    const proof = join(work, 'proof.txt');
    const args = JSON.stringify({ cmd: `echo ran-by-codex > ${proof}` });
    const model = `sim/tool?name=exec_command&args=${encodeURIComponent(args)}`;
    const { home, codexHome: ch } = codexHome('tool', { model, baseUrl: gw.url, envKey: 'SB_LOCAL_TOKEN' });
    const before = core.ledger.records().length;
    const ran = await run(
      process.execPath,
      codexArgs('run the command'),
      { PATH: process.env.PATH, HOME: home, CODEX_HOME: ch, SB_LOCAL_TOKEN: gw.token },
      work,
    );
    assert.equal(ran.code, 0, ran.output.slice(-2000));
    assert.equal(readFileSync(proof, 'utf8').trim(), 'ran-by-codex');
    // The second request carried the tool's output, which sim/tool echoes as the final answer.
    assert.match(ran.output, /Process exited with code 0/);
    await core.flush();
    const records = core.ledger.records().slice(before);
    assert.ok(records.length >= 2, `ledger records: ${records.length}`);
    assert.ok(
      records.every((r) => r.client === 'codex'),
      JSON.stringify(records.map((r) => r.client)),
    );
    // Codex's hosted web_search and its tool namespaces are dropped, with a note, not a failure.
    assert.match(decisions.map((d) => d.notes.join(' ')).join('\n'), /were dropped: .*web_search/);
  });

  test('switchboard run -- codex: Codex finds the gateway through OPENAI_BASE_URL and OPENAI_API_KEY, and never sees the key', async () => {
    const work = join(dir, 'run');
    mkdirSync(work);
    const proof = join(work, 'env.txt');
    // The command Codex runs writes down which Switchboard variables (and whether the key) reached it.
    writeFileSync(
      join(work, 'probe.js'),
      `const e = process.env; require('fs').writeFileSync('env.txt', JSON.stringify({ sb: Object.keys(e).filter((k) => k.startsWith('SWITCHBOARD_')), key: JSON.stringify(e).includes(${JSON.stringify(SIM_KEY)}) }));`,
    );
    const script = `${JSON.stringify(process.execPath)} probe.js`;
    const model = `sim/tool?name=exec_command&args=${encodeURIComponent(JSON.stringify({ cmd: script }))}`;
    // The provider's base_url is a placeholder: `-c` sets it from OPENAI_BASE_URL, which only `run` knows.
    const { home, codexHome: ch } = codexHome('run', { model, baseUrl: 'http://127.0.0.1:9/v1', envKey: 'OPENAI_API_KEY' });
    const cfg = join(dir, 'run-config.json');
    writeFileSync(cfg, JSON.stringify({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url, retries: 0, 'timeouts.firstTokenMs': 10_000 }));
    const usage = join(dir, 'run-usage.jsonl');
    const launcher = join(work, 'codex.sh');
    writeFileSync(
      launcher,
      `cd ${JSON.stringify(work)} && exec ${JSON.stringify(process.execPath)} ${JSON.stringify(CODEX)} exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox ` +
        `-c "model_providers.switchboard.base_url=\\"$OPENAI_BASE_URL\\"" "run the command"\n`,
    );
    const ran = await run(
      process.execPath,
      ['--import', 'tsx', join(process.cwd(), 'src', 'cli.ts'), '--config', cfg, '--usage-file', usage, 'run', '--', 'sh', launcher],
      { PATH: process.env.PATH, HOME: home, CODEX_HOME: ch, SWITCHBOARD_API_KEY: SIM_KEY },
      process.cwd(),
    );
    assert.equal(ran.code, 0, ran.output.slice(-2000));
    assert.ok(existsSync(proof), `Codex did not run the command:\n${ran.output.slice(-2000)}`);
    assert.deepEqual(JSON.parse(readFileSync(proof, 'utf8')), { sb: [], key: false });
    const lines = readFileSync(usage, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { client?: string });
    assert.ok(lines.length >= 2);
    assert.ok(lines.every((l) => l.client === 'codex'));
  });
});
