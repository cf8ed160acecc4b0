// Where keys live: the secret names in VS Code's SecretStorage and the environment variables the CLI and `serve`
// read instead, and every key value the environment holds (for redaction). Node-only (process.env).

export const GATEWAY_SECRET = 'switchboard.apiKey';
export const PROVIDER_SECRET_PREFIX = 'switchboard.providerKey.';
export const providerSecret = (name: string): string => PROVIDER_SECRET_PREFIX + name;

/** Environment fallbacks for the gateway key, in order. */
export const GATEWAY_KEY_ENV = ['SWITCHBOARD_API_KEY', 'OPENAI_API_KEY'] as const;
export const PROVIDER_KEY_ENV_PREFIX = 'SWITCHBOARD_PROVIDER_KEY_';
/** `deep-seek` → `SWITCHBOARD_PROVIDER_KEY_DEEP_SEEK`. */
export const providerKeyEnv = (name: string): string => PROVIDER_KEY_ENV_PREFIX + name.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/** The key for a secret name from the environment, if any. */
export function keyFromEnv(secretName: string, env: NodeJS.ProcessEnv): string | undefined {
  if (secretName === GATEWAY_SECRET) {
    for (const name of GATEWAY_KEY_ENV) if (env[name]) return env[name];
    return undefined;
  }
  if (!secretName.startsWith(PROVIDER_SECRET_PREFIX)) return undefined;
  return env[providerKeyEnv(secretName.slice(PROVIDER_SECRET_PREFIX.length))] || undefined;
}

/** Every key value the environment holds (gateway and provider keys), for redaction. */
export function keysInEnv(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => !!value && ((GATEWAY_KEY_ENV as readonly string[]).includes(name) || name.startsWith(PROVIDER_KEY_ENV_PREFIX)))
    .map(([, value]) => value as string);
}
