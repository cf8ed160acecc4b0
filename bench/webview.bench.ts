// Chat webview rendering cost in Debian Chromium: streamed answers of 1k, 10k and 50k tokens (markdown with
// headings, lists, links and code blocks), posted as protocol `delta` messages of 3 tokens each.
//
// Method. The page is the real bundle behind the real HTML shell and CSP (test/unit/chatWebviewPage.ts). For each
// answer an in-page driver dispatches `message` events the way VS Code delivers them, a fixed number of chunks per
// animation frame (60 tokens/frame), so every size sees the same per-frame load and the number of frames grows
// linearly with the length. After the last chunk it sends `done` and forces a layout. What is measured is the
// renderer main thread's busy time over that whole span, from Chrome's own counters (CDP Performance.getMetrics
// `TaskDuration`, with `ScriptDuration` and `LayoutDuration`+`RecalcStyleDuration` as a breakdown) in thread CPU
// time (`timeDomain: threadTicks`), so other processes competing for the CPU do not inflate it: message parsing,
// markdown, sanitising, highlighting, DOM updates, style, layout, paint and GC all count; idle time between frames
// does not, so the figure does not depend on the frame rate. Each size starts from an empty transcript.
// A rendering that redid the whole answer per frame would grow quadratically (t(10k)/t(1k) ≈ 100); the goal is
// ≤ 10× time for a 10× longer answer, i.e. linear. A reopened 200-turn chat is measured too (see restoreAndScroll).
import type { CDPSession } from 'playwright-core';
import type { BenchOptions } from './run';
import { mulberry32 as prng } from '../test/sim/prng';
import { chromiumAvailable, openChatPage, CHROMIUM, type ChatPage } from '../test/unit/chatWebviewPage';

const TOKENS_PER_CHUNK = 3;
const CHUNKS_PER_FRAME = 20;
const SIZES = [1_000, 10_000, 50_000] as const;

const WORDS =
  'the router picks a model for each request and falls back when one fails so the answer keeps streaming while the badge shows which model answered how many tokens it used and what it cost in dollars per month budget cache latency retry breaker gateway endpoint provider stream chunk token'.split(
    ' ',
  );
const CODE: Record<string, string[]> = {
  ts: [
    'export async function route(req: ChatRequest): Promise<Answer> {',
    '  const model = await select(req.prompt);',
    '  for (const c of candidates(model)) {',
    '    try { return await call(c, req); }',
    '    catch (e) { if (!isRetryable(e)) throw e; }',
    '  }',
    "  throw new Error('all candidates failed');",
    '}',
  ],
  python: [
    'def fibonacci(n: int) -> list[int]:',
    '    """Return the first n Fibonacci numbers."""',
    '    a, b = 0, 1',
    '    out = []',
    '    for _ in range(n):',
    '        out.append(a)',
    '        a, b = b, a + b',
    '    return out',
  ],
  bash: ['#!/usr/bin/env bash', 'set -euo pipefail', 'for f in src/*.ts; do', '  echo "checking $f"', '  npx eslint "$f" || exit 1', 'done'],
  json: [
    '{',
    '  "model": "smart-select",',
    '  "fallbacks": { "*": ["sim/echo", "gpt-4o-mini"] },',
    '  "timeouts.firstTokenMs": 300,',
    '  "budget.monthlyUsd": 20',
    '}',
  ],
};

/** A deterministic markdown answer of about `tokens` whitespace-separated tokens (the simulator's token unit). */
export function markdownAnswer(tokens: number, seed = 1): string {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const words = (n: number): string => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const blocks: string[] = [];
  let count = 0;
  for (let i = 0; count < tokens; i++) {
    let block: string;
    const kind = i % 8 === 0 ? 'heading' : pick(['para', 'para', 'list', 'code']);
    if (kind === 'heading') block = `## ${words(4)}`;
    else if (kind === 'list')
      block = Array.from({ length: 3 + Math.floor(rnd() * 3) }, (_, j) => `${j + 1}. **${pick(WORDS)}** ${words(6 + Math.floor(rnd() * 6))}`).join('\n');
    else if (kind === 'code') {
      const lang = pick(Object.keys(CODE));
      block = ['```' + lang, ...CODE[lang], ...CODE[lang].slice(0, Math.floor(rnd() * 4)), '```'].join('\n');
    } else block = `${words(15)} \`${pick(WORDS)}()\` ${words(10)} [${pick(WORDS)}](https://example.com/${pick(WORDS)}) ${words(10 + Math.floor(rnd() * 30))}.`;
    blocks.push(block);
    count += block.split(/\s+/).filter(Boolean).length;
  }
  return blocks.join('\n\n');
}

