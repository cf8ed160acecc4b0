// A usage-ledger record for tests: one plain gateway answer by model `m` (10 prompt and 5 completion tokens, counted, not estimated), at the time, id and cost given.
import type { UsageRecord } from '../../../src/core/usage/record';

export const usageRecord = (given: Pick<UsageRecord, 'at' | 'requestId' | 'costUsd'> & Partial<UsageRecord>): UsageRecord => ({
  v: 1,
  requested: 'm',
  answeredBy: 'm',
  endpoint: 'gateway',
  attempts: 1,
  fallback: false,
  otherAttempts: [],
  usage: { promptTokens: 10, completionTokens: 5, cachedTokens: 0, reasoningTokens: 0, estimated: false },
  msToFirstToken: 100,
  msTotal: 1000,
  ...given,
});
