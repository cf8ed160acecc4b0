// A peer server (Portkey, claude-code-router) as its own node process on a loopback port: started, awaited until it answers GET /, and stopped (SIGTERM, SIGKILL after 3 s).
import { spawn } from 'node:child_process';

export interface PeerProcess {
  pid: number;
  /** The last 20,000 characters it printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface PeerProcessOptions {
  /** Its name in error messages. */
  name: string;
  /** Node's arguments: the script and its own. */
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** The loopback port it was told to listen on. */
  port: number;
  readyTimeoutMs?: number;
  /** Whether an answer to GET / means it is ready; by default any answer does. */
  ready?: (answer: Response) => boolean;
}

export async function startPeerProcess(opts: PeerProcessOptions): Promise<PeerProcess> {
  const child = spawn(process.execPath, opts.args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
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
  const readyTimeoutMs = opts.readyTimeoutMs ?? 30_000;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`${opts.name} exited (${exitCode}) before it was ready:\n${out}`);
    try {
      const r = await fetch(`http://127.0.0.1:${opts.port}/`, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      if (opts.ready?.(r) ?? true) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${opts.name} did not answer on 127.0.0.1:${opts.port} within ${readyTimeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { pid: child.pid ?? 0, output: () => out, stop };
}
