// `switchboard run [--port N] -- COMMAND [ARGS…]`: a local gateway (on a free port unless --port names one: a
// config file such as Codex's can then name it) with a fresh token, COMMAND run with the agent variables pointing at
// it (and without any Switchboard key in its environment), its exit code or signal passed on, and the gateway stopped
// when it exits. Signals sent to `switchboard run` are forwarded to COMMAND. With --verbose the gateway's failures
// are written to stderr (where a client's unexpected failure sends the user); without, they would cut into the agent's screen.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { ConfigError } from '../core/base/errors';
import { childEnv } from '../gateway/agentEnv';
import { gatewayLog, openCore } from './commands';
import type { CliOptions } from './options';
import { terminalSafe } from './terminalText';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;

export async function runWithGateway(opts: CliOptions, command: readonly string[]): Promise<number> {
  if (command.length === 0) throw new ConfigError('run', 'run needs a command after "--", e.g. switchboard run -- codex, or switchboard run -- claude.');
  const core = await openCore(opts);
  const { startLocalGateway } = await import('../gateway/server');
  const gw = await startLocalGateway({
    core,
    port: opts.port ?? 0,
    tokenHint: `\`switchboard run\` gives the token to ${command[0]} only (OPENAI_API_KEY, ANTHROPIC_AUTH_TOKEN), a new one on every run.`,
    ...(opts.verbose ? { log: gatewayLog } : {}),
  });
  const stop = async () => {
    await gw.close();
    await core.flush();
    core.dispose();
  };
  if (opts.verbose) process.stderr.write(terminalSafe(`switchboard: local gateway on ${gw.url} for ${command[0]}\n`));
  const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env: childEnv(process.env, gw) });
  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const handlers = FORWARDED.map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | { error: NodeJS.ErrnoException }>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  for (const [s, h] of handlers) process.off(s, h);
  await stop();
  if ('error' in ended) {
    const why = ended.error.code === 'ENOENT' ? 'it was not found on PATH' : ended.error.message;
    process.stderr.write(terminalSafe(`switchboard: could not start "${command[0]}": ${why}.\n`));
    return 127;
  }
  if (ended.signal) {
    // Die of the same signal, so a shell sees what the command died of; 128 + n if that does not end us.
    process.kill(process.pid, ended.signal);
    return 128 + (constants.signals[ended.signal] ?? 0);
  }
  return ended.code ?? 0;
}
