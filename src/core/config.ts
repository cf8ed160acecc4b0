// The settings contract as one zod schema. Input is the flat, dotted form used by settings.json and the CLI's
// `--config` file (`{"timeouts.firstTokenMs": 300}`); output is a typed, nested Config. An invalid value never
// bricks the extension: it is reported (naming the setting, the value and what is allowed) and its default is used.
import * as z from 'zod/mini';
import { ConfigError } from './errors';
import { redact } from './redact';
import type { Tier } from './types';
import { isLoopbackHost } from './vocabulary';

export const SETTINGS_PREFIX = 'switchboard.';
export const PRESETS = ['select', 'openrouter', 'litellm', 'portkey', 'openai', 'ollama', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];

/** The key is only ever sent over https, or over http to this machine. */
export function urlProblem(value: string): string | undefined {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return 'is not a URL; use e.g. https://api.select.ax/v1';
  }
  if (u.username || u.password) return 'must not contain credentials; store the key with "Switchboard: Set API Key"';
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:' && isLoopbackHost(u.hostname)) return undefined;
  if (u.protocol === 'http:') return 'uses plain http to a remote host, which would send your API key unencrypted; use https (plain http is allowed only for localhost/127.0.0.1)';
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
} as const;

export type SettingName = keyof typeof SETTINGS;

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
  'timeouts.connectMs': TIMEOUT,
  'timeouts.firstTokenMs': TIMEOUT,
  'timeouts.idleMs': TIMEOUT,
  hedgeAfterMs: TIMEOUT,
  retries: 'an integer from 0 to 10',
  'budget.monthlyUsd': 'a number of US dollars, 0 or more (0 = no budget)',
  'budget.onExceed': 'one of "warn", "downgrade", "block"',
  providers: 'an object of provider name → {"baseUrl": "https://...", "headers"?: {...}}',
  'localGateway.port': 'an integer port from 0 (any free port) to 65535',
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
  smartSelect: { tiers: Record<Tier, string> };
  timeouts: { connectMs: number; firstTokenMs: number; idleMs: number };
  hedgeAfterMs: number;
  retries: number;
  budget: { monthlyUsd: number; onExceed: 'warn' | 'downgrade' | 'block' };
  providers: Record<string, { baseUrl: string; headers?: Record<string, string> }>;
  localGateway: { port: number };
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
  const s = redact(JSON.stringify(value) ?? '', []).replace(/(\/\/)[^/@\s"]*@/g, '$1‹redacted›@');
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
          `Using the default ${describe(spec.default)} until it is fixed.`,
        ),
      );
    }
  }
  const v = (k: SettingName) => (k in values ? values[k] : SETTINGS[k].default) as Values[typeof k];
  const config: Config = {
    gateway: { baseUrl: (v('gateway.baseUrl') as string).replace(/\/+$/, ''), preset: v('gateway.preset') as Preset, headers: v('gateway.headers') as Record<string, string> },
    model: v('model') as string,
    fallbacks: v('fallbacks') as Record<string, string[]>,
    aliases: v('aliases') as Record<string, string>,
    smartSelect: { tiers: { ...DEFAULT_TIERS, ...(v('smartSelect.tiers') as Partial<Record<Tier, string>>) } },
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
  };
  return { config, problems };
}

export const defaultConfig = (): Config => parseConfig({}).config;
