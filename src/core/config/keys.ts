// Where keys live: the secret names in VS Code's SecretStorage and the environment variables the CLI and `serve`
// read instead, and every key value the environment holds (for redaction). Node-only (process.env).

export const GATEWAY_SECRET = 'switchboard.apiKey';
export const PROVIDER_SECRET_PREFIX = 'switchboard.providerKey.';
export const providerSecret = (name: string): string => PROVIDER_SECRET_PREFIX + name;

/** The generic key variable: a key the user gave Switchboard itself, sent to whichever gateway is configured. */
export const SWITCHBOARD_KEY_ENV = 'SWITCHBOARD_API_KEY';
/** OpenAI's own key variable: read only when the gateway is OpenAI's own endpoint, never handed to a third party. */
export const OPENAI_KEY_ENV = 'OPENAI_API_KEY';
/** Every variable that may hold the gateway key (for redaction and for checking what the environment holds). */
export const GATEWAY_KEY_ENV = [SWITCHBOARD_KEY_ENV, OPENAI_KEY_ENV] as const;
const OPENAI_API_HOST = 'api.openai.com';
export const PROVIDER_KEY_ENV_PREFIX = 'SWITCHBOARD_PROVIDER_KEY_';
/** `deep-seek` → `SWITCHBOARD_PROVIDER_KEY_DEEP_SEEK`. */
export const providerKeyEnv = (name: string): string => PROVIDER_KEY_ENV_PREFIX + name.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/** Whether a gateway URL is OpenAI's own API, the only place OPENAI_API_KEY may go. */
export function isOpenAiEndpoint(gatewayUrl: string): boolean {
  try {
    const u = new URL(gatewayUrl);
    return u.protocol === 'https:' && u.hostname.toLowerCase() === OPENAI_API_HOST;
  } catch {
    return false;
  }
}

/** The environment variables that may supply the gateway key for `gatewayUrl`, in order. */
export const gatewayKeyVariables = (gatewayUrl: string): readonly string[] => (isOpenAiEndpoint(gatewayUrl) ? GATEWAY_KEY_ENV : [SWITCHBOARD_KEY_ENV]);

/**
 * The key for a secret name from the environment, if any. The gateway key comes from SWITCHBOARD_API_KEY, or from
 * OPENAI_API_KEY only when `gatewayUrl` is OpenAI's own endpoint: a developer's OpenAI key is never sent elsewhere.
 */
export function keyFromEnv(secretName: string, env: NodeJS.ProcessEnv, gatewayUrl: string): string | undefined {
  if (secretName === GATEWAY_SECRET) {
    for (const name of gatewayKeyVariables(gatewayUrl)) if (env[name]) return env[name];
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
