// The settings contract as one zod schema. Input is the flat, dotted form used by settings.json and the CLI's
// `--config` file (`{"timeouts.firstTokenMs": 300}`); output is a typed, nested Config. An invalid value never
// bricks the extension: it is reported (naming the setting, the value and what is allowed) and its default is used.
import * as z from 'zod/mini';
import { ConfigError } from '../base/errors';
import { redact } from '../base/redact';
import type { Tier } from '../base/types';
import { isLoopbackHost } from '../base/loopback';

export const SETTINGS_PREFIX = 'switchboard.';
export const PRESETS = ['select', 'openrouter', 'litellm', 'portkey', 'openai', 'ollama', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];
export const SMART_SELECT_MODES = ['local', 'gateway'] as const;
/** Who resolves `smart-select`: Switchboard (`local`) or the gateway's own auto-routing model (`gateway`). */
export type SmartSelectMode = (typeof SMART_SELECT_MODES)[number];

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
const modelId = () => z.string().check(z.trim(), z.minLength(1, 'must be a non-empty model id'));

/** Each entry: setting name (without prefix) → schema and default. The manifest's settings mirror this table. */
export const SETTINGS = {
  'gateway.baseUrl': { schema: baseUrl, default: 'https://api.select.ax/v1' },
  'gateway.preset': { schema: () => z.enum(PRESETS), default: 'select' as Preset },
  /** Extra headers on every gateway request (e.g. Portkey's `x-portkey-custom-host`). Never a key. */
  'gateway.headers': {
    schema: () =>
      z.record(
        z.string().check(
          z.regex(/^[A-Za-z0-9-]+$/, 'header names are letters, digits and -'),
          z.refine((h) => !/^(authorization|api-key|x-api-key)$/i.test(h), 'keys do not belong in settings; store the key with "Switchboard: Set API Key"'),
        ),
        z.string(),
      ),
    default: {} as Record<string, string>,
  },
  model: { schema: modelId, default: 'smart-select' },
  fallbacks: { schema: () => z.record(z.string(), z.array(modelId())), default: {} as Record<string, string[]> },
  aliases: { schema: () => z.record(z.string(), modelId()), default: {} as Record<string, string> },
  'smartSelect.tiers': {
    schema: () => z.partial(z.strictObject({ fast: modelId(), balanced: modelId(), strong: modelId(), reasoning: modelId() })),
    default: {} as Partial<Record<Tier, string>>,
  },
  /** Unset means the preset's default (endpoints.ts, GATEWAY_PRESETS). */
  'smartSelect.mode': { schema: () => z.enum(SMART_SELECT_MODES), default: undefined as SmartSelectMode | undefined },
  'timeouts.connectMs': { schema: ms(600_000), default: 10_000 },
  'timeouts.firstTokenMs': { schema: ms(600_000), default: 60_000 },
  'timeouts.idleMs': { schema: ms(600_000), default: 30_000 },
  hedgeAfterMs: { schema: ms(600_000), default: 0 },
  retries: { schema: () => z.int().check(z.minimum(0), z.maximum(10)), default: 2 },
  'budget.monthlyUsd': { schema: () => z.number().check(z.minimum(0)), default: 0 },
  'budget.onExceed': { schema: () => z.enum(['warn', 'downgrade', 'block']), default: 'warn' as 'warn' | 'downgrade' | 'block' },
  providers: {
    schema: () =>
      z.record(
        z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]*$/i, 'provider names are letters, digits, . _ -')),
        z.object({ baseUrl: baseUrl(), headers: z.optional(z.record(z.string(), z.string())) }),
      ),
    default: {} as Record<string, { baseUrl: string; headers?: Record<string, string> }>,
  },
  'localGateway.port': { schema: () => z.int().check(z.minimum(0), z.maximum(65535)), default: 0 },
  /** An agent's model name (or a glob of them) → a model id, an alias, `smart-select` or a tier name; unmatched: smart-select. */
  'agents.models': {
    schema: () => z.record(z.string().check(z.minLength(1, 'must be a non-empty model name or glob')), modelId()),
    default: {} as Record<string, string>,
  },
  /** A PEM file of extra trusted CA certificates (a company CA, a TLS-inspecting proxy); '' = none. */
  'tls.caFile': { schema: () => z.string(), default: '' },
} as const;

export type SettingName = keyof typeof SETTINGS;

/**
 * Settings that decide where a key is sent (and which certificates vouch for that place). Only the user's own (global) value counts: a workspace's
 * `.vscode/settings.json` is untrusted input, and a repository must never be able to redirect the key.
 * The manifest gives each of these `"scope": "application"` (a test keeps the two in step).
 */
export const USER_ONLY_SETTINGS: ReadonlySet<SettingName> = new Set<SettingName>([
  'gateway.baseUrl',
  'gateway.preset',
  'gateway.headers',
  'providers',
  'tls.caFile',
]);

/** The values of one setting at each level, as VS Code's `WorkspaceConfiguration.inspect` reports them. */
export interface InspectedSetting {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * The flat settings that count: folder over workspace over user, except that user-only settings take the user's
 * value alone. `ignored` names each user-only setting a workspace or folder tried to set.
 */
export function effectiveSettings(inspect: (name: SettingName) => InspectedSetting | undefined): { flat: Record<string, unknown>; ignored: SettingName[] } {
  const flat: Record<string, unknown> = {};
  const ignored: SettingName[] = [];
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    const i = inspect(name);
    if (!i) continue;
    const fromWorkspace = i.workspaceFolderValue ?? i.workspaceValue;
    let value: unknown;
    if (USER_ONLY_SETTINGS.has(name)) {
      if (fromWorkspace !== undefined) ignored.push(name);
      value = i.globalValue;
    } else {
      value = fromWorkspace ?? i.globalValue;
    }
    if (value !== undefined) flat[name] = value;
  }
  return { flat, ignored };
}

