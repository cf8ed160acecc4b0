// The settings contract as one zod schema. Input is the flat, dotted form used by settings.json and the CLI's
// `--config` file (`{"timeouts.firstTokenMs": 300}`); output is a typed, nested Config. An invalid value never
// bricks the extension: it is reported (naming the setting, the value and what is allowed) and its default is used.
import * as z from 'zod/mini';
import { ConfigError } from '../base/errors';
import { redact } from '../base/redact';
import { TIERS, type Tier } from '../base/types';
import { isLoopbackHost } from '../base/loopback';

export const SETTINGS_PREFIX = 'switchboard.';
export const PRESETS = ['select', 'openrouter', 'litellm', 'portkey', 'openai', 'ollama', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];
export const SMART_SELECT_MODES = ['local', 'gateway'] as const;
/** Who resolves `smart-select`: Switchboard (`local`) or the gateway's own auto-routing model (`gateway`). */
export type SmartSelectMode = (typeof SMART_SELECT_MODES)[number];
export const BUDGET_ACTIONS = ['warn', 'downgrade', 'block'] as const;
/** What happens when the month's spend reaches `budget.monthlyUsd`. */
export type BudgetAction = (typeof BUDGET_ACTIONS)[number];

/** Query parameters that carry a secret: `key`, `api_key`, `apiKey`, `access_token`, `token`, `secret`, `sig`, … */
const KEYISH_PARAM = /key|token|secret|passw|pwd|auth|credential|^sig$|signature/i;
/** `name=value` in a URL query whose name is key-ish: the value is masked wherever a URL is echoed. */
const KEYISH_QUERY_VALUE = /([?&][^=&#\s"]*(?:key|token|secret|passw|pwd|auth|credential|sig)[^=&#\s"]*=)[^&#\s"]*/gi;

/** The key is only ever sent over https, or over http to this machine. */
export function urlProblem(value: string): string | undefined {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return 'is not a URL; use e.g. https://api.select.ax/v1';
  }
  if (u.username || u.password) return 'must not contain credentials; store the key with "Switchboard: Set API Key"';
  const keyParam = [...u.searchParams.keys()].find((name) => KEYISH_PARAM.test(name));
  if (keyParam !== undefined) return `must not carry a key in its query (${keyParam.slice(0, 40)}=…); store the key with "Switchboard: Set API Key"`;
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:' && isLoopbackHost(u.hostname)) return undefined;
  if (u.protocol === 'http:')
    return 'uses plain http to a remote host, which would send your API key unencrypted; use https (plain http is allowed only for localhost/127.0.0.1)';
  return `uses ${u.protocol} — only https (or http to localhost) is allowed`;
}

// Schemas are built on first use, not at load: activation only validates the settings the user actually set.
const baseUrl = () =>
  z.string().check(
    z.superRefine((v, ctx) => {
      const p = urlProblem(v);
      if (p) ctx.issues.push({ code: 'custom', message: p, input: v });
    }),
  );
const ms = (max: number) => () => z.int().check(z.minimum(0), z.maximum(max));
/**
 * The characters a model id may have: letters, digits, `. _ : / @ + -`, and `? & = % ,` for the simulator's
 * parameters (`sim/lorem?tokens=5`). Never quotes, `$`, backticks, spaces, `;`, `|`, backslashes or newlines: a workspace
 * can set `switchboard.model`, and the id ends up in snippets, logs and requests.
 */
export const MODEL_ID = /^[A-Za-z0-9._:/@+?&=%,-]+$/;
export const MAX_MODEL_ID = 300;
const MODEL_ID_CHARACTERS = 'a model id has only letters, digits, commas and . _ : / @ + - ? & = %';
const modelId = () =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1, 'must be a non-empty model id'),
      z.maxLength(MAX_MODEL_ID, `a model id has at most ${MAX_MODEL_ID} characters`),
      z.regex(MODEL_ID, MODEL_ID_CHARACTERS),
    );
/** A fallbacks key: a model id, or `*` for every model without its own chain. */
const fallbackKey = () =>
  z.string().check(z.refine((k) => k === '*' || (k.length <= MAX_MODEL_ID && MODEL_ID.test(k)), `a key is "*" or a model id; ${MODEL_ID_CHARACTERS}`));
const TIMEOUT = 'an integer number of milliseconds from 0 (off) to 600000';
const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');

export const DEFAULT_TIERS: Record<Tier, string> = {
  fast: 'openai/gpt-4.1-mini',
  balanced: 'openai/gpt-4.1',
  strong: 'anthropic/claude-sonnet-4.5',
  reasoning: 'openai/o3',
};
/** Each tier a model id, an unset tier its default: the value is always a whole table. */
const tiersSchema = () =>
  z.strictObject(
    Object.fromEntries(TIERS.map((t) => [t, z._default(modelId(), DEFAULT_TIERS[t])])) as { [T in Tier]: z.ZodMiniDefault<ReturnType<typeof modelId>> },
  );

