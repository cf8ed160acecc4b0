// `switchboard run -- COMMAND`: the real CLI, spawned asynchronously with a timeout, with a child that prints what
// it was given. The four agent variables point at a live gateway, the key and every SWITCHBOARD_* variable stay
// out, the exit code comes back, a signal reaches the child, and the gateway is gone once the child has exited.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type Sim } from '../sim/server';
import { childEnv, terminalEnv } from '../../src/gateway/agentEnv';
import { PROVIDER_KEY_ENV_PREFIX } from '../../src/core/config/keys';

const KEY = 'sk-the-users-real-key-0123456789';
const TIMEOUT_MS = 30_000;
let sim: Sim;
let dir: string;
let cfg: string;

before(async () => {
  sim = await startSim({ key: KEY });
  dir = mkdtempSync(join(tmpdir(), 'sb-run-'));
  cfg = join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify({ 'gateway.preset': 'custom', 'gateway.baseUrl': sim.url, model: 'sim/echo', retries: 0 }));
});
after(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Running {
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill: (s: NodeJS.Signals) => void;
}

function switchboardRun(child: string[], env: NodeJS.ProcessEnv = {}): Running {
  const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--config', cfg, '--usage-file', join(dir, 'usage.jsonl'), 'run', '--', ...child], {
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      SWITCHBOARD_API_KEY: KEY,
      SWITCHBOARD_PROVIDER_KEY_DEEPSEEK: 'sk-provider-key',
      SWITCHBOARD_LOCAL_TOKEN: 'x'.repeat(40),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => p.kill('SIGKILL'), TIMEOUT_MS);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr: err });
    }),
  );
  return { stdout: () => out, exited, kill: (s) => p.kill(s) };
}

const PRINT_ENV = `
const e = process.env;
const names = ['ANTHROPIC_BASE_URL', 'ANTHROPIC_AUTH_TOKEN', 'OPENAI_BASE_URL', 'OPENAI_API_KEY'];
fetch(e.OPENAI_BASE_URL + '/chat/completions', {
  method: 'POST',
  headers: { authorization: 'Bearer ' + e.OPENAI_API_KEY, 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'sim/echo', messages: [{ role: 'user', content: 'through run' }] }),
}).then((r) => r.json()).then((answer) => {
  console.log(JSON.stringify({ vars: Object.fromEntries(names.map((n) => [n, e[n]])), switchboard: Object.keys(e).filter((n) => n.startsWith('SWITCHBOARD_')), env: JSON.stringify(e), answer: answer.choices[0].message.content }));
  process.exit(7);
});`;

