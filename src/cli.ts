#!/usr/bin/env node
// `switchboard` CLI over the same core as the extension. Exit codes: 0 ok, 2 bad input, 3 every candidate failed.
import { runAsk, runModels, runSelect, runServe, runUsage } from './cli/commands';
import { runDoctorCommand } from './cli/doctor';
import { parseCli, USAGE } from './cli/options';
import { runWithGateway } from './cli/run';
import { terminalSafe } from './cli/terminalText';
import { networkFromEnv, useNetwork } from './core/net/proxy';
import { ConfigError, isSwitchboardError } from './core/base/errors';
import { redact } from './core/base/redact';
import { keysInEnv } from './core/config/keys';

async function main(): Promise<number> {
  const opts = parseCli(process.argv.slice(2), process.env);
  const network = networkFromEnv(process.env, opts.config.tls.caFile || undefined);
  useNetwork(network);
  switch (opts.command) {
    case 'ask':
      return runAsk(opts);
    case 'select':
      return runSelect(opts);
    case 'models':
      return runModels(opts);
    case 'serve':
      return runServe(opts);
    case 'usage':
      return runUsage(opts);
    case 'doctor':
      return runDoctorCommand(opts, network);
    case 'run':
      return runWithGateway(opts, opts.commandLine);
    case 'help':
      process.stdout.write(USAGE + '\n');
      return 0;
    default:
      throw new ConfigError('command', `Unknown command "${opts.command}".\n\n${USAGE}`);
  }
}

const secrets = () => keysInEnv(process.env);

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`switchboard: ${terminalSafe(redact(message, secrets()))}\n`);
    if (isSwitchboardError(err) && (['config', 'bad-request', 'no-key', 'invalid-request'] as string[]).includes(err.code)) process.exitCode = 2;
    else if (isSwitchboardError(err)) process.exitCode = 3;
    else process.exitCode = 1;
  },
);
