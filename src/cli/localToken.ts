// Where `serve` gets the token its clients must send. A token on the command line is visible to every local user
// in `ps`, so it comes from SWITCHBOARD_LOCAL_TOKEN or a file only its owner can read; `--token` remains for tests
// and warns. Without any of them the gateway makes a random one and `serve` prints it.
import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from '../core/base/errors';
import { keyProblem } from '../core/config/keyValidity';

export const MIN_LOCAL_TOKEN_LENGTH = 32;
export const LOCAL_TOKEN_ENV = 'SWITCHBOARD_LOCAL_TOKEN';

export interface LocalTokenSources {
  /** `--token T` (tests only). */
  flag?: string;
  /** `--token-file FILE`. */
  file?: string;
  env: NodeJS.ProcessEnv;
  warn: (message: string) => void;
}

/** The token to serve with, or undefined to let the gateway generate one. Throws a ConfigError naming the source. */
export function localTokenFrom(s: LocalTokenSources): string | undefined {
  if (s.flag !== undefined) {
    s.warn(`--token is visible to every user of this machine (in \`ps\`); it is meant for tests. Use ${LOCAL_TOKEN_ENV} or --token-file FILE instead.`);
    return checked('--token', s.flag);
  }
  if (s.file !== undefined) return checked(`--token-file ${s.file}`, readTokenFile(s.file));
  const fromEnv = s.env[LOCAL_TOKEN_ENV];
  return fromEnv ? checked(LOCAL_TOKEN_ENV, fromEnv) : undefined;
}

/** Where a client of `serve` finds the token, for the gateway's 401: the source serve read it from, or its own output. */
export function serveTokenHint(s: Pick<LocalTokenSources, 'flag' | 'file' | 'env'>): string {
  if (s.flag !== undefined) return 'Send the --token value `switchboard serve` was started with.';
  if (s.file !== undefined) return `Send the token in ${s.file}, as \`switchboard serve\` read it when it started (restart serve after changing the file).`;
  if (s.env[LOCAL_TOKEN_ENV]) return `Send the ${LOCAL_TOKEN_ENV} value \`switchboard serve\` was started with.`;
  return (
    'Send the token `switchboard serve` printed as "local token:" when it started (a new one on every start), or start serve ' +
    `with a fixed one in ${LOCAL_TOKEN_ENV} or --token-file FILE.`
  );
}

function checked(source: string, token: string): string {
  const problem = keyProblem(token);
  if (problem) throw new ConfigError(source, `The local token from ${source} ${problem}; clients could not send it in an HTTP header.`);
  const length = [...token].length;
  if (length < MIN_LOCAL_TOKEN_LENGTH)
    throw new ConfigError(
      source,
      `The local token from ${source} has ${length} characters; it needs at least ${MIN_LOCAL_TOKEN_LENGTH} ` +
        '(e.g. `openssl rand -hex 32`), or leave it out and serve prints a random one.',
    );
  return token;
}

function readTokenFile(file: string): string {
  let mode: number;
  let text: string;
  try {
    mode = statSync(file).mode;
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError('--token-file', `--token-file ${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  // Windows has no group/other permission bits; there the file's ACL is the user's business.
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(3, '0');
    throw new ConfigError('--token-file', `--token-file ${file} is open to other users (mode ${octal}); make it private with \`chmod 600 ${file}\`.`);
  }
  return text.replace(/\r?\n$/, '');
}