describe('switchboard run', { timeout: 3 * TIMEOUT_MS }, () => {
  test('the command gets the four variables for a live gateway, never the key, and its exit code comes back', async () => {
    const run = switchboardRun([process.execPath, '-e', PRINT_ENV], { OPENAI_API_BASE: 'https://elsewhere.example/v1', CLAUDE_CODE_USE_BEDROCK: '1' });
    const { code, stderr } = await run.exited;
    assert.equal(code, 7, stderr);
    const seen = JSON.parse(run.stdout()) as { vars: Record<string, string>; switchboard: string[]; env: string; answer: string };
    assert.match(seen.vars.OPENAI_BASE_URL, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.equal(seen.vars.ANTHROPIC_BASE_URL, seen.vars.OPENAI_BASE_URL.replace(/\/v1$/, ''));
    assert.match(seen.vars.OPENAI_API_KEY, /^sb-local-/);
    assert.equal(seen.vars.ANTHROPIC_AUTH_TOKEN, seen.vars.OPENAI_API_KEY);
    assert.deepEqual(seen.switchboard, []);
    assert.ok(!seen.env.includes(KEY) && !seen.env.includes('sk-provider-key'), 'a key reached the command');
    const env = JSON.parse(seen.env) as Record<string, string>;
    assert.equal(env.OPENAI_API_BASE, seen.vars.OPENAI_BASE_URL, 'Aider and LiteLLM read OPENAI_API_BASE');
    assert.equal(env.CLAUDE_CODE_USE_BEDROCK, undefined, 'Claude Code would go to Bedrock, around the gateway');
    // A fresh token, not SWITCHBOARD_LOCAL_TOKEN's.
    assert.notEqual(seen.vars.OPENAI_API_KEY, 'x'.repeat(40));
    assert.equal(seen.answer, 'through run');
    // The gateway stopped with the command.
    await assert.rejects(fetch(`${seen.vars.OPENAI_BASE_URL}/models`));
  });

  test('switchboard usage --json then shows the request under its client (a script without an SDK: curl/other)', async () => {
    const usage = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--usage-file', join(dir, 'usage.jsonl'), 'usage', '--json'], {
      env: { PATH: process.env.PATH, HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    usage.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => usage.kill('SIGKILL'), TIMEOUT_MS);
    const code = await new Promise((resolve) => usage.on('exit', resolve));
    clearTimeout(timer);
    assert.equal(code, 0);
    const summary = JSON.parse(out) as { byClient: { client: string; label: string; requests: number }[] };
    assert.deepEqual(
      summary.byClient.map((c) => [c.client, c.label, c.requests]),
      [['other', 'curl/other', 1]],
    );
  });

  test('a signal sent to switchboard run reaches the command, whose exit code comes back', async () => {
    const waitForSignal = `process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(5); }); console.log('ready'); setInterval(() => {}, 1000);`;
    const run = switchboardRun([process.execPath, '-e', waitForSignal]);
    while (!run.stdout().includes('ready')) await new Promise((r) => setTimeout(r, 20));
    run.kill('SIGTERM');
    const { code } = await run.exited;
    assert.equal(code, 5);
    assert.match(run.stdout(), /got SIGTERM/);
  });

  test('a command that is not there is exit code 127 with a message naming it', async () => {
    const { code, stderr } = await switchboardRun(['no-such-agent-command']).exited;
    assert.equal(code, 127);
    assert.match(stderr, /could not start "no-such-agent-command"/);
  });
});

describe('the environment an agent gets (childEnv)', () => {
  const gw = { url: 'http://127.0.0.1:4321/v1', token: 'sb-local-t' };

  test('no way around the gateway: OPENAI_API_BASE points at it; the Bedrock, Vertex and Foundry switches and base URLs are gone', () => {
    const env = childEnv(
      {
        PATH: '/bin',
        OPENAI_API_BASE: 'https://elsewhere.example/v1',
        CLAUDE_CODE_USE_BEDROCK: '1',
        CLAUDE_CODE_USE_VERTEX: '1',
        CLAUDE_CODE_USE_FOUNDRY: '1',
        ANTHROPIC_BEDROCK_BASE_URL: 'https://bedrock.example',
        ANTHROPIC_VERTEX_BASE_URL: 'https://vertex.example',
      },
      gw,
    );
    assert.deepEqual(env, {
      PATH: '/bin',
      OPENAI_API_BASE: gw.url,
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:4321',
      ANTHROPIC_AUTH_TOKEN: gw.token,
      OPENAI_BASE_URL: gw.url,
      OPENAI_API_KEY: gw.token,
    });
  });

  test('no key: SWITCHBOARD_* (provider keys included) and ANTHROPIC_API_KEY stay out', () => {
    const env = childEnv(
      { [`${PROVIDER_KEY_ENV_PREFIX}DEEPSEEK`]: 'sk-x', SWITCHBOARD_API_KEY: 'sk-y', ANTHROPIC_API_KEY: 'sk-z', OPENAI_API_KEY: 'sk-w' },
      gw,
    );
    assert.ok(PROVIDER_KEY_ENV_PREFIX.startsWith('SWITCHBOARD_'), 'provider keys are covered by the SWITCHBOARD_ prefix');
    assert.ok(!JSON.stringify(env).includes('sk-'), JSON.stringify(env));
  });

  test("Connect Terminal Agents sets the same in VS Code's terminals; what it cannot remove it empties", () => {
    const base = {
      PATH: '/bin',
      ANTHROPIC_API_KEY: 'sk-z',
      CLAUDE_CODE_USE_BEDROCK: '1',
      CLAUDE_CODE_USE_VERTEX: '1',
      OPENAI_API_BASE: 'https://elsewhere.example/v1',
    };
    const terminal = { ...base, ...terminalEnv(gw) };
    const child = childEnv(base, gw);
    for (const [name, value] of Object.entries(terminal)) assert.equal(value || undefined, child[name], `${name} as in a child of switchboard run`);
    for (const name of Object.keys(child)) assert.equal(terminal[name as keyof typeof terminal], child[name], name);
  });
});
