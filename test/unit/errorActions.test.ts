// Issue 25 items 1-2: which buttons a toast offers and what it says beside the chat's inline error.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AllCandidatesFailedError, errorFromStatus, NoKeyError, CancelledError } from '../../src/core/base/errors';
import { presentError } from '../../src/vscode/errorActions';

const failed = (model: string, status: number) => ({ model, endpoint: 'gateway', outcome: 'error', status, message: `${model} at gateway: HTTP ${status}.` });

describe('the toast for an error', () => {
  test('every key problem (no key, 401, 403, every attempt refused) offers Set API Key and Choose Gateway', () => {
    const problems = [
      new NoKeyError('gateway', 'https://api.select.ax/v1'),
      errorFromStatus({ endpoint: 'gateway', model: 'm', status: 401, keySent: false }, undefined),
      errorFromStatus({ endpoint: 'gateway', model: 'm', status: 403, keySent: true }, undefined),
      new AllCandidatesFailedError([failed('m', 401), failed('m', 401)]),
    ];
    for (const err of problems) {
      const shown = presentError(err, { shownInline: true });
      assert.deepEqual(shown?.actions, ['setApiKey', 'choosePreset'], err.message);
      assert.doesNotMatch(shown?.text ?? '', /another/);
    }
  });

  test('a model that failed without a fallback offers Add Fallback… for that model', () => {
    const shown = presentError(new AllCandidatesFailedError([failed('sim/fail', 503), failed('sim/fail', 503)]), { shownInline: true });
    assert.deepEqual(shown?.actions, ['addFallback', 'showLog']);
    assert.equal(shown?.fallbackFor, 'sim/fail');
  });

  test('beside the inline error the toast repeats none of its lines; without it the toast carries the message', () => {
    const err = new AllCandidatesFailedError([failed('sim/fail', 503), failed('sim/fail', 503), failed('sim/fail', 503)]);
    const inline = presentError(err, { shownInline: true })!;
    for (const line of err.message.split('\n').slice(1)) assert.ok(!inline.text.includes(line.trim()), `toast repeats ${JSON.stringify(line)}`);
    assert.ok(inline.text.length < 100, inline.text);
    assert.equal(presentError(err)?.text, err.message);
  });

  test("an unexpected error's toast shows no known key, nor a piece of one, nor anything shaped like a key", () => {
    const key = 'gw-7f3a9c1e5b2d8f4a6c0e';
    const errors = [
      new TypeError(`Cannot read properties of undefined (request with Authorization: ${key})`),
      new Error(`fetch failed for header x-api-key=${key.slice(3, 17)}…`),
      `thrown text with sk-proj-someOtherKey0123456789 in it`,
    ];
    for (const err of errors) {
      const shown = presentError(err, {}, [key]);
      assert.ok(shown, String(err));
      assert.doesNotMatch(shown.text, /7f3a9c1e|someOtherKey/, shown.text);
      assert.match(shown.text, /^Switchboard: .*redacted/, shown.text);
      assert.deepEqual(shown.actions, ['showLog']);
    }
    assert.equal(presentError(new Error('the view closed'), {}, [key])?.text, 'Switchboard: the view closed', 'a message without a key is shown whole');
  });

  test('a cancelled request shows nothing', () => {
    assert.equal(presentError(new CancelledError()), undefined);
  });
});