const TIMEOUT = 'an integer number of milliseconds from 0 (off) to 600000';
/** What each setting accepts, in words, for messages (zod/mini carries no locale messages, by design: size). */
const ALLOWED: Record<SettingName, string> = {
  'gateway.baseUrl': 'an https:// URL (or http:// to localhost), e.g. "https://api.select.ax/v1"',
  'gateway.preset': `one of ${PRESETS.map((p) => `"${p}"`).join(', ')}`,
  'gateway.headers': 'an object of header name → string value (no keys)',
  model: 'a non-empty model id: "smart-select", an alias, "provider/model" or a bare id',
  fallbacks: 'an object of model → array of model ids, e.g. {"*": ["openai/gpt-4.1-mini"]}',
  aliases: 'an object of alias → model id',
  'smartSelect.tiers': 'an object with any of "fast", "balanced", "strong", "reasoning" → model id',
  'smartSelect.mode': '"local" (Switchboard picks the model) or "gateway" (the gateway\'s own auto-routing model decides)',
  'timeouts.connectMs': TIMEOUT,
  'timeouts.firstTokenMs': TIMEOUT,
  'timeouts.idleMs': TIMEOUT,
  hedgeAfterMs: TIMEOUT,
  retries: 'an integer from 0 to 10',
  'budget.monthlyUsd': 'a number of US dollars, 0 or more (0 = no budget)',
  'budget.onExceed': 'one of "warn", "downgrade", "block"',
  providers: 'an object of provider name → {"baseUrl": "https://...", "headers"?: {...}}',
  'localGateway.port': 'an integer port from 0 (any free port) to 65535',
  'agents.models': 'an object of agent model name or glob → model id or tier, e.g. {"claude-haiku-*": "fast", "claude-opus-*": "smart-select"}',
  'tls.caFile': 'the path of a PEM file of CA certificates, e.g. "/etc/ssl/certs/company-ca.pem"',
};
type Values = { [K in SettingName]: z.infer<ReturnType<(typeof SETTINGS)[K]['schema']>> };

const built = new Map<SettingName, ReturnType<(typeof SETTINGS)[SettingName]['schema']>>();
const schemaOf = (name: SettingName) => {
  let schema = built.get(name);
  if (!schema) built.set(name, (schema = SETTINGS[name].schema()));
  return schema;
};

export interface Config {
  gateway: { baseUrl: string; preset: Preset; headers?: Record<string, string> };
  model: string;
  fallbacks: Record<string, string[]>;
  aliases: Record<string, string>;
  /** `mode` is undefined when unset: the preset's default applies (smartSelectMode in endpoints.ts). */
  smartSelect: { tiers: Record<Tier, string>; mode?: SmartSelectMode };
  timeouts: { connectMs: number; firstTokenMs: number; idleMs: number };
  hedgeAfterMs: number;
  retries: number;
  budget: { monthlyUsd: number; onExceed: 'warn' | 'downgrade' | 'block' };
  providers: Record<string, { baseUrl: string; headers?: Record<string, string> }>;
  localGateway: { port: number };
  /** `models`: agent model name or glob → model id, alias, `smart-select` or tier (see src/agents/agentModel.ts). */
  agents: { models: Record<string, string> };
  tls: { caFile: string };
}

export const DEFAULT_TIERS: Record<Tier, string> = {
  fast: 'openai/gpt-4.1-mini',
  balanced: 'openai/gpt-4.1',
  strong: 'anthropic/claude-sonnet-4.5',
  reasoning: 'openai/o3',
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
    if (!(key in SETTINGS)) {
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
      const specific = /^Invalid/.test(issue.message) ? '' : `${issue.message}; `;
      problems.push(
        new ConfigError(
          SETTINGS_PREFIX + key,
          `Setting "${SETTINGS_PREFIX + key}" has an invalid value ${describe(value)}${where}: ${specific}expected ${ALLOWED[key as SettingName]}.`,
          spec.default === undefined ? "Using the preset's default until it is fixed." : `Using the default ${describe(spec.default)} until it is fixed.`,
        ),
      );
    }
  }
  const v = (k: SettingName) => (k in values ? values[k] : SETTINGS[k].default) as Values[typeof k];
  const config: Config = {
    gateway: {
      baseUrl: (v('gateway.baseUrl') as string).replace(/\/+$/, ''),
      preset: v('gateway.preset') as Preset,
      headers: v('gateway.headers') as Record<string, string>,
    },
    model: v('model') as string,
    fallbacks: v('fallbacks') as Record<string, string[]>,
    aliases: v('aliases') as Record<string, string>,
    smartSelect: {
      tiers: { ...DEFAULT_TIERS, ...(v('smartSelect.tiers') as Partial<Record<Tier, string>>) },
      ...(v('smartSelect.mode') ? { mode: v('smartSelect.mode') as SmartSelectMode } : {}),
    },
    timeouts: {
      connectMs: v('timeouts.connectMs') as number,
      firstTokenMs: v('timeouts.firstTokenMs') as number,
      idleMs: v('timeouts.idleMs') as number,
    },
    hedgeAfterMs: v('hedgeAfterMs') as number,
    retries: v('retries') as number,
    budget: { monthlyUsd: v('budget.monthlyUsd') as number, onExceed: v('budget.onExceed') as Config['budget']['onExceed'] },
    providers: v('providers') as Config['providers'],
    localGateway: { port: v('localGateway.port') as number },
    agents: { models: v('agents.models') as Record<string, string> },
    tls: { caFile: v('tls.caFile') as string },
  };
  return { config, problems };
}

export const defaultConfig = (): Config => parseConfig({}).config;
