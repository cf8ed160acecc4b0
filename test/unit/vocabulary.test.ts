// Shared vocabulary: one money format, provider keys from the environment, one loopback check, listener errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEvent } from '../../src/core/routing/eventLog';
import { formatUsd } from '../../src/core/base/format';
import { isLoopbackUrl } from '../../src/core/base/loopback';
import { keyFromEnv, keysInEnv, providerSecret } from '../../src/core/config/keys';

test('one money format: $0.0345 reads the same in the log and everywhere formatUsd is used (the webviews import it too)', () => {
  assert.equal(formatUsd(0.0345), '$0.0345');
  const usage = { promptTokens: 1, completionTokens: 2, cachedTokens: 0, reasoningTokens: 0, estimated: false };
  const line = formatEvent({
    type: 'done',
    requestId: 'r',
    at: 0,
    requested: 'm',
    answeredBy: 'm',
    served: 'm',
    costSource: 'priced',
    endpoint: 'gateway',
    attempts: 1,
    fallback: false,
    usage,
    costUsd: 0.0345,
    msToFirstToken: 1,
    msTotal: 2,
  });
  assert.match(line, /\$0\.0345,/);
});

test('provider keys come from SWITCHBOARD_PROVIDER_KEY_<NAME>, and redaction lists them with the gateway keys', () => {
  const env = { SWITCHBOARD_API_KEY: 'sk-a', OPENAI_API_KEY: 'sk-b', SWITCHBOARD_PROVIDER_KEY_DEEP_SEEK: 'sk-c', PATH: '/bin' };
  assert.equal(keyFromEnv(providerSecret('deep-seek'), env, 'https://api.select.ax/v1'), 'sk-c');
  assert.equal(keyFromEnv('switchboard.apiKey', env, 'https://api.select.ax/v1'), 'sk-a');
  assert.deepEqual(keysInEnv(env).sort(), ['sk-a', 'sk-b', 'sk-c']);
});

test('one loopback check: localhost, 127/8 and ::1 over http or https; nothing else', () => {
  for (const u of ['http://localhost:4000/v1', 'http://127.0.0.2/v1', 'http://[::1]:8080/v1', 'https://localhost/v1']) assert.equal(isLoopbackUrl(u), true, u);
  for (const u of ['http://localhost.evil.example/v1', 'http://128.0.0.1/v1', 'not a url']) assert.equal(isLoopbackUrl(u), false, u);
});

test('a throwing listener never stops the others, and its error reaches the onUnexpectedError hook', async () => {
  const { Emitter, setUnexpectedErrorHandler } = await import('../../src/core/base/lifecycle');
  const seen: unknown[] = [];
  const hook = setUnexpectedErrorHandler((e) => seen.push(e));
  try {
    const em = new Emitter<number>();
    const got: number[] = [];
    em.event(() => {
      throw new Error('ledger listener broke');
    });
    em.event((n) => got.push(n));
    em.fire(7);
    assert.deepEqual(got, [7]);
    assert.equal((seen[0] as Error).message, 'ledger listener broke');
  } finally {
    hook.dispose();
  }
});
