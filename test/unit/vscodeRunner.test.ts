// `npm run test:vscode` (test/vscode/run.ts) where VS Code cannot be downloaded, as on a machine with no internet:
// it stops at once with ONE line saying why and how to use a local VS Code instead, exits non-zero, and prints no
// stack trace. The download fails for sure and fast: @vscode/test-electron honours npm's proxy setting, pointed here
// at a closed local port, and an empty cache folder leaves it no earlier download to fall back on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/freePort';

interface RunnerRun {
  code: number;
  stdout: string;
  stderr: string;
}

const RUNNER_ENV = ['SWITCHBOARD_VSCODE_EXECUTABLE', 'SWITCHBOARD_VSCODE_VERSION', 'SWITCHBOARD_VSCODE_CACHE'];

function runner(env: NodeJS.ProcessEnv): Promise<RunnerRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !RUNNER_ENV.includes(name)));
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'test/vscode/run.ts'], { env: { ...base, ...env }, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

function assertOneLineStop(run: RunnerRun): string {
  assert.notEqual(run.code, 0, 'exits non-zero');
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr}`);
  assert.doesNotMatch(run.stdout + run.stderr, /^\s+at /m, 'no stack trace');
  assert.equal(run.stdout.trim(), '', 'nothing else is printed');
  return lines[0];
}

describe('npm run test:vscode without VS Code', () => {
  let cache: string;
  before(() => {
    cache = mkdtempSync(join(tmpdir(), 'switchboard-vscode-cache-'));
  });
  after(() => rmSync(cache, { recursive: true, force: true }));

  test('when VS Code cannot be downloaded it says why and how to use a local VS Code, in one line', async () => {
    // A free port is one nothing listens on: connecting to it is refused at once.
    const proxy = `http://127.0.0.1:${await freePort()}`;
    const run = await runner({ npm_config_proxy: proxy, npm_config_https_proxy: proxy, SWITCHBOARD_VSCODE_CACHE: cache });
    const line = assertOneLineStop(run);
    assert.match(line, /cannot download VS Code stable \(.*ECONNREFUSED.*\)/, 'says what failed');
    assert.match(line, /SWITCHBOARD_VSCODE_EXECUTABLE=\/path\/to\/code npm run test:vscode/, 'says how to use a local VS Code');
  });

  test('a SWITCHBOARD_VSCODE_EXECUTABLE that does not exist is named, in one line', async () => {
    const missing = join(cache, 'no-such-code');
    const line = assertOneLineStop(await runner({ SWITCHBOARD_VSCODE_EXECUTABLE: missing }));
    assert.match(line, new RegExp(`SWITCHBOARD_VSCODE_EXECUTABLE is ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, which does not exist`));
  });
});
