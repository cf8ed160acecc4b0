// Runs `switchboard ask PROMPT --json --model MODEL --config FILE --usage-file FILE` from the source (src/cli.ts under tsx), as a user would, and says how it ended.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface AskCliRun {
  /** 0, or the exit code (-1 when there was none, e.g. killed at the timeout). */
  code: number;
  stdout: string;
  stderr: string;
}

export async function askCli(opts: {
  prompt: string;
  model: string;
  configFile: string;
  usageFile: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}): Promise<AskCliRun> {
  const args = [
    '--import',
    'tsx',
    'src/cli.ts',
    'ask',
    opts.prompt,
    '--json',
    '--model',
    opts.model,
    '--config',
    opts.configFile,
    '--usage-file',
    opts.usageFile,
  ];
  try {
    const r = await promisify(execFile)(process.execPath, args, { env: opts.env, timeout: opts.timeoutMs });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}
