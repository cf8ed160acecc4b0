// claude-code-router (@musistudio/claude-code-router 2.0.0, the peer Claude Code users route with) as a local process,
// for benchmarks: its config in a throw-away HOME, one OpenAI-compatible provider, `ccr start` in the foreground.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(__dirname, '../../node_modules/@musistudio/claude-code-router/dist/cli.js');

export interface RouterProcess {
  /** `http://127.0.0.1:PORT` (Anthropic's base URL form: no /v1). */
  url: string;
  apiKey: string;
  pid: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts claude-code-router with every request routed to `model` at the OpenAI-compatible `upstream` (…/v1). */
export async function startClaudeCodeRouter(opts: { upstream: string; upstreamKey: string; model: string; readyTimeoutMs?: number }): Promise<RouterProcess> {
  const port = await freePort();
  const home = mkdtempSync(join(tmpdir(), 'sb-ccr-'));
  const apiKey = 'ccr-local-key';
  mkdirSync(join(home, '.claude-code-router'));
  writeFileSync(
    join(home, '.claude-code-router', 'config.json'),
    JSON.stringify({
      PORT: port,
      HOST: '127.0.0.1',
      APIKEY: apiKey,
      LOG: false,
      Providers: [{ name: 'upstream', api_base_url: `${opts.upstream}/chat/completions`, api_key: opts.upstreamKey, models: [opts.model] }],
      Router: { default: `upstream,${opts.model}` },
    }),
  );
  const child = spawn(process.execPath, [CLI, 'start'], { env: { ...process.env, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out = (out + s).slice(-20_000)));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (out = (out + s).slice(-20_000)));
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );
  const stop = async () => {
    if (exitCode === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(home, { recursive: true, force: true });
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (exitCode !== undefined) throw new Error(`claude-code-router exited (${exitCode}) before it was ready:\n${out}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`claude-code-router did not answer on 127.0.0.1:${port}:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://127.0.0.1:${port}`, apiKey, pid: child.pid ?? 0, stop };
}
