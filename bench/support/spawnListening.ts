// A benchmark's server as its own process: `node [--import tsx] <args>` from the repository root, awaited until it prints `listening on URL`.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface Proc {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Spawns `node [--import tsx] <args>` (tsx only for .ts entry points) and waits for its `listening on URL` line. */
export async function spawnListening(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Proc> {
  const nodeArgs = args[0].endsWith('.ts') ? ['--import', 'tsx', ...args] : args;
  const child: ChildProcess = spawn(process.execPath, nodeArgs, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (out += s));
    void exited.then((code) => reject(new Error(`${args.join(' ')} exited (${code}) before listening:\n${out}`)));
  });
  return {
    url,
    pid: child.pid ?? 0,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
