// The real Claude Code CLI (@anthropic-ai/claude-code, its native binary) against `switchboard serve` + the simulator:
// the user's own set-up (ANTHROPIC_BASE_URL + ANTHROPIC_AUTH_TOKEN), non-interactive. The simulator, reached through
// `switchboard.agents.models`, tells Claude Code to call a tool; Claude Code really runs it (writes the file, runs the
// command), sends the result back, and the simulator answers with it. One Claude Code run per scenario.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type Sim } from '../sim/server';
import { newLocalToken } from '../../src/gateway/guard';

const CLAUDE = join(__dirname, '../../node_modules/@anthropic-ai/claude-code-linux-x64/claude');
const SIM_KEY = 'sk-sim-claude-code';
/** Claude Code retries failures for minutes; every run is cut off here. */
const RUN_LIMIT_MS = 60_000;

let sim: Sim;
let dir: string;

before(async () => {
  sim = await startSim({ key: SIM_KEY });
  dir = mkdtempSync(join(tmpdir(), 'sb-claude-code-'));
});
after(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const toolModel = (name: string, args: Record<string, unknown>) => `sim/tool?name=${name}&args=${encodeURIComponent(JSON.stringify(args))}`;

interface Served {
  url: string;
  token: string;
  usageFile: string;
  log: () => string;
  stop(): Promise<void>;
}

/** `switchboard serve` as a user starts it, with a --config mapping every Claude Code model to `model`. */
async function serve(name: string, model: string, extra: { settings?: Record<string, unknown>; ledger?: string } = {}): Promise<Served> {
  const cfg = join(dir, `${name}.json`);
  const usageFile = join(dir, `${name}-usage.jsonl`);
  if (extra.ledger) writeFileSync(usageFile, extra.ledger);
  writeFileSync(
    cfg,
    JSON.stringify({
      'gateway.preset': 'custom',
      'gateway.baseUrl': sim.url,
      retries: 0,
      'smartSelect.tiers': { fast: 'sim/echo', balanced: 'sim/echo', strong: 'sim/echo', reasoning: 'sim/echo' },
      // Background calls (haiku: titles, topic checks) get words; every working turn gets the tool call.
      'agents.models': { '*haiku*': 'sim/echo', 'claude-*': model },
      ...extra.settings,
    }),
  );
  const token = newLocalToken();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--config', cfg, '--usage-file', usageFile, '--verbose'], {
    cwd: join(__dirname, '../..'),
    env: { ...process.env, SWITCHBOARD_API_KEY: SIM_KEY, OPENAI_API_KEY: '', SWITCHBOARD_LOCAL_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errText = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (errText += s));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(out);
      if (m) resolve(m[1]);
    });
    void exited.then(() => reject(new Error(`serve exited before listening: ${errText}`)));
  });
  return {
    url,
    token,
    usageFile,
    log: () => errText,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

interface ClaudeResult {
  code: number | null;
  json: { result?: string; is_error?: boolean; num_turns?: number } | undefined;
  stderr: string;
}

/** One non-interactive Claude Code run in `cwd`, with a throw-away HOME, bounded by RUN_LIMIT_MS. */
function runClaude(s: Served, cwd: string, prompt: string): Promise<ClaudeResult> {
  const home = join(cwd, '.home');
  mkdirSync(home, { recursive: true });
  const child: ChildProcess = spawn(
    CLAUDE,
    ['-p', prompt, '--output-format', 'json', '--max-turns', '4', '--allowedTools', 'Write', 'Bash', '--permission-mode', 'acceptEdits'],
    {
      cwd,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        ANTHROPIC_BASE_URL: s.url,
        ANTHROPIC_AUTH_TOKEN: s.token,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_AUTOUPDATER: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (t: string) => (out += t));
  child.stderr?.setEncoding('utf8').on('data', (t: string) => (err += t));
  const limit = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(limit);
      let json: ClaudeResult['json'];
      try {
        json = JSON.parse(out) as ClaudeResult['json'];
      } catch {
        json = undefined;
      }
      resolve({ code, json, stderr: err + out.slice(0, 2000) });
    });
  });
}

const records = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { requested: string; answeredBy: string; client?: string; usage: { promptTokens: number; completionTokens: number } });

describe('Claude Code through switchboard serve', { skip: !existsSync(CLAUDE) && 'the Claude Code binary is not installed' }, () => {
  test('Claude Code writes a file with its Write tool when the routed model calls it, and the turns are in the ledger', async () => {
    const work = join(dir, 'write');
    mkdirSync(work);
    const target = join(work, 'hello.txt');
    const s = await serve('write', toolModel('Write', { file_path: target, content: 'written through switchboard\n' }));
    try {
      const r = await runClaude(s, work, 'Create hello.txt');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json?.is_error, false, r.stderr);
      assert.equal(readFileSync(target, 'utf8'), 'written through switchboard\n');
      // The second turn carried the tool's result; the simulator answered with it.
      assert.match(r.json?.result ?? '', /hello\.txt/);
      assert.match(s.log(), /agent model claude-[\w.-]+ → sim\/tool\?name=Write/);
    } finally {
      await s.stop();
    }
    const rows = records(s.usageFile).filter((x) => x.answeredBy.startsWith('sim/tool?name=Write'));
    assert.ok(rows.length >= 2, `the tool call and the answer after it are recorded: ${rows.length}`);
    assert.ok(
      rows.every((x) => x.usage.promptTokens > 1000),
      'Claude Code sends its whole system prompt and tools',
    );
    assert.ok(
      rows.every((x) => x.client === 'claude-code'),
      'each record names its client',
    );
  });

  test('Claude Code runs a shell command with its Bash tool', async () => {
    const work = join(dir, 'bash');
    mkdirSync(work);
    const marker = join(work, 'ran.txt');
    const s = await serve('bash', toolModel('Bash', { command: `echo bash-ran > ${marker}`, description: 'write a marker' }));
    try {
      const r = await runClaude(s, work, 'Run the command');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json?.is_error, false, r.stderr);
      assert.equal(readFileSync(marker, 'utf8'), 'bash-ran\n');
    } finally {
      await s.stop();
    }
    assert.ok(records(s.usageFile).some((x) => x.answeredBy.startsWith('sim/tool?name=Bash')));
  });

  test('a spent budget with onExceed "block": Claude Code shows the message naming the budget, and nothing is sent upstream', async () => {
    const work = join(dir, 'budget');
    mkdirSync(work);
    const spent = {
      v: 1,
      at: Date.now(),
      requestId: 'earlier',
      requested: 'sim/echo',
      answeredBy: 'sim/echo',
      costSource: 'priced',
      endpoint: 'gateway',
      attempts: 1,
      fallback: false,
      otherAttempts: [],
      usage: { promptTokens: 1, completionTokens: 1, cachedTokens: 0, reasoningTokens: 0, estimated: false },
      costUsd: 5,
      msToFirstToken: 1,
      msTotal: 1,
    };
    const s = await serve('budget', 'sim/echo', { settings: { 'budget.monthlyUsd': 1, 'budget.onExceed': 'block' }, ledger: JSON.stringify(spent) + '\n' });
    sim.reset();
    try {
      const r = await runClaude(s, work, 'hello');
      assert.equal(r.json?.is_error, true, r.stderr);
      assert.match(r.json?.result ?? '', /402 The monthly budget is used up \(\$5\.00 of \$1\.00\).*switchboard\.budget\.monthlyUsd/);
      assert.equal(sim.stats().requests, 0);
    } finally {
      await s.stop();
    }
  });
});