/**
 * One setting, declared once. `scope` is the manifest's: `application` or `machine` means only the user's own
 * (global) value counts, absent means a workspace or folder may set it ("window"). The manifest's entry must agree
 * (test/unit/settingsScope.test.ts checks name, default, enum and scope).
 */
export interface SettingSpec<S extends z.ZodMiniType = z.ZodMiniType> {
  schema: () => S;
  /** Used when the setting is unset or invalid; `undefined` = decided elsewhere (e.g. by the preset). */
  default: z.infer<S>;
  /** What the setting accepts, in words, for messages (zod/mini carries no locale messages, by design: size). */
  allowed: string;
  scope?: 'application' | 'machine';
}
const setting = <S extends z.ZodMiniType>(spec: SettingSpec<S>): SettingSpec<S> => spec;

/** Every setting: name (without the prefix) → schema, default, scope and what it accepts. Config is derived from it. */
export const SETTINGS = {
  'gateway.baseUrl': setting({
    schema: () => baseUrl().check(z.overwrite((v) => v.replace(/\/+$/, ''))),
    default: 'https://api.select.ax/v1',
    allowed: 'an https:// URL (or http:// to localhost), e.g. "https://api.select.ax/v1"',
    scope: 'application',
  }),
  'gateway.preset': setting({ schema: () => z.enum(PRESETS), default: 'select', allowed: `one of ${quoted(PRESETS)}`, scope: 'application' }),
  /** Extra headers on every gateway request (e.g. Portkey's `x-portkey-custom-host`). Never a key. */
  'gateway.headers': setting({
    schema: () =>
      z.record(
        z.string().check(
          z.regex(/^[A-Za-z0-9-]+$/, 'header names are letters, digits and -'),
          z.refine((h) => !/^(authorization|api-key|x-api-key)$/i.test(h), 'keys do not belong in settings; store the key with "Switchboard: Set API Key"'),
        ),
        z.string(),
      ),
    default: {},
    allowed: 'an object of header name → string value (no keys)',
    scope: 'application',
  }),
  model: setting({
    schema: modelId,
    default: 'smart-select',
    allowed: 'a non-empty model id: "smart-select", an alias, "provider/model" or a bare id',
  }),
  fallbacks: setting({
    schema: () => z.record(fallbackKey(), z.array(modelId())),
    default: {},
    allowed: 'an object of model → array of model ids, e.g. {"*": ["openai/gpt-4.1-mini"]}',
  }),
  aliases: setting({ schema: () => z.record(z.string(), modelId()), default: {}, allowed: 'an object of alias → model id' }),
  'smartSelect.tiers': setting({ schema: tiersSchema, default: DEFAULT_TIERS, allowed: `an object with any of ${quoted(TIERS)} → model id` }),
  /** Unset means the preset's default (endpoints.ts, GATEWAY_PRESETS). */
  'smartSelect.mode': setting({
    schema: () => z.optional(z.enum(SMART_SELECT_MODES)),
    default: undefined,
    allowed: '"local" (Switchboard picks the model) or "gateway" (the gateway\'s own auto-routing model decides)',
  }),
  'timeouts.connectMs': setting({ schema: ms(600_000), default: 10_000, allowed: TIMEOUT }),
  'timeouts.firstTokenMs': setting({ schema: ms(600_000), default: 60_000, allowed: TIMEOUT }),
  'timeouts.idleMs': setting({ schema: ms(600_000), default: 30_000, allowed: TIMEOUT }),
  hedgeAfterMs: setting({ schema: ms(600_000), default: 0, allowed: TIMEOUT }),
  retries: setting({ schema: () => z.int().check(z.minimum(0), z.maximum(10)), default: 2, allowed: 'an integer from 0 to 10' }),
  'budget.monthlyUsd': setting({
    schema: () => z.number().check(z.minimum(0)),
    default: 0,
    allowed: 'a number of US dollars, 0 or more (0 = no budget)',
    scope: 'application',
  }),
  'budget.onExceed': setting({
    schema: () => z.enum(BUDGET_ACTIONS),
    default: 'warn',
    allowed: `one of ${quoted(BUDGET_ACTIONS)}`,
    scope: 'application',
  }),
  providers: setting({
    schema: () =>
      z.record(
        z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]*$/i, 'provider names are letters, digits, . _ -')),
        z.object({ baseUrl: baseUrl(), headers: z.optional(z.record(z.string(), z.string())) }),
      ),
    default: {},
    allowed: 'an object of provider name → {"baseUrl": "https://...", "headers"?: {...}}',
    scope: 'application',
  }),
  'localGateway.port': setting({
    schema: () => z.int().check(z.minimum(0), z.maximum(65535)),
    default: 0,
    allowed: 'an integer port from 0 (any free port) to 65535',
  }),
  /** An agent's model name (or a glob of them) → a model id, an alias, `smart-select` or a tier name; unmatched: smart-select. */
  'agents.models': setting({
    schema: () => z.record(z.string().check(z.minLength(1, 'must be a non-empty model name or glob')), modelId()),
    default: {} as Record<string, string>,
    allowed: 'an object of agent model name or glob → model id or tier, e.g. {"claude-haiku-*": "fast", "claude-opus-*": "smart-select"}',
  }),
  /** A PEM file of extra trusted CA certificates (a company CA, a TLS-inspecting proxy); '' = none. */
  'tls.caFile': setting({
    schema: () => z.string(),
    default: '',
    allowed: 'the path of a PEM file of CA certificates, e.g. "/etc/ssl/certs/company-ca.pem"',
    scope: 'machine',
  }),
};

