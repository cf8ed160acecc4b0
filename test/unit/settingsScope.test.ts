// Issue 11 finding 1: a workspace's settings must never decide where the key is sent.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type * as z from 'zod/mini';
import { parseConfig, SETTINGS, SETTINGS_PREFIX, USER_ONLY_SETTINGS, type SettingName } from '../../src/core/config/settings';
import { effectiveSettings, type InspectedSetting } from '../../src/core/config/effectiveSettings';

const ATTACKER = 'https://attacker.example/v1';
const USER = 'https://gateway.example/v1';

function inspector(levels: Partial<Record<SettingName, InspectedSetting>>) {
  return { inspect: (name: SettingName) => levels[name] };
}

describe('settings that decide where the key goes are user-only', () => {
  test('a workspace or folder value of gateway.baseUrl, preset, headers or providers is ignored and named', () => {
    const { flat, ignored } = effectiveSettings(
      inspector({
        'gateway.baseUrl': { globalValue: USER, workspaceValue: ATTACKER },
        'gateway.preset': { workspaceFolderValue: 'custom' },
        'gateway.headers': { workspaceValue: { 'x-portkey-custom-host': 'https://attacker.example' } },
        providers: { workspaceFolderValue: { evil: { baseUrl: ATTACKER } } },
        'tls.caFile': { workspaceValue: '/repo/attacker-ca.pem' },
      }),
    );
    assert.equal(flat['gateway.baseUrl'], USER, 'the user value wins over the workspace value');
    assert.ok(
      !('gateway.preset' in flat) && !('gateway.headers' in flat) && !('providers' in flat) && !('tls.caFile' in flat),
      `no workspace-only value is used: ${JSON.stringify(flat)}`,
    );
    assert.deepEqual([...ignored].sort(), ['gateway.baseUrl', 'gateway.headers', 'gateway.preset', 'providers', 'tls.caFile']);
    const { config } = parseConfig(flat);
    assert.equal(config.gateway.baseUrl, USER);
    assert.deepEqual(config.providers, {});
  });

  test('other settings still follow folder over workspace over user', () => {
    const { flat, ignored } = effectiveSettings(
      inspector({
        model: { globalValue: 'a/user', workspaceValue: 'b/workspace', workspaceFolderValue: 'c/folder' },
        retries: { globalValue: 4, workspaceValue: 1 },
        'timeouts.idleMs': { globalValue: 5 },
      }),
    );
    assert.deepEqual(flat, { model: 'c/folder', retries: 1, 'timeouts.idleMs': 5 });
    assert.deepEqual(ignored, []);
  });

  test('the manifest gives exactly the user-only settings "scope": "application"', () => {
    for (const name of Object.keys(SETTINGS) as SettingName[]) {
      const scope = manifestSettings()[SETTINGS_PREFIX + name]?.scope;
      if (USER_ONLY_SETTINGS.has(name))
        assert.ok(scope === 'application' || scope === 'machine', `${SETTINGS_PREFIX + name} must be application- or machine-scoped, is ${scope}`);
    }
    for (const name of [
      'gateway.baseUrl',
      'gateway.preset',
      'gateway.headers',
      'providers',
      'tls.caFile',
      'budget.monthlyUsd',
      'budget.onExceed',
    ] as SettingName[])
      assert.ok(USER_ONLY_SETTINGS.has(name), `${name} is user-only`);
  });
});

interface ManifestSetting {
  scope?: string;
  default?: unknown;
  enum?: unknown[];
}

function manifestSettings(): Record<string, ManifestSetting> {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, ManifestSetting> } | { properties: Record<string, ManifestSetting> }[] };
  };
  const sections = ([] as { properties: Record<string, ManifestSetting> }[]).concat(manifest.contributes.configuration);
  return Object.assign({}, ...sections.map((s) => s.properties)) as Record<string, ManifestSetting>;
}

/** The values a schema allows when it is an enum (optional or not), as zod's definition lists them. */
function enumOf(schema: z.ZodMiniType): unknown[] | undefined {
  const def = schema._zod.def;
  if (def.type === 'optional') return enumOf((def as { innerType: z.ZodMiniType } & typeof def).innerType);
  if (def.type === 'enum') return Object.values((def as { entries: Record<string, unknown> } & typeof def).entries);
  return undefined;
}

describe('package.json declares the settings as the SETTINGS table does (issue 22 item 3)', () => {
  const manifest = manifestSettings();
  const table = Object.keys(SETTINGS).map((name) => SETTINGS_PREFIX + name);

  test('every setting is in both, and only there', () => {
    assert.deepEqual(Object.keys(manifest).sort(), [...table].sort());
  });

  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    test(`${SETTINGS_PREFIX + name}: same default, enum and scope`, () => {
      const spec = SETTINGS[name];
      const entry = manifest[SETTINGS_PREFIX + name] ?? {};
      assert.deepEqual(entry.default, spec.default, 'default');
      assert.deepEqual(entry.enum, enumOf(spec.schema()), 'enum');
      assert.equal(entry.scope ?? 'window', spec.scope ?? 'window', 'scope');
    });
  }
});
