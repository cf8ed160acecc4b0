// The CLI's commands (ask, select, models, usage, serve): each builds the core from the parsed options, runs, prints
// and returns the exit code. Argument parsing is options.ts; the entry point is src/cli.ts.
import { createCore, type Core } from '../core/createCore';
import { consumeRoute, type RouteResult } from '../core/routing/consumeRoute';
import { CancelledError, ConfigError, isSwitchboardError } from '../core/base/errors';
import { formatEvent } from '../core/routing/eventLog';
import { redact } from '../core/base/redact';
import type { AttemptEvent, RoutingEvent } from '../core/base/types';
import { localTokenFrom, serveTokenHint } from './localToken';
import { formatUsd } from '../core/base/format';
import { keysInEnv } from '../core/config/keys';
import { envKeys, type CliOptions } from './options';
import { terminalJson, terminalSafe } from './terminalText';

const CATALOG_WAIT_MS = 2000;
const envKeyValues = () => keysInEnv(process.env);

export async function openCore(opts: CliOptions): Promise<Core> {
  const core = await createCore({
    config: opts.config,
    userSetBaseUrl: opts.userSetBaseUrl,
    keys: envKeys(process.env, opts),
    usageFile: opts.usageFile,
    onWarning: (m) => process.stderr.write(`switchboard: ${terminalSafe(m)}\n`),
  });
  if (opts.verbose) core.router.onEvent((e: RoutingEvent) => process.stderr.write(terminalSafe(redact(formatEvent(e), envKeyValues())) + '\n'));
  return core;
}

function requireText(opts: CliOptions, what: string): string {
  const text = opts.text.trim();
  if (!text) throw new ConfigError('prompt', `${what} needs a prompt, e.g. switchboard ${opts.command} "Explain quantum computing in one sentence."`);
  return text;
}

export async function runAsk(opts: CliOptions): Promise<number> {
  const prompt = requireText(opts, 'ask');
  const core = await openCore(opts);
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  // A one-shot process has no cached catalog: give the gateway's /models (prices) a moment so costUsd is exact.
  await Promise.race([core.listModels({ waitForGateway: true }), new Promise((r) => setTimeout(r, CATALOG_WAIT_MS).unref())]);
  let r: RouteResult;
  try {
    r = await consumeRoute(
      core.router,
      { model: core.config().model, messages: [{ role: 'user', content: prompt }] },
      {
        signal: ac.signal,
        client: 'cli',
        onChunk: (c) => {
          if (!opts.json) process.stdout.write(terminalSafe(c.text));
        },
      },
    );
  } finally {
    process.off('SIGINT', onSigint);
    await core.flush();
    core.dispose();
  }
  const attempts = r.attempts.map(toJsonAttempt);
  if (r.outcome === 'done') {
    if (opts.json) {
      const d = r.done;
      process.stdout.write(
        terminalJson({
          model: r.servedModel,
          requested: d.requested,
          answeredBy: d.answeredBy,
          text: r.text,
          usage: d.usage,
          costUsd: r.costUsd,
          costSource: d.costSource,
          selection: d.selection,
          attempts,
        }) + '\n',
      );
    } else if (!r.text.endsWith('\n')) process.stdout.write('\n');
    return 0;
  }
  const error = r.outcome === 'stopped' ? new CancelledError() : r.error;
  if (r.outcome === 'broken' && !opts.json) process.stdout.write('\n[answer interrupted]\n');
  if (opts.json && isSwitchboardError(error)) {
    process.stdout.write(terminalJson({ error: { code: error.code, message: redact(error.message, envKeyValues()) }, text: r.text, attempts }) + '\n');
  }
  throw error;
}

const toJsonAttempt = (a: Pick<AttemptEvent, 'model' | 'outcome' | 'msTotal' | 'status'>) => ({
  model: a.model,
  outcome: a.outcome,
  ms: Math.round(a.msTotal),
  ...(a.status ? { status: a.status } : {}),
});

