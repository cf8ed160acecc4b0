// claude-code-router (@musistudio/claude-code-router 2.0.0, the peer Claude Code users route with) as a local process,
// for benchmarks: its config in a throw-away HOME, one OpenAI-compatible provider, `ccr start` in the foreground.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './freePort';
import { startPeerProcess } from './peerProcess';

const CLI = join(__dirname, '../../node_modules/@musistudio/claude-code-router/dist/cli.js');

export interface RouterProcess {
  /** `http://127.0.0.1:PORT` (Anthropic's base URL form: no /v1). */
  url: string;
  apiKey: string;
  pid: number;
  stop(): Promise<void>;
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
  try {
    const peer = await startPeerProcess({
      name: 'claude-code-router',
      args: [CLI, 'start'],
      env: { ...process.env, HOME: home },
      port,
      readyTimeoutMs: opts.readyTimeoutMs,
    });
    const stop = async () => {
      await peer.stop();
      rmSync(home, { recursive: true, force: true });
    };
    return { url: `http://127.0.0.1:${port}`, apiKey, pid: peer.pid, stop };
  } catch (e) {
    rmSync(home, { recursive: true, force: true });
    throw e;
  }
}
