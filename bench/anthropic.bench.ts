// Anthropic Messages through the local gateway beside claude-code-router (issue 20 Speed, issue 23 goal 4): the
// official Anthropic SDK as the client, streamed, time to the first text delta, in one run, interleaved:
//   floor  a bare Anthropic-speaking stub
//   ours   `switchboard serve` (the shipped dist/cli.js) /v1/messages in front of an OpenAI-speaking stub
//   ccr    claude-code-router 2.0.0 in front of the same OpenAI stub
// Each server is its own process. Figures: what ours and ccr add over the floor at p50 and p99, and ours/ccr
// (goal ≤ 0.5 at both). `small`: a one-line prompt; `agent`: a Claude Code-sized request (system prompt, 23 tools).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { newLocalToken } from '../src/gateway/guard';
import { startClaudeCodeRouter } from '../test/support/claudeCodeRouter';
import type { BenchOptions } from './run';
import { cpuMs } from './support/cpuMs';
import { pct, r3 } from './support/figures';
import { spawnListening, type Proc } from './support/spawnListening';

const ROOT = join(__dirname, '..');
const STUB_KEY = 'sk-bench-stub';
const MODEL = 'claude-bench-4-5';

/** A request the size of Claude Code's: a long system prompt, 23 tools with schemas, a few turns. */
function agentSizedRequest(): Pick<Anthropic.MessageCreateParams, 'system' | 'tools' | 'messages'> {
  const para = 'You are an interactive agent that helps users with software engineering tasks. Use the tools available to you. '.repeat(12);
  const tools: Anthropic.Tool[] = Array.from({ length: 23 }, (_, i) => ({
    name: `Tool${i}`,
    description: `Tool number ${i}. ${para.slice(0, 600)}`,
    input_schema: {
      type: 'object',
      properties: { path: { type: 'string', description: 'an absolute path' }, content: { type: 'string' }, limit: { type: 'number' } },
      required: ['path'],
    },
  }));
  return {
    system: [{ type: 'text', text: para.repeat(8), cache_control: { type: 'ephemeral' } }],
    tools,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: '<system-reminder>context</system-reminder>' },
          { type: 'text', text: 'list the files' },
        ],
      },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Tool3', input: { path: '/tmp' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'a.txt\nb.txt' }] },
    ],
  };
}

