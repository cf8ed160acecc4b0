// Issue 11 finding 1: a workspace's settings must never decide where the key is sent.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  effectiveSettings,
  parseConfig,
  SETTINGS,
  SETTINGS_PREFIX,
  USER_ONLY_SETTINGS,
  type InspectedSetting,
  type SettingName,
} from '../../src/core/config/settings';

const ATTACKER = 'https://attacker.example/v1';
const USER = 'https://gateway.example/v1';

function inspector(levels: Partial<Record<SettingName, InspectedSetting>>) {
  return (name: SettingName) => levels[name];
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
        retries: { globalValue: 1, workspaceValue: 4 },
        'timeouts.idleMs': { globalValue: 5 },
      }),
    );
    assert.deepEqual(flat, { model: 'c/folder', retries: 4, 'timeouts.idleMs': 5 });
    assert.deepEqual(ignored, []);
  });

  test('the manifest gives exactly the user-only settings "scope": "application"', () => {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { scope?: string }> } | { properties: Record<string, { scope?: string }> }[] };
    };
    const sections = ([] as { properties: Record<string, { scope?: string }> }[]).concat(manifest.contributes.configuration);
    const properties = Object.assign({}, ...sections.map((s) => s.properties)) as Record<string, { scope?: string }>;
    for (const name of Object.keys(SETTINGS) as SettingName[]) {
      const scope = properties[SETTINGS_PREFIX + name]?.scope;
      if (USER_ONLY_SETTINGS.has(name))
        assert.ok(scope === 'application' || scope === 'machine', `${SETTINGS_PREFIX + name} must be application- or machine-scoped, is ${scope}`);
    }
    for (const name of ['gateway.baseUrl', 'gateway.preset', 'gateway.headers', 'providers', 'tls.caFile'] as SettingName[])
      assert.ok(USER_ONLY_SETTINGS.has(name), `${name} is user-only`);
  });
});
