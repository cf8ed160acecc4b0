// The usage record: the schema of one ledger line (checked on every read, since other processes and older versions
// write the same file) and what a whole request cost. Pure data; the file is ledger.ts, the events → records step
// records.ts.
import * as z from 'zod/mini';
import { TIERS, type AttemptOutcome } from '../base/types';
import { MAX_BELIEVABLE_ANSWER_USD } from '../catalog/billedCost';

const OUTCOMES = [
  'ok',
  'error',
  'timeout',
  'skipped-breaker-open',
  'cancelled',
  'hedge-lost',
  'broken-after-tokens',
] as const satisfies readonly AttemptOutcome[];

/** The ledger line's schema, built on first read (not at extension load). */
function buildSchemas() {
  const count = z.int().check(z.minimum(0));
  const nonNegative = z.number().check(z.minimum(0));
  const usd = z.number().check(z.minimum(0), z.maximum(MAX_BELIEVABLE_ANSWER_USD));
  const usageSchema = z.object({
    promptTokens: count,
    completionTokens: count,
    cachedTokens: count,
    reasoningTokens: count,
    estimated: z.boolean(),
  });

  /** An attempt of the request that did not produce the answer (failed, skipped, cancelled or lost a hedge race). */
  const otherAttemptSchema = z.object({
    model: z.string(),
    endpoint: z.string(),
    outcome: z.enum(OUTCOMES),
    status: z.optional(z.int()),
    errorCode: z.optional(z.string()),
    msTotal: nonNegative,
    usage: z.optional(usageSchema),
    /** What this attempt cost on its own (a hedge that lost, a stream broken after tokens); not in `costUsd`. */
    costUsd: z.optional(usd),
  });

  const usageRecordSchema = z.object({
    v: z.literal(1),
    /** Epoch ms when the request finished. */
    at: z.number(),
    requestId: z.string(),
    /** What the caller asked for (`smart-select`, an alias, a model id). */
    requested: z.string(),
    /** The candidate that answered (what Switchboard sent); for a failed request, the last model tried. */
    answeredBy: z.string(),
    /** The model that served, as the upstream named it (a routing gateway may answer with another). */
    served: z.optional(z.string()),
    /** Where costUsd comes from: the upstream's bill, the catalog's prices, or locally counted tokens. */
    costSource: z.optional(z.enum(['billed', 'priced', 'estimated'])),
    endpoint: z.string(),
    attempts: count,
    /** True when the answer came from a model other than the first candidate. */
    fallback: z.boolean(),
    otherAttempts: z.array(otherAttemptSchema),
    /** Tokens of the answering attempt. Cached tokens are inside promptTokens, reasoning inside completionTokens. */
    usage: usageSchema,
    /** Cost of the answering attempt in USD. The request's full cost is `requestCostUsd(record)`. */
    costUsd: usd,
    msToFirstToken: nonNegative,
    msTotal: nonNegative,
    tier: z.optional(z.enum(TIERS)),
    /** Set when no candidate answered (the record exists because some attempt was billed). */
    error: z.optional(z.string()),
    /** Who asked (a name from base/clients.ts; absent in records written before clients were named). */
    client: z.optional(z.string()),
  });
  return { usageRecordSchema, otherAttemptSchema };
}

let schemas: ReturnType<typeof buildSchemas> | undefined;
export const usageRecordSchema = () => (schemas ??= buildSchemas()).usageRecordSchema;

export type UsageRecord = z.infer<ReturnType<typeof buildSchemas>['usageRecordSchema']>;
export type OtherAttempt = z.infer<ReturnType<typeof buildSchemas>['otherAttemptSchema']>;

/** Everything the request cost: the answer plus attempts that were billed without answering. */
export function requestCostUsd(r: UsageRecord): number {
  let total = r.costUsd;
  for (const a of r.otherAttempts) total += a.costUsd ?? 0;
  return total;
}
