// The @switchboard participant's handler with a fake response stream and token, over the real core in front of
// the simulator.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type Sim } from '../sim/server';
import { parseConfig } from '../../src/core/config/settings';
import { createCore, type Core } from '../../src/core/createCore';
import type { ExplainInput } from '../../src/core/prompt/explainPrompt';
import type { CancellationTokenLike } from '../../src/vscode/lm/lmTypes';
import { PARTICIPANT_ID } from '../../src/vscode/ids';
import { compactCount, FOOTER_MARK, historyMessages, ParticipantHandler, type ParticipantEnv } from '../../src/vscode/lm/participantHandler';

const SIM_KEY = 'sk-sim-participant';
let sim: Sim;
let core: Core;
let dir: string;

before(async () => {
  sim = await startSim({ key: SIM_KEY });
  dir = mkdtempSync(join(tmpdir(), 'sb-participant-'));
  const { config } = parseConfig({
    'gateway.preset': 'custom',
    'gateway.baseUrl': sim.url,
    retries: 0,
    'smartSelect.tiers': { fast: 'sim/echo', balanced: 'sim/echo', strong: 'sim/echo', reasoning: 'sim/echo' },
    fallbacks: { 'sim/fail?status=503': ['sim/echo'] },
  });
  core = await createCore({
    config,
    userSetBaseUrl: true,
    keys: async (n) => (n === 'switchboard.apiKey' ? SIM_KEY : undefined),
    usageFile: join(dir, 'usage.jsonl'),
  });
});
after(async () => {
  await core.flush();
  core.dispose();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => sim.reset());

class FakeStream {
  parts: string[] = [];
  progressed: string[] = [];
  onMarkdown?: (v: string) => void;
  markdown(v: string) {
    this.parts.push(v);
    this.onMarkdown?.(v);
  }
  progress(v: string) {
    this.progressed.push(v);
  }
  get text() {
    return this.parts.join('');
  }
}

class FakeToken implements CancellationTokenLike {
  isCancellationRequested = false;
  private listeners = new Set<() => unknown>();
  onCancellationRequested(l: () => unknown) {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }
  cancel() {
    this.isCancellationRequested = true;
    for (const l of this.listeners) l();
  }
}

function env(over: Partial<ParticipantEnv> & { model?: string } = {}) {
  const state = { model: over.model ?? 'smart-select', set: [] as string[], logs: [] as string[] };
  const e: ParticipantEnv = {
    core: async () => core,
    currentModel: () => state.model,
    setModel: async (m) => {
      state.set.push(m);
      state.model = m;
    },
    log: (l) => state.logs.push(l),
    activeSelection: () => undefined,
    ...over,
  };
  return { handler: new ParticipantHandler(e), state };
}

const noHistory = { history: [] };

describe('@switchboard answers', () => {
  test('streams the answer as markdown, with "answered by" and the smart-select choice in the footer', async () => {
    const { handler } = env();
    const stream = new FakeStream();
    const result = await handler.handle({ prompt: 'hello participant world' }, noHistory, stream, new FakeToken());
    assert.equal(result.errorDetails, undefined);
    assert.ok(stream.text.startsWith('hello participant world'));
    const footer = stream.parts.at(-1) ?? '';
    assert.ok(footer.startsWith(FOOTER_MARK));
    assert.match(footer, /asked smart-select · served sim\/echo/, 'the footer says what was asked and what served');
    assert.match(footer, /smart-select → sim\/echo \(\w+\)/);
    assert.deepEqual(
      stream.progressed.map((p) => p.startsWith('smart-select → sim/echo')),
      [true],
    );
    assert.equal(result.metadata?.model, 'sim/echo');
    assert.equal(core.ledger.records().at(-1)?.requested, 'smart-select');
    assert.equal(core.ledger.records().at(-1)?.client, 'participant');
  });

  test("answers with the model picked in VS Code's Chat view when it is a Switchboard model, else with switchboard.model", async () => {
    const { handler } = env({ model: 'smart-select' });
    const picked = await handler.handle(
      { prompt: 'picked in the chat', model: { vendor: 'switchboard', id: 'sim/echo' } },
      noHistory,
      new FakeStream(),
      new FakeToken(),
    );
    assert.equal(picked.metadata?.requested, 'sim/echo');
    assert.equal(core.ledger.records().at(-1)?.requested, 'sim/echo');
    const other = await handler.handle({ prompt: 'another vendor', model: { vendor: 'copilot', id: 'gpt-4o' } }, noHistory, new FakeStream(), new FakeToken());
    assert.equal(other.metadata?.requested, 'smart-select', "another vendor's model is not ours to call: the setting answers");
  });

  test('a fallback shows as the footer badge', async () => {
    const { handler } = env({ model: 'sim/fail?status=503' });
    const stream = new FakeStream();
    const result = await handler.handle({ prompt: 'fallback please' }, noHistory, stream, new FakeToken());
    assert.match(stream.parts.at(-1) ?? '', /answered by sim\/echo after sim\/fail\?status=503 failed \(503\)/);
    assert.match(result.metadata?.fallback ?? '', /failed \(503\)/);
    assert.ok(stream.text.startsWith('fallback please'));
  });

  test('every candidate failing is reported as errorDetails naming the attempts', async () => {
    const { handler, state } = env({ model: 'sim/fail?status=500' });
    const result = await handler.handle({ prompt: 'x' }, noHistory, new FakeStream(), new FakeToken());
    assert.match(result.errorDetails?.message ?? '', /Every candidate failed[\s\S]*sim\/fail\?status=500/);
    assert.equal(state.logs.length, 1);
  });

  test('cancellation aborts the upstream request and ends without an error', async () => {
    const { handler } = env({ model: 'sim/lorem?tokens=500&chunkMs=10' });
    const stream = new FakeStream();
    const token = new FakeToken();
    stream.onMarkdown = () => {
      if (stream.parts.length === 2) token.cancel();
    };
    const result = await handler.handle({ prompt: 'long' }, noHistory, stream, token);
    assert.equal(result.errorDetails, undefined);
    assert.equal(stream.parts.length, 2, 'nothing (not even a footer) after the cancel');
    const end = Date.now() + 15_000;
    while (sim.stats().aborted !== 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    assert.equal(sim.stats().aborted, 1);
  });

  test('history: earlier @switchboard turns become messages, footers and other participants left out', () => {
    const msgs = historyMessages([
      { participant: PARTICIPANT_ID, prompt: 'first question' },
      { participant: PARTICIPANT_ID, response: [{ value: { value: 'first answer' } }, { value: { value: `${FOOTER_MARK}*answered by x*` } }] },
      { participant: 'other.participant', prompt: 'not ours' },
      { participant: PARTICIPANT_ID, prompt: '', command: 'usage' },
      { participant: PARTICIPANT_ID, prompt: 'second' },
      { participant: PARTICIPANT_ID, response: [{ value: { value: `merged answer\n\n---\nwith a rule${FOOTER_MARK}*answered by y after x failed (503)*` } }] },
    ]);
    assert.deepEqual(msgs, [
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first answer' },
      { role: 'user', content: 'second' },
      { role: 'assistant', content: 'merged answer\n\n---\nwith a rule' },
    ]);
  });
});

describe('commands', () => {
  test('/model shows the current model; /model X switches', async () => {
    const { handler, state } = env();
    const show = new FakeStream();
    await handler.handle({ prompt: '', command: 'model' }, noHistory, show, new FakeToken());
    assert.match(show.text, /Current model: \*\*smart-select\*\*/);
    assert.match(show.text, /fast → `sim\/echo`/);
    const sw = new FakeStream();
    const r = await handler.handle({ prompt: ' sim/echo ', command: 'model' }, noHistory, sw, new FakeToken());
    assert.deepEqual(state.set, ['sim/echo']);
    assert.equal(r.metadata?.model, 'sim/echo');
    assert.match(sw.text, /from \*\*smart-select\*\* to \*\*sim\/echo\*\*/);
    assert.equal(sim.stats().requests, 0, '/model calls no model');
  });

  test("/usage shows today's spend and the answers recorded today", async () => {
    const { handler } = env({ model: 'sim/echo' });
    await handler.handle({ prompt: 'count me' }, noHistory, new FakeStream(), new FakeToken());
    const since = new Date();
    since.setHours(0, 0, 0, 0);
    // A stopped or failed request's line counts in the spend, not as an answer.
    const today = core.ledger.records({ since: since.getTime() }).filter((r) => !r.error).length;
    const out = new FakeStream();
    await handler.handle({ prompt: '', command: 'usage' }, noHistory, out, new FakeToken());
    assert.match(out.text, new RegExp(`\\*\\*Today:\\*\\* \\$[\\d.e-]+ over ${today} answers`));
    assert.match(out.text, /\| \$[\d.]+ \| \d+ \| [\d.]+k? \| sim\/echo \|/, 'numbers first, the model id last (it may wrap; they do not)');
  });

  test('/explain without a selection asks for one; with one, it explains the selected code', async () => {
    const none = new FakeStream();
    await env().handler.handle({ prompt: '', command: 'explain' }, noHistory, none, new FakeToken());
    assert.match(none.text, /Select some code/);
    assert.equal(sim.stats().requests, 0);

    const selection: Omit<ExplainInput, 'maxChars'> = {
      code: 'const answer = 42;',
      languageId: 'typescript',
      fileName: 'src/a.ts',
      startLine: 3,
      endLine: 3,
      before: '',
      after: '',
    };
    const out = new FakeStream();
    const r = await env({ model: 'sim/echo', activeSelection: () => selection }).handler.handle(
      { prompt: '', command: 'explain' },
      noHistory,
      out,
      new FakeToken(),
    );
    assert.equal(r.metadata?.command, 'explain');
    // sim/echo answers with the prompt it got: the explain prompt around the selection.
    assert.match(out.text, /Explain the following typescript code from src\/a\.ts \(line 3\)[\s\S]*const answer = 42;/);
  });
});

describe('/usage fits a narrow chat', () => {
  test('token counts are compact', () => {
    assert.deepEqual([950, 1234, 12_345, 999_999, 4_200_000].map(compactCount), ['950', '1.2k', '12k', '1M', '4.2M']);
  });
});
