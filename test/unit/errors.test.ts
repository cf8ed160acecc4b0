// The error tree: errors are recognised by code across the two bundles, not by class identity.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CancelledError, errorFromStatus, hasErrorCode, isSwitchboardError, StreamBrokenError, UnavailableError } from '../../src/core/base/errors';

describe('error identity across bundles', () => {
  test('an error from another copy of the classes (dist/core.js) is still recognised by its brand and code', () => {
    const err = new CancelledError();
    // What the extension sees from the lazily loaded bundle: same shape and brand, a different prototype chain.
    Object.setPrototypeOf(err, Error.prototype);
    assert.equal(err instanceof CancelledError, false);
    assert.equal(isSwitchboardError(err), true);
    assert.equal(hasErrorCode(err, 'cancelled'), true);
    assert.equal(hasErrorCode(err, 'stream-broken'), false);
  });

  test('plain errors and look-alikes without the brand are not ours', () => {
    assert.equal(isSwitchboardError(new Error('x')), false);
    assert.equal(isSwitchboardError({ code: 'cancelled', retryable: false, message: 'x' }), false);
    assert.equal(isSwitchboardError(undefined), false);
  });

  test('hasErrorCode narrows to the subclass, so its fields are usable', () => {
    const cause = new UnavailableError({ endpoint: 'gateway', model: 'm', status: 503 }, 'down');
    const err: unknown = new StreamBrokenError({ endpoint: 'gateway', model: 'm' }, 'partial', cause, 'sim/echo');
    assert.ok(hasErrorCode(err, 'stream-broken'));
    assert.equal(err.partialText, 'partial');
    assert.equal(err.continueWith, 'sim/echo');
  });

  test('the status factory gives each status family its code and retry verdict', () => {
    const at = { endpoint: 'gateway', model: 'm' };
    assert.equal(errorFromStatus({ ...at, status: 401 }, undefined).code, 'auth');
    assert.equal(errorFromStatus({ ...at, status: 429 }, undefined).retryable, true);
    assert.equal(errorFromStatus({ ...at, status: 400 }, "This model's maximum context length is 10 tokens").code, 'context-length');
    assert.equal(errorFromStatus({ ...at, status: 404 }, undefined).retryable, false);
    assert.equal(errorFromStatus({ ...at, status: 503 }, undefined).retryable, true);
  });
});
