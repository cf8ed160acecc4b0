// parseConfig and urlProblem: defaults, the flat → nested form, invalid values named with what is allowed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TIERS, defaultConfig, parseConfig, urlProblem } from '../../src/core/config/settings';
import { ConfigError } from '../../src/core/base/errors';

describe('parseConfig', () => {
  test('defaults match the settings contract', () => {
    const c = defaultConfig();
    assert.equal(c.gateway.baseUrl, 'https://api.select.ax/v1');
    assert.equal(c.gateway.preset, 'select');
    assert.equal(c.model, 'smart-select');
    assert.deepEqual(c.smartSelect.tiers, DEFAULT_TIERS);
    assert.equal(c.retries, 2);
    assert.equal(c.hedgeAfterMs, 0);
  });

  test('reads the flat dotted form, with or without the prefix, into the nested Config', () => {
    const { config, problems } = parseConfig({
      'switchboard.timeouts.firstTokenMs': 300,
      'timeouts.idleMs': 0,
      model: 'sim/echo',
      fallbacks: { '*': ['sim/echo'] },
      'smartSelect.tiers': { fast: 'x/fast' },
      'gateway.baseUrl': 'http://127.0.0.1:9999/v1/',
    });
    assert.deepEqual(problems, []);
    assert.equal(config.timeouts.firstTokenMs, 300);
    assert.equal(config.timeouts.idleMs, 0);
    assert.equal(config.timeouts.connectMs, 10_000);
    assert.equal(config.model, 'sim/echo');
    assert.deepEqual(config.fallbacks, { '*': ['sim/echo'] });
    assert.equal(config.smartSelect.tiers.fast, 'x/fast');
    assert.equal(config.smartSelect.tiers.strong, DEFAULT_TIERS.strong);
    assert.equal(config.gateway.baseUrl, 'http://127.0.0.1:9999/v1', 'trailing slash removed');
  });

  const invalid: [string, unknown, RegExp][] = [
    ['timeouts.idleMs', -5, /from 0 \(off\) to 600000/],
    ['retries', 'three', /integer from 0 to 10/],
    ['gateway.preset', 'azure', /select/],
    ['gateway.baseUrl', 'http://example.com/v1', /plain http/],
    ['gateway.baseUrl', 'https://user:pw@example.com/v1', /credentials/],
    ['budget.onExceed', 'explode', /block/],
    ['fallbacks', { '*': [''] }, /non-empty model id/],
    ['providers', { anthropic: { baseUrl: 'ftp://x' } }, /https/],
  ];
  for (const [name, value, allowed] of invalid) {
    test(`an invalid ${name} names the setting, the value and what is allowed, and keeps the default`, () => {
      const { config, problems } = parseConfig({ [name]: value });
      assert.equal(problems.length, 1);
      const p = problems[0];
      assert.ok(p instanceof ConfigError);
      assert.equal(p.setting, `switchboard.${name}`);
      assert.match(p.message, new RegExp(`"switchboard\\.${name.replace('.', '\\.')}"`));
      // A value with credentials is shown redacted (see the next test); every other value is shown as given.
      const shown = JSON.stringify(value)
        .replace(/\/\/[^@]*@/, '//‹redacted›@')
        .slice(0, 20);
      assert.ok(p.message.includes(shown), p.message);
      assert.match(p.message, allowed);
      assert.deepEqual(config, defaultConfig());
    });
  }

  test('an unknown setting is reported by name, the rest still applies', () => {
    const { config, problems } = parseConfig({ 'timeout.idleMs': 5, retries: 4 });
    assert.equal(problems.length, 1);
    assert.equal(problems[0].setting, 'switchboard.timeout.idleMs');
    assert.match(problems[0].message, /Unknown setting/);
    assert.equal(config.retries, 4);
  });

  test('an invalid URL never leaks credentials into the message', () => {
    const { problems } = parseConfig({ 'gateway.baseUrl': 'https://user:sk-secret@example.com' });
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /credentials/);
    assert.ok(!problems[0].message.includes('sk-secret'), problems[0].message);
  });
});

describe('urlProblem', () => {
  test('allows https anywhere and http only to loopback', () => {
    assert.equal(urlProblem('https://api.select.ax/v1'), undefined);
    assert.equal(urlProblem('http://localhost:4000/v1'), undefined);
    assert.equal(urlProblem('http://127.0.0.1:1/v1'), undefined);
    assert.equal(urlProblem('http://[::1]:1/v1'), undefined);
    assert.match(urlProblem('http://10.0.0.1/v1') ?? '', /unencrypted/);
    assert.match(urlProblem('not a url') ?? '', /not a URL/);
  });
});
