// Child processes that must never outlive the test run: each is started in its own process group, so stopping it
// also stops what it spawned (code-server's extension host, pty host and file watcher).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import net from 'node:net';

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface GroupProcess {
  readonly child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr interleaved). */
  output(): string;
  /** Resolves when the process has exited (immediately if it already has). */
  exited(): Promise<void>;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; also kills stragglers left in the group. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<number>();
process.on('exit', () => {
  // Last resort if the test process dies without running its `after` hooks.
  for (const pid of live) killGroup(pid, 'SIGKILL');
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

export interface SpawnGroupOptions {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Also append the output to this file (kept as an artifact). */
  logFile?: string;
}

export function spawnGroup(options: SpawnGroupOptions): GroupProcess {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Could not start ${options.command} ${options.args.join(' ')}`);
  live.add(pid);
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  let text = '';
  const collect = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    if (text.length > 2_000_000) text = text.slice(-1_000_000);
    log?.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  void exit.then(() => log?.end());

  return {
    child,
    output: () => text,
    exited: () => exit,
    async stop(graceMs = 5_000) {
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(pid, 'SIGTERM');
        const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
        if ((await Promise.race([exit, timer])) === 'timeout') killGroup(pid, 'SIGKILL');
        await exit;
      }
      killGroup(pid, 'SIGKILL');
      live.delete(pid);
    },
  };
}