/** Groups tokens (with their trailing whitespace) into chunks of a few tokens, as a stream delivers them. */
export function toChunks(text: string, tokensPerChunk: number): string[] {
  const tokens = text.match(/\S+\s*/g) ?? [];
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += tokensPerChunk) out.push(tokens.slice(i, i + tokensPerChunk).join(''));
  return out;
}

interface Sample {
  mainThreadMs: number;
  scriptMs: number;
  styleLayoutMs: number;
  frames: number;
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

async function streamOnce(p: ChatPage, cdp: CDPSession, id: string, chunks: string[]): Promise<Sample> {
  await p.send({ type: 'state', turns: [], models: [], currentModel: 'sim/lorem' });
  const before = await metrics(cdp);
  const frames = await p.page.evaluate(
    async ({ id, chunks, perFrame }) => {
      const post = (data: unknown): void => void window.dispatchEvent(new MessageEvent('message', { data }));
      post({ type: 'start', id, prompt: 'Write a long answer with code', model: 'sim/lorem' });
      let i = 0;
      let frames = 0;
      await new Promise<void>((resolve) => {
        const frame = (): void => {
          frames++;
          for (let k = 0; k < perFrame && i < chunks.length; k++) post({ type: 'delta', id, text: chunks[i++] });
          if (i < chunks.length) requestAnimationFrame(frame);
          else resolve();
        };
        requestAnimationFrame(frame);
      });
      post({
        type: 'done',
        id,
        badge: { model: 'sim/lorem', requested: 'sim/lorem', promptTokens: 7, completionTokens: chunks.length * 3, estimated: false, costUsd: 0 },
      });
      void document.body.getBoundingClientRect().height; // forced layout: the final state is fully laid out
      await new Promise(requestAnimationFrame); // and painted
      const state = document.querySelector(`.turn[data-id="${id}"] [data-testid=answer]`)?.getAttribute('data-state');
      if (state !== 'done') throw new Error(`answer ${id} ended in state ${state}`);
      return frames;
    },
    { id, chunks, perFrame: CHUNKS_PER_FRAME },
  );
  const after = await metrics(cdp);
  const d = (k: string): number => ((after[k] ?? 0) - (before[k] ?? 0)) * 1000;
  return { mainThreadMs: d('TaskDuration'), scriptMs: d('ScriptDuration'), styleLayoutMs: d('LayoutDuration') + d('RecalcStyleDuration'), frames };
}

const HISTORY_TURNS = 200;
const HISTORY_TOKENS_PER_ANSWER = 400;

/**
 * Reopening a long chat: a `state` message with 200 finished turns (as the host sends when the view is shown again),
 * timed from the message to the first paint of the transcript scrolled to the bottom; then the whole transcript is
 * scrolled to the top, 600 px a frame, under a Chrome trace whose main-thread tasks give the long tasks (> 50 ms of
 * thread CPU time).
 */
export async function restoreAndScroll(
  p: ChatPage,
  cdp: CDPSession,
): Promise<{ restoreMs: number; restoreMainThreadMs: number; scrollFrames: number; longTasks: number; longestTaskMs: number; longestTaskWallMs: number }> {
  await p.send({ type: 'state', turns: [], models: [], currentModel: 'sim/lorem' });
  const turns = Array.from({ length: HISTORY_TURNS }, (_, i) => ({
    id: `h${i}`,
    prompt: `question ${i}: explain the router`,
    model: 'sim/lorem',
    text: markdownAnswer(HISTORY_TOKENS_PER_ANSWER, 1000 + i),
    state: 'done',
    badge: { model: 'sim/lorem', requested: 'sim/lorem', promptTokens: 7, completionTokens: HISTORY_TOKENS_PER_ANSWER, estimated: false, costUsd: 0 },
  }));
  const before = await metrics(cdp);
  const restoreMs = await p.page.evaluate(async (turns) => {
    const t0 = performance.now();
    window.dispatchEvent(new MessageEvent('message', { data: { type: 'state', turns, models: [], currentModel: 'sim/lorem' } }));
    void document.body.getBoundingClientRect().height;
    await new Promise(requestAnimationFrame);
    await new Promise(requestAnimationFrame);
    return performance.now() - t0;
  }, turns);
  const after = await metrics(cdp);
  // Long tasks from Chrome's trace: each main-thread task's thread CPU time (`tdur`), which other processes on the
  // machine cannot inflate, and its wall time (`dur`) for reference.
  const events: { name: string; ph: string; dur?: number; tdur?: number; cat?: string }[] = [];
  cdp.on('Tracing.dataCollected', (e) => void events.push(...(e.value as unknown as typeof events)));
  const traced = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { categories: 'disabled-by-default-devtools.timeline,devtools.timeline', transferMode: 'ReportEvents' });
  const scrollFrames = await p.page.evaluate(async () => {
    const transcript = document.querySelector<HTMLElement>('.transcript');
    if (!transcript) throw new Error('no transcript');
    let frames = 0;
    while (transcript.scrollTop > 0) {
      transcript.scrollTop = Math.max(0, transcript.scrollTop - 600);
      frames++;
      await new Promise(requestAnimationFrame);
    }
    await new Promise((r) => setTimeout(r, 200));
    return frames;
  });
  await cdp.send('Tracing.end');
  await traced;
  const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X');
  const cpuMs = tasks.map((e) => (e.tdur ?? 0) / 1000);
  const wallMs = tasks.map((e) => (e.dur ?? 0) / 1000);
  const scroll = {
    frames: scrollFrames,
    longTasks: cpuMs.filter((ms) => ms > 50).length,
    longestTaskMs: Math.max(0, ...cpuMs),
    longestTaskWallMs: Math.max(0, ...wallMs),
  };
  return {
    restoreMs,
    restoreMainThreadMs: ((after.TaskDuration ?? 0) - (before.TaskDuration ?? 0)) * 1000,
    scrollFrames: scroll.frames,
    longTasks: scroll.longTasks,
    longestTaskMs: scroll.longestTaskMs,
    longestTaskWallMs: scroll.longestTaskWallMs,
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number): number => Math.round(x * 10) / 10;

export default async function webviewBench(opts: BenchOptions): Promise<Record<string, unknown>> {
  if (!chromiumAvailable()) return { skipped: `${CHROMIUM} is missing; install Debian's chromium to run the webview benchmark` };
  const reps = opts.quick ? 1 : 3;
  const p = await openChatPage({ viewport: { width: 480, height: 900 } });
  try {
    const cdp = await p.page.context().newCDPSession(p.page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const inputs = SIZES.map((n) => ({ n, chunks: toChunks(markdownAnswer(n, n), TOKENS_PER_CHUNK) }));
    await streamOnce(p, cdp, 'warmup', inputs[0].chunks); // JIT warm-up, not counted
    const results: Record<string, unknown> = {
      method: 'CDP TaskDuration (thread CPU time) of the renderer main thread over the stream',
      tokensPerFrame: TOKENS_PER_CHUNK * CHUNKS_PER_FRAME,
      reps,
    };
    const ms: Record<number, number> = {};
    for (const { n, chunks } of inputs) {
      const samples: Sample[] = [];
      for (let r = 0; r < reps; r++) samples.push(await streamOnce(p, cdp, `a${n}-${r}`, chunks));
      const label = `${n / 1000}k`;
      ms[n] = median(samples.map((s) => s.mainThreadMs));
      results[`ms_${label}`] = round(ms[n]);
      results[`scriptMs_${label}`] = round(median(samples.map((s) => s.scriptMs)));
      results[`styleLayoutMs_${label}`] = round(median(samples.map((s) => s.styleLayoutMs)));
      results[`frames_${label}`] = samples[0].frames;
    }
    const r10 = ms[10_000] / ms[1_000];
    const r50 = ms[50_000] / ms[10_000];
    results.ratio_10k_1k = Math.round(r10 * 100) / 100;
    results.ratio_50k_10k = Math.round(r50 * 100) / 100;
    // The goal: 10× the tokens within 12× the time. (Linear would make ratio_50k_10k about 5.)
    results.goal_10x_within_10x = r10 <= 10;

    const history: Awaited<ReturnType<typeof restoreAndScroll>>[] = [];
    for (let r = 0; r < reps; r++) history.push(await restoreAndScroll(p, cdp));
    const mid = (f: (h: (typeof history)[number]) => number) => round(median(history.map(f)));
    results.history = {
      turns: HISTORY_TURNS,
      tokensPerAnswer: HISTORY_TOKENS_PER_ANSWER,
      restoreMs: mid((h) => h.restoreMs),
      restoreMainThreadMs: mid((h) => h.restoreMainThreadMs),
      scrollFrames: mid((h) => h.scrollFrames),
      longTasksWhileScrolling: mid((h) => h.longTasks),
      longestTaskMs: mid((h) => h.longestTaskMs),
      goals: { restoreMs: 300, longestTaskMs: 50 },
    };
    return results;
  } finally {
    await p.close();
  }
}
