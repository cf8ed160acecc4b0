// The CLI's arguments, `--config` file and environment → CliOptions and a validated Config; the usage text; keys
// from the environment. Every problem is a ConfigError naming the option or setting.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig, type Config } from '../core/config/settings';
import { ConfigError } from '../core/base/errors';
import { keyProblem } from '../core/config/keyValidity';
import { effectiveGateway } from '../core/config/endpoints';
import { gatewayKeyVariables, keyFromEnv, PROVIDER_KEY_ENV_PREFIX } from '../core/config/keys';

export const USAGE = `switchboard — one key, one OpenAI-compatible endpoint, every model

Usage:
  switchboard ask "prompt" [--model M] [--json]      stream an answer (--json: {model, text, usage, costUsd, attempts})
  switchboard select "prompt" [--json]               which tier and model smart-select picks, and why (no model call)
  switchboard models [--json]                        the model catalog (built-in + the gateway's /models)
  switchboard serve [--port N] [--token-file FILE]   local OpenAI-compatible gateway on 127.0.0.1
  switchboard usage [--json]                         tokens, cost and fallbacks per model and per client
  switchboard run [--port N] -- COMMAND [ARGS…]      run an agent (codex, claude, aider…) through a local gateway:
                                                     ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN, OPENAI_BASE_URL and
                                                     OPENAI_API_KEY point at it (the local token, never your key)
  switchboard doctor [--json] [--no-chat]            check the connection step by step (exit 0 only if all pass)

Options:
  --base-url URL       gateway base URL (switchboard.gateway.baseUrl)
  --config FILE        JSON object of settings without the "switchboard." prefix, e.g. {"model": "sim/echo"}
  --usage-file FILE    usage ledger (default: ~/.config/switchboard/usage.jsonl)
  --verbose            print every routing decision and attempt to stderr

Key: SWITCHBOARD_API_KEY (OPENAI_API_KEY only when the gateway is https://api.openai.com, so it never goes to
a third party). Direct providers: SWITCHBOARD_PROVIDER_KEY_<NAME>.
Local token for serve (32+ characters): --token-file FILE (mode 600) or SWITCHBOARD_LOCAL_TOKEN; otherwise
a random one is printed to stderr.
Network: HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case; http://user:password@host:port for a proxy login);
extra trusted CAs from NODE_EXTRA_CA_CERTS or the setting "tls.caFile" (a PEM file) in --config.
Exit codes: 0 ok, 2 bad input, 3 every candidate failed.`;

export interface CliOptions {
  command: string;
  text: string;
  json: boolean;
  verbose: boolean;
  /** doctor: send the one-token chat (off with --no-chat). */
  chat: boolean;
  model?: string;
  port?: number;
  /** `--token` (tests only: visible in `ps`). */
  token?: string;
  tokenFile?: string;
  usageFile: string;
  config: Config;
  /** True when --base-url or the config file set the base URL (a preset then does not override it). */
  userSetBaseUrl: boolean;
  /** run: the command and its arguments, as given after `--`. */
  commandLine: string[];
}

/** Parses argv; every problem is a ConfigError naming the option or setting (exit code 2). */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  // `run [options] -- COMMAND ARGS…`: what follows `--` is the child's, word for word.
  const dash = argv.indexOf('--');
  if (dash >= 0 && argv.slice(0, dash).includes('run')) {
    const own = parseCli(argv.slice(0, dash), env);
    if (own.command === 'run') return { ...own, commandLine: argv.slice(dash + 1) };
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        json: { type: 'boolean', default: false },
        'no-chat': { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        'base-url': { type: 'string' },
        config: { type: 'string' },
        'usage-file': { type: 'string' },
        port: { type: 'string' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new ConfigError('argv', `${(e as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [command = 'help', ...rest] = positionals;
  const flat: Record<string, unknown> = {};
  if (values.config) Object.assign(flat, readConfigFile(values.config));
  if (values['base-url']) flat['gateway.baseUrl'] = values['base-url'];
  if (values.model) flat.model = values.model;
  const { config, problems } = parseConfig(flat);
  if (problems.length) {
    const where = values.config ? ` Fix it in ${values.config} (setting names without the "switchboard." prefix).` : '';
    throw new ConfigError(problems[0].setting, problems.map((p) => p.message).join('\n') + where);
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new ConfigError('--port', `--port must be an integer from 0 to 65535, got ${JSON.stringify(values.port)}.`);
  }
  const configDir = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return {
    command: values.help ? 'help' : command,
    text: rest.join(' '),
    json: values.json ?? false,
    verbose: values.verbose ?? false,
    chat: !values['no-chat'],
    model: values.model,
    port,
    token: values.token,
    tokenFile: values['token-file'],
    usageFile: values['usage-file'] ?? join(configDir, 'switchboard', 'usage.jsonl'),
    config,
    userSetBaseUrl: 'gateway.baseUrl' in flat,
    commandLine: command === 'run' ? rest : [],
  };
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError('--config', `--config ${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('--config', `--config ${file}: not valid JSON (${(e as Error).message}).`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError('--config', `--config ${file}: must be a JSON object of settings, e.g. {"model": "sim/echo", "timeouts.firstTokenMs": 300}.`);
  }
  return json as Record<string, unknown>;
}

/**
 * Keys from the environment: the one key, and SWITCHBOARD_PROVIDER_KEY_<NAME> for direct providers. The gateway key
 * depends on where it goes (OPENAI_API_KEY only to OpenAI's own endpoint). A key that cannot be sent in an HTTP
 * header is refused up front, naming its variable (exit code 2).
 */
export function envKeys(env: NodeJS.ProcessEnv, opts: Pick<CliOptions, 'config' | 'userSetBaseUrl'>): (secretName: string) => Promise<string | undefined> {
  const gatewayUrl = effectiveGateway(opts.config, opts.userSetBaseUrl).baseUrl;
  const gatewayVars = gatewayKeyVariables(gatewayUrl);
  const gatewayVar = gatewayVars.find((name) => env[name]) ?? gatewayVars[0];
  for (const name of [gatewayVar, ...Object.keys(env).filter((n) => n.startsWith(PROVIDER_KEY_ENV_PREFIX))]) {
    const value = env[name];
    const problem = value ? keyProblem(value) : undefined;
    if (problem) throw new ConfigError(name, `${name} ${problem}, so it cannot be sent in an HTTP header. Set it again with the key alone.`);
  }
  return async (secretName) => keyFromEnv(secretName, env, gatewayUrl);
}
