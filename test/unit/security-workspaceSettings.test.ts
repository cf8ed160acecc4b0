// Issue 21 finding 4: a repository's `.vscode/settings.json` must not switch off the user's budget, send prompts to
// another of the user's direct providers, or multiply the requests sent per prompt. Each case gives the levels as
// VS Code's `inspect` reports them and checks what counts and what is named as ignored.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, USER_ONLY_SETTINGS, type SettingName } from '../../src/core/config/settings';
import { effectiveSettings, whyIgnored, type InspectedSetting } from '../../src/core/config/effectiveSettings';
import { budgetStatus } from '../../src/core/usage/budget';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

type Levels = Partial<Record<SettingName, InspectedSetting>>;
const effective = (levels: Levels, providerOf?: (bare: string) => string | undefined) => effectiveSettings({ inspect: (name) => levels[name], providerOf });

/** The user pays for DeepSeek directly (its own key), and never sends prompts there: only tests of what a workspace may. */
const USER_PROVIDERS = { deepseek: { baseUrl: 'https://api.deepseek.com/v1' } };

describe("the budget is the user's own", () => {
  test('a workspace cannot switch the budget off or soften what happens at the limit', () => {
    const { flat, ignored } = effective({
      'budget.monthlyUsd': { globalValue: 10, workspaceValue: 0 },
      'budget.onExceed': { globalValue: 'block', workspaceFolderValue: 'warn' },
    });
    assert.deepEqual(ignored, ['budget.monthlyUsd', 'budget.onExceed']);
    const { config } = parseConfig(flat);
    assert.deepEqual(config.budget, { monthlyUsd: 10, onExceed: 'block' });
    assert.equal(budgetStatus({ monthSpentUsd: 250, todaySpentUsd: 250 }, config.budget).action, 'block', 'at $250 of $10 the answer is blocked');
  });

  test('nor set one where the user has none (the user decides), and the budget settings are user-only', () => {
    const { flat, ignored } = effective({ 'budget.monthlyUsd': { workspaceValue: 1 } });
    assert.deepEqual([flat, ignored], [{}, ['budget.monthlyUsd']]);
    assert.ok(USER_ONLY_SETTINGS.has('budget.monthlyUsd') && USER_ONLY_SETTINGS.has('budget.onExceed'));
    assert.match(whyIgnored('budget.onExceed'), /budget/);
  });
});

describe("a workspace cannot send prompts to another direct provider than the user's settings do", () => {
  const cases: [SettingName, unknown][] = [
    ['model', 'deepseek/deepseek-reasoner'],
    ['smartSelect.tiers', { strong: 'deepseek/deepseek-reasoner' }],
    ['fallbacks', { '*': ['openai/gpt-4.1-mini', 'deepseek/deepseek-reasoner'] }],
    ['fallbacks', { 'deepseek/deepseek-reasoner': [] }],
    ['aliases', { sonnet: 'deepseek/deepseek-reasoner' }],
    ['agents.models', { 'claude-opus-*': 'deepseek/deepseek-reasoner' }],
  ];
  for (const [name, workspaceValue] of cases) {
    test(`${name} = ${JSON.stringify(workspaceValue)} is ignored and named`, () => {
      const { flat, ignored } = effective({ providers: { globalValue: USER_PROVIDERS }, [name]: { workspaceValue } });
      assert.deepEqual(ignored, [name]);
      assert.ok(!(name in flat), JSON.stringify(flat));
      assert.match(whyIgnored(name), /direct provider/);
    });
  }

  test('a bare id the catalog places on that provider is ignored too', () => {
    const { ignored } = effective({ providers: { globalValue: USER_PROVIDERS }, model: { workspaceValue: 'deepseek-reasoner' } }, (bare) =>
      bare.startsWith('deepseek') ? 'deepseek' : undefined,
    );
    assert.deepEqual(ignored, ['model']);
  });

  test("the extension reads its settings in one place, which tells a bare id's provider (Check Connection too)", () => {
    // Another reader without providerOf would count a workspace's bare model id that SettingsSource ignores.
    const src = resolve(__dirname, '../../src');
    const readers = readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.startsWith('core'))
      .filter((f) => /\beffectiveSettings\(/.test(readFileSync(join(src, f), 'utf8')))
      .map((f) => relative(src, join(src, f)).split('\\').join('/'));
    assert.deepEqual(readers, ['vscode/settings.ts']);
    assert.match(readFileSync(join(src, 'vscode/settings.ts'), 'utf8'), /effectiveSettings\(\{[^}]*providerOf: builtinProviderOf/);
  });

  test("models through the gateway, or on a provider the user already sends to, are the workspace's to choose", () => {
    const levels: Levels = {
      providers: { globalValue: { ...USER_PROVIDERS, openai: { baseUrl: 'https://api.openai.com/v1' } } },
      model: { globalValue: 'smart-select', workspaceValue: 'openai/gpt-4.1' }, // openai: reached by the default tiers
      'smartSelect.tiers': { workspaceValue: { fast: 'mistral/small' } }, // no direct provider: the gateway
      aliases: { globalValue: { r: 'deepseek/deepseek-chat' }, workspaceFolderValue: { r: 'deepseek/deepseek-reasoner' } },
      'agents.models': { workspaceValue: { 'claude-haiku-*': 'fast', 'claude-opus-*': 'mistral/large' } }, // a tier, and the gateway
    };
    const { flat, ignored } = effective(levels);
    assert.deepEqual(ignored, []);
    assert.equal(flat.model, 'openai/gpt-4.1');
    assert.deepEqual(flat.aliases, { r: 'deepseek/deepseek-reasoner' });
    assert.deepEqual(flat['agents.models'], { 'claude-haiku-*': 'fast', 'claude-opus-*': 'mistral/large' });
  });

  test("without direct providers every model goes through the user's gateway, so nothing is ignored", () => {
    assert.deepEqual(effective({ model: { workspaceValue: 'deepseek/deepseek-reasoner' } }).ignored, []);
  });
});

describe('a workspace cannot multiply the requests sent per prompt', () => {
  const cases: [string, Levels, boolean][] = [
    ['hedging switched on (user: off)', { hedgeAfterMs: { workspaceValue: 1 } }, false],
    ["hedging sooner than the user's", { hedgeAfterMs: { globalValue: 5000, workspaceValue: 100 } }, false],
    ["hedging later than the user's", { hedgeAfterMs: { globalValue: 5000, workspaceValue: 8000 } }, true],
    ['hedging off', { hedgeAfterMs: { globalValue: 5000, workspaceValue: 0 } }, true],
    ['more retries than the default 2', { retries: { workspaceValue: 10 } }, false],
    ["more retries than the user's", { retries: { globalValue: 1, workspaceValue: 2 } }, false],
    ['fewer retries', { retries: { globalValue: 3, workspaceValue: 0 } }, true],
    ['retries that are not a number', { retries: { globalValue: 0, workspaceValue: 'ten' } }, false],
  ];
  for (const [what, levels, allowed] of cases) {
    test(`${what}: ${allowed ? 'used' : 'ignored and named'}`, () => {
      const [name] = Object.keys(levels) as SettingName[];
      const { flat, ignored } = effective(levels);
      if (allowed) assert.deepEqual([flat[name], ignored], [levels[name]?.workspaceValue, []]);
      else {
        assert.deepEqual(ignored, [name]);
        assert.equal(flat[name], levels[name]?.globalValue);
        assert.match(whyIgnored(name), /more requests/);
      }
    });
  }
});
