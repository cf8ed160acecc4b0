// costOf: cached and reasoning tokens priced once at their own prices, counts clamped, unknown pricing costs 0.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { costOf } from '../../src/core/catalog/cost';
import type { Usage } from '../../src/core/base/types';

const EPS = 1e-9;
const usage = (u: Partial<Usage>): Usage => ({ promptTokens: 0, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0, estimated: false, ...u });
const near = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < EPS, `${actual} != ${expected} (±${EPS})`);

// Prices per token: $2.50 / $10 per million in/out, $1.25 per million cached, $40 per million reasoning.
const PRICES = { input: 2.5e-6, output: 10e-6, cachedInput: 1.25e-6, reasoning: 40e-6 };

describe('costOf', () => {
  test('plain prompt and completion', () => {
    near(costOf(usage({ promptTokens: 1000, completionTokens: 500 }), PRICES), 1000 * 2.5e-6 + 500 * 10e-6); // 0.0075
    near(costOf(usage({ promptTokens: 1000, completionTokens: 500 }), PRICES), 0.0075);
  });

  test('cached tokens are part of prompt tokens and priced once, at the cached price', () => {
    // 600 uncached × 2.5e-6 + 400 cached × 1.25e-6 = 0.0015 + 0.0005
    near(costOf(usage({ promptTokens: 1000, cachedTokens: 400 }), PRICES), 0.002);
  });

  test('reasoning tokens are part of completion tokens and priced once, at the reasoning price', () => {
    // 300 visible × 10e-6 + 200 reasoning × 40e-6 = 0.003 + 0.008
    near(costOf(usage({ completionTokens: 500, reasoningTokens: 200 }), PRICES), 0.011);
  });

  test('all four kinds together', () => {
    const u = usage({ promptTokens: 12_345, cachedTokens: 10_000, completionTokens: 6_789, reasoningTokens: 4_321 });
    const expected = 2_345 * 2.5e-6 + 10_000 * 1.25e-6 + 2_468 * 10e-6 + 4_321 * 40e-6; // 0.0058625 + 0.0125 + 0.02468 + 0.17284
    near(costOf(u, PRICES), expected);
    near(costOf(u, PRICES), 0.2158825);
  });

  test('without a cached or reasoning price those tokens cost the input / output price', () => {
    const u = usage({ promptTokens: 1000, cachedTokens: 400, completionTokens: 500, reasoningTokens: 200 });
    near(costOf(u, { input: 3e-6, output: 15e-6 }), 1000 * 3e-6 + 500 * 15e-6); // 0.0105
  });

  test('cached/reasoning counts larger than their totals are clamped, never negative', () => {
    near(costOf(usage({ promptTokens: 100, cachedTokens: 500 }), PRICES), 100 * 1.25e-6);
    near(costOf(usage({ completionTokens: 10, reasoningTokens: 50 }), PRICES), 10 * 40e-6);
  });

  test('tiny requests stay exact to 1e-9 and unknown pricing costs 0', () => {
    near(costOf(usage({ promptTokens: 1, completionTokens: 1 }), { input: 1.5e-7, output: 6e-7 }), 7.5e-7);
    assert.equal(costOf(usage({ promptTokens: 1000, completionTokens: 1000 }), undefined), 0);
  });
});