export default async function anthropicBench({ quick }: BenchOptions): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-anthropic-bench-'));
  const procs: Proc[] = [];
  try {
    const anthropicStub = await spawnListening(['bench/support/stubUpstream.ts', 'anthropic']);
    procs.push(anthropicStub);
    const openaiStub = await spawnListening(['bench/support/stubUpstream.ts', 'openai']);
    procs.push(openaiStub);
    const config = join(dir, 'config.json');
    // The agent's model name goes to the stub's model through the setting, as a user would map it.
    writeFileSync(
      config,
      JSON.stringify({ 'gateway.preset': 'custom', 'gateway.baseUrl': `${openaiStub.url}/v1`, retries: 0, 'agents.models': { 'claude-*': 'stub' } }),
    );
    const token = newLocalToken();
    const ours = await spawnListening([join(ROOT, 'dist/cli.js'), 'serve', '--port', '0', '--config', config, '--usage-file', join(dir, 'usage.jsonl')], {
      ...process.env,
      SWITCHBOARD_API_KEY: STUB_KEY,
      OPENAI_API_KEY: '',
      SWITCHBOARD_LOCAL_TOKEN: token,
    });
    procs.push(ours);
    const ccr = await startClaudeCodeRouter({ upstream: `${openaiStub.url}/v1`, upstreamKey: STUB_KEY, model: 'stub' });
    procs.push({ url: ccr.url, pid: ccr.pid, stop: ccr.stop });

    const clients = {
      floor: new Anthropic({ baseURL: anthropicStub.url, apiKey: STUB_KEY, maxRetries: 0 }),
      ours: new Anthropic({ baseURL: ours.url.replace(/\/v1$/, ''), apiKey: token, maxRetries: 0 }),
      ccr: new Anthropic({ baseURL: ccr.url, apiKey: ccr.apiKey, maxRetries: 0 }),
    };
    type Target = keyof typeof clients;
    const targets: Target[] = ['floor', 'ours', 'ccr'];

    /** ms from the call to the first text delta; the rest of the stream is read too (a whole answer per request). */
    const firstText = async (client: Anthropic, body: Partial<Anthropic.MessageCreateParams>): Promise<number> => {
      const t0 = performance.now();
      let first = 0;
      let text = '';
      const stream = await client.messages.create({
        model: MODEL,
        max_tokens: 1024,
        messages: [{ role: 'user', content: 'say hello' }],
        ...body,
        stream: true,
      });
      for await (const e of stream) {
        if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') {
          if (!first) first = performance.now() - t0;
          text += e.delta.text;
        }
      }
      if (text !== 'Hello from the stub.') throw new Error(`unexpected answer ${JSON.stringify(text)}`);
      return first;
    };

    const measure = async (body: Partial<Anthropic.MessageCreateParams>, rounds: number, warmup: number) => {
      for (let i = 0; i < warmup; i++) for (const t of targets) await firstText(clients[t], body);
      const ttft: Record<Target, number[]> = { floor: [], ours: [], ccr: [] };
      // CPU each proxy process spends per request: robust to a busy machine, unlike wall-clock latency.
      const cpuBefore = { ours: cpuMs(ours.pid), ccr: cpuMs(ccr.pid) };
      for (let i = 0; i < rounds; i++) {
        for (let k = 0; k < targets.length; k++) {
          const t = targets[(i + k) % targets.length];
          ttft[t].push(await firstText(clients[t], body));
        }
      }
      const added = (t: Target, p: number) => pct(ttft[t], p) - pct(ttft.floor, p);
      const ratio = (p: number) => (added('ccr', p) > 0 ? r3(added('ours', p) / added('ccr', p)) : null);
      const cpu = (t: 'ours' | 'ccr', pid: number) => {
        const a = cpuBefore[t];
        const b = cpuMs(pid);
        return a === undefined || b === undefined ? null : r3((b - a) / rounds);
      };
      const cpuOurs = cpu('ours', ours.pid);
      const cpuCcr = cpu('ccr', ccr.pid);
      return {
        requests_per_target: rounds,
        floor_p50_ms: r3(pct(ttft.floor, 50)),
        floor_p99_ms: r3(pct(ttft.floor, 99)),
        ours_added_p50_ms: r3(added('ours', 50)),
        ours_added_p99_ms: r3(added('ours', 99)),
        ccr_added_p50_ms: r3(added('ccr', 50)),
        ccr_added_p99_ms: r3(added('ccr', 99)),
        added_p50_ratio_ours_over_ccr: ratio(50),
        added_p99_ratio_ours_over_ccr: ratio(99),
        cpu_ms_per_request: { ours: cpuOurs, ccr: cpuCcr },
        cpu_ratio_ours_over_ccr: cpuOurs !== null && cpuCcr ? r3(cpuOurs / cpuCcr) : null,
      };
    };

    const small = await measure({}, quick ? 150 : 1000, quick ? 30 : 150);
    const agent = await measure(agentSizedRequest(), quick ? 60 : 300, quick ? 10 : 50);
    const met = (r: { added_p50_ratio_ours_over_ccr: number | null; added_p99_ratio_ours_over_ccr: number | null }) =>
      r.added_p50_ratio_ours_over_ccr !== null &&
      r.added_p50_ratio_ours_over_ccr <= 0.5 &&
      r.added_p99_ratio_ours_over_ccr !== null &&
      r.added_p99_ratio_ours_over_ccr <= 0.5;
    return { small, agent, goal_ours_at_most_half_of_ccr: met(small) && met(agent) };
  } finally {
    for (const p of procs.reverse()) await p.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
