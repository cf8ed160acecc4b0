// Which level's value of each setting counts. A workspace's `.vscode/settings.json` is untrusted input (a cloned
// repository writes it), so beyond "folder over workspace over user" a workspace value is ignored, and named, when it
// would decide where the key goes or what the budget is (user-only settings), send prompts to another direct
// provider than the user's own settings reach, or multiply the requests sent per prompt (hedging, retries).
import { TIERS } from '../base/types';
import { splitModelId } from './endpoints';
import { SETTINGS, USER_ONLY_SETTINGS, type SettingName } from './settings';

/** The values of one setting at each level, as VS Code's `WorkspaceConfiguration.inspect` reports them. */
export interface InspectedSetting {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export interface EffectiveSettingsOptions {
  inspect: (name: SettingName) => InspectedSetting | undefined;
  /** The provider of a bare model id (`gpt-4.1` → `openai`), e.g. from the built-in catalog. */
  providerOf?: (bareId: string) => string | undefined;
}

export interface EffectiveSettings {
  /** The flat settings that count, for parseConfig. */
  flat: Record<string, unknown>;
  /** Each setting whose workspace (or folder) value was ignored; `whyIgnored(name)` says why. */
  ignored: SettingName[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (values: unknown[]): string[] => values.filter((v): v is string => typeof v === 'string');

/** The model ids a value of a model-naming setting names (garbage names none: parseConfig reports it). */
const MODELS_NAMED: Partial<Record<SettingName, (value: unknown) => string[]>> = {
  model: (v) => strings([v]),
  aliases: (v) => (isRecord(v) ? strings(Object.values(v)) : []),
  'smartSelect.tiers': (v) => (isRecord(v) ? strings(TIERS.map((t) => v[t])) : []),
  'agents.models': (v) => (isRecord(v) ? strings(Object.values(v)) : []),
  fallbacks: (v) =>
    isRecord(v) ? [...Object.keys(v).filter((k) => k !== '*'), ...strings(Object.values(v).flatMap((chain) => (Array.isArray(chain) ? chain : [])))] : [],
};

/** Settings a workspace may only lower (fewer requests per prompt): retries, and hedging later or off. */
const MULTIPLIERS: Partial<Record<SettingName, (workspace: number, user: number) => boolean>> = {
  retries: (workspace, user) => workspace <= user,
  hedgeAfterMs: (workspace, user) => workspace === 0 || (user > 0 && workspace >= user),
};

/** Why a workspace's value of `name` was ignored, for the warning: ends without a full stop. */
export function whyIgnored(name: SettingName): string {
  if (name.startsWith('budget.')) return 'your budget is decided only by your user settings, so a repository cannot lift or switch it off';
  if (USER_ONLY_SETTINGS.has(name)) return 'where your API key is sent is decided only by your user settings, so a repository cannot redirect it';
  if (name in MULTIPLIERS) return 'it would send more requests per prompt than your user settings do (more retries, or hedging sooner)';
  return 'it names a model on a direct provider (switchboard.providers) that your user settings do not send prompts to';
}

/**
 * The flat settings that count: folder over workspace over user, except that user-only settings take the user's
 * value alone, and a workspace value that reaches another direct provider or multiplies requests is ignored.
 */
export function effectiveSettings(opts: EffectiveSettingsOptions): EffectiveSettings {
  const names = Object.keys(SETTINGS) as SettingName[];
  const inspected = new Map(names.map((name) => [name, opts.inspect(name)]));
  const userValue = (name: SettingName): unknown => inspected.get(name)?.globalValue ?? SETTINGS[name].default;

  const directProviders = new Set(isRecord(userValue('providers')) ? Object.keys(userValue('providers') as object) : []);
  const providerOf = (id: string) => splitModelId(id).provider ?? opts.providerOf?.(id);
  const directProvidersOf = (ids: string[]) => ids.map(providerOf).filter((p): p is string => p !== undefined && directProviders.has(p));
  const userReaches = new Set(Object.entries(MODELS_NAMED).flatMap(([name, named]) => directProvidersOf(named(userValue(name as SettingName)))));

  const workspaceAllowed = (name: SettingName, value: unknown): boolean => {
    if (USER_ONLY_SETTINGS.has(name)) return false;
    const named = MODELS_NAMED[name];
    if (named) return directProvidersOf(named(value)).every((p) => userReaches.has(p));
    const lowers = MULTIPLIERS[name];
    if (lowers) return typeof value === 'number' && typeof userValue(name) === 'number' && lowers(value, userValue(name) as number);
    return true;
  };

  const flat: Record<string, unknown> = {};
  const ignored: SettingName[] = [];
  for (const name of names) {
    const i = inspected.get(name);
    if (!i) continue;
    const fromWorkspace = i.workspaceFolderValue ?? i.workspaceValue;
    let value = i.globalValue;
    if (fromWorkspace !== undefined) {
      if (workspaceAllowed(name, fromWorkspace)) value = fromWorkspace;
      else ignored.push(name);
    }
    if (value !== undefined) flat[name] = value;
  }
  return { flat, ignored };
}
