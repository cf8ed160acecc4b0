// Starts the real @portkey-ai/gateway (a dev dependency) on loopback for tests and benchmarks, waits until it
// answers, and stops it again. See ../shared/tools/README.md § "Portkey gateway as a local peer".
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface PortkeyProcess {
  /** `http://127.0.0.1:PORT/v1` */
  url: string;
  port: number;
  pid: number;
  /** Everything it printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

const START_SCRIPT = join(__dirname, '..', '..', 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');

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

export async function startPortkey(opts: { readyTimeoutMs?: number } = {}): Promise<PortkeyProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [START_SCRIPT, `--port=${port}`, '--headless'], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    if (exitCode !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (exitCode !== undefined) throw new Error(`Portkey exited (${exitCode}) before it was ready:\n${out}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Portkey did not answer on 127.0.0.1:${port} within ${opts.readyTimeoutMs ?? 30_000} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://127.0.0.1:${port}/v1`, port, pid: child.pid ?? 0, output: () => out, stop };
}