export async function runSelect(opts: CliOptions): Promise<number> {
  const prompt = requireText(opts, 'select');
  const { selectModel } = await import('../core/select/select');
  const decision = selectModel({ messages: [{ role: 'user', content: prompt }] }, opts.config);
  if (opts.json)
    process.stdout.write(terminalJson({ tier: decision.tier, model: decision.model, reasons: decision.reasons, confidence: decision.confidence }) + '\n');
  else process.stdout.write(terminalSafe(`${decision.tier} → ${decision.model}\n${decision.reasons.map((r) => `  - ${r}`).join('\n')}\n`));
  return 0;
}

export async function runModels(opts: CliOptions): Promise<number> {
  const core = await openCore(opts);
  try {
    const models = await core.listModels({ waitForGateway: true });
    if (opts.json) process.stdout.write(terminalJson(models) + '\n');
    else {
      const rows = models.map((m) => [
        m.id,
        `${formatUsd(m.pricing.input * 1e6)}/${formatUsd(m.pricing.output * 1e6)} per 1M`,
        `${Math.round(m.contextWindow / 1000)}k`,
        m.tags.join(','),
      ]);
      const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
      for (const r of rows) process.stdout.write(terminalSafe(`${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padStart(widths[2])}  ${r[3]}\n`));
    }
  } finally {
    core.dispose();
  }
  return 0;
}

export async function runUsage(opts: CliOptions): Promise<number> {
  // Only the ledger: no core, so no catalog refresh keeps the process waiting on the network.
  const { UsageLedger } = await import('../core/usage/ledger');
  const ledger = await UsageLedger.open(opts.usageFile, { onWarning: (m) => process.stderr.write(`switchboard: ${m}\n`) });
  try {
    const summary = ledger.summary({ now: Date.now() });
    if (opts.json) process.stdout.write(terminalJson(summary) + '\n');
    else {
      process.stdout.write(`today ${formatUsd(summary.todaySpentUsd)} · this month ${formatUsd(summary.monthSpentUsd)}\n`);
      for (const m of summary.perModel) {
        const line =
          `${m.model}: ${m.requests} answers (${m.answeredAsFallback} as fallback, ${m.failures} failed attempts), ` +
          `${m.promptTokens}+${m.completionTokens} tokens, ${formatUsd(m.costUsd)}, p50 ${Math.round(m.p50TotalMs)} ms\n`;
        process.stdout.write(terminalSafe(line));
      }
      if (summary.byClient.length) process.stdout.write('by client:\n');
      for (const c of summary.byClient) {
        process.stdout.write(terminalSafe(`  ${c.label}: ${c.requests} answers, ${c.promptTokens}+${c.completionTokens} tokens, ${formatUsd(c.costUsd)}\n`));
      }
    }
  } finally {
    ledger.dispose();
  }
  return 0;
}

export async function runServe(opts: CliOptions): Promise<number> {
  const sources = { flag: opts.token, file: opts.tokenFile, env: process.env };
  const token = localTokenFrom({ ...sources, warn: (m) => process.stderr.write(`switchboard: ${m}\n`) });
  const core = await openCore(opts);
  // A server loads the tokenizer up front, so no request waits for it when an upstream sends no usage.
  const { estimateTokens } = await import('../core/prompt/tokens');
  estimateTokens('warm up');
  const { startLocalGateway } = await import('../gateway/server');
  const gw = await startLocalGateway({
    core,
    port: opts.port ?? opts.config.localGateway.port,
    token,
    tokenHint: serveTokenHint(sources),
    // Failed requests: what the client got, or for an unexpected error what it really was (the client is told to look here).
    log: gatewayLog,
  });
  process.stdout.write(`listening on ${gw.url}\n`);
  if (!token) process.stderr.write(`local token: ${gw.token}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await gw.close();
  await core.flush();
  core.dispose();
  return 0;
}

/** The local gateway's log in a terminal: one redacted, terminal-safe line each on stderr. */
export function gatewayLog(line: string): void {
  process.stderr.write(`switchboard: ${terminalSafe(redact(line, envKeyValues()))}\n`);
}