export type SettingName = keyof typeof SETTINGS;

/**
 * Settings whose workspace values never count (manifest scope `application` or `machine`): a workspace's
 * `.vscode/settings.json` is untrusted input: a repository must never redirect the key or lift the user's budget.
 */
export const USER_ONLY_SETTINGS: ReadonlySet<SettingName> = new Set((Object.keys(SETTINGS) as SettingName[]).filter((name) => SETTINGS[name].scope));

/** Each setting's value type, as its schema gives it. */
export type SettingValues = { [K in SettingName]: z.infer<ReturnType<(typeof SETTINGS)[K]['schema']>> };

type Nest<Path extends string, V> = Path extends `${infer Head}.${infer Rest}`
  ? { [P in Head]: Nest<Rest, V> }
  : undefined extends V
    ? { [P in Path]?: Exclude<V, undefined> }
    : { [P in Path]: V };
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type Flatten<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]: Flatten<T[K]> } : T;

/** The settings as one nested object: `timeouts.idleMs` is `config.timeouts.idleMs`; an unset optional setting is absent. */
export type Config = Flatten<Intersection<{ [K in SettingName]: Nest<K, SettingValues[K]> }[SettingName]>>;

const built = new Map<SettingName, z.ZodMiniType>();
const schemaOf = (name: SettingName): z.ZodMiniType => {
  let schema = built.get(name);
  if (!schema) built.set(name, (schema = SETTINGS[name].schema()));
  return schema;
};

export interface ParsedConfig {
  config: Config;
  problems: ConfigError[];
}

function describe(value: unknown): string {
  // A value may carry a secret (a URL with credentials, a key pasted into the wrong setting): never echo it.
  const s = redact(JSON.stringify(value) ?? '', [])
    .replace(/(\/\/)[^/@\s"]*@/g, '$1‹redacted›@')
    .replace(KEYISH_QUERY_VALUE, '$1‹redacted›');
  return s === '' ? String(value) : s.length > 80 ? s.slice(0, 77) + '...' : s;
}

/** Parses the flat settings. Keys may carry the `switchboard.` prefix or not; unknown keys are reported. */
export function parseConfig(flat: Record<string, unknown>): ParsedConfig {
  const problems: ConfigError[] = [];
  const values = {} as Record<string, unknown>;
  for (const [rawKey, value] of Object.entries(flat)) {
    const key = rawKey.startsWith(SETTINGS_PREFIX) ? rawKey.slice(SETTINGS_PREFIX.length) : rawKey;
    if (!Object.hasOwn(SETTINGS, key)) {
      problems.push(new ConfigError(SETTINGS_PREFIX + key, `Unknown setting "${SETTINGS_PREFIX + key}"; known settings: ${Object.keys(SETTINGS).join(', ')}.`));
      continue;
    }
    if (value === undefined || value === null) continue;
    const spec = SETTINGS[key as SettingName];
    const result = schemaOf(key as SettingName).safeParse(value);
    if (result.success) {
      values[key] = result.data;
    } else {
      const issue = result.error.issues[0];
      const where = issue.path.length ? ` (at ${issue.path.join('.')})` : '';
      // A record's bad key is reported as "Invalid key in record" around the key schema's own message.
      const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
      const specific = /^Invalid/.test(message) ? '' : `${message}; `;
      problems.push(
        new ConfigError(
          SETTINGS_PREFIX + key,
          `Setting "${SETTINGS_PREFIX + key}" has an invalid value ${describe(value)}${where}: ${specific}expected ${spec.allowed}.`,
          spec.default === undefined ? "Using the preset's default until it is fixed." : `Using the default ${describe(spec.default)} until it is fixed.`,
        ),
      );
    }
  }
  const config: Record<string, unknown> = {};
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    const value = Object.hasOwn(values, name) ? values[name] : structuredClone(SETTINGS[name].default);
    if (value === undefined) continue;
    const path = name.split('.');
    let node = config;
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1]] = value;
  }
  return { config: config as Config, problems };
}

export const defaultConfig = (): Config => parseConfig({}).config;
