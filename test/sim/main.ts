// `npm run sim -- [--port N] [--host H] [--key K] [--dialect D]`: runs the provider simulator until SIGINT/SIGTERM.
import { startSim } from './server';

function usage(problem: string): never {
  process.stderr.write(`${problem}\nUsage: npm run sim -- [--port N] [--host 127.0.0.1] [--key KEY] [--dialect openrouter|azure|…]\n`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): { port: number; host?: string; key?: string; dialect?: string } {
  const out: { port: number; host?: string; key?: string; dialect?: string } = { port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag !== '--port' && flag !== '--host' && flag !== '--key' && flag !== '--dialect') usage(`Unknown argument "${flag}".`);
    if (value === undefined || value.startsWith('--')) usage(`${flag} needs a value.`);
    i++;
    if (flag === '--port') {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`--port must be an integer from 0 to 65535, got "${value}".`);
      out.port = port;
    } else if (flag === '--host') out.host = value;
    else if (flag === '--dialect') out.dialect = value;
    else out.key = value;
  }
  return out;
}

async function main(): Promise<void> {
  const sim = await startSim(parseArgs(process.argv.slice(2)));
  process.stdout.write(`listening on ${sim.url}\n`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`The simulator could not start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
