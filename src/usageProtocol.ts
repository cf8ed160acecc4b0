// Typed messages between the usage webview and the extension host, imported by both sides. The webview only ever
// receives aggregated numbers and model ids: no key, no prompt text, no request bodies.
import * as z from 'zod/mini';
import { CLIENT_IDS } from './core/base/clients';
import type { BudgetStatus } from './core/base/types';
import type { UsageSummary } from './core/usage/stats';

const num = z.number();

const modelStats = z.object({
  model: z.string(),
  requests: num,
  answeredAsFallback: num,
  failures: num,
  promptTokens: num,
  completionTokens: num,
  cachedTokens: num,
  reasoningTokens: num,
  estimated: num,
  costUsd: num,
  billedUsd: num,
  estimatedUsd: num,
  p50FirstTokenMs: num,
  p95FirstTokenMs: num,
  p50TotalMs: num,
  p95TotalMs: num,
});

export const usageSummarySchema = z.object({
  days: z.array(z.string()),
  perDay: z.array(z.object({ day: z.string(), model: z.string(), costUsd: num, tokens: num, requests: num })),
  perModel: z.array(modelStats),
  byClient: z.array(z.object({ client: z.enum(CLIENT_IDS), label: z.string(), requests: num, promptTokens: num, completionTokens: num, costUsd: num })),
  totalCostUsd: num,
  totalRequests: num,
  totalTokens: num,
  todaySpentUsd: num,
  monthSpentUsd: num,
});

export const budgetStatusSchema = z.object({
  monthSpentUsd: num,
  todaySpentUsd: num,
  limitUsd: num,
  fraction: num,
  action: z.enum(['ok', 'warn', 'downgrade', 'block']),
});

/** Host → webview. */
export const usageHostMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('usage'), summary: usageSummarySchema, budget: budgetStatusSchema, windowDays: num }),
  z.object({ type: z.literal('exported'), ok: z.boolean(), message: z.string() }),
]);
export type UsageHostMessage = z.infer<typeof usageHostMessage>;

/** Webview → host. */
export const usageWebviewMessage = z.discriminatedUnion('type', [z.object({ type: z.literal('ready') }), z.object({ type: z.literal('exportCsv') })]);
export type UsageWebviewMessage = z.infer<typeof usageWebviewMessage>;

// Compile-time checks that the wire shapes match the core types they carry.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const summaryMatches: Same<z.infer<typeof usageSummarySchema>, UsageSummary> = true;
const budgetMatches: Same<z.infer<typeof budgetStatusSchema>, BudgetStatus> = true;
void summaryMatches;
void budgetMatches;
