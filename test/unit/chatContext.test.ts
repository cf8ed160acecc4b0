// Issue 17: context attached to a chat question — how it is sent, shown and measured.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeQuestion, mentionsIn, type ContextAttachment, type ContextKind } from '../../src/core/prompt/chatContext';
import { compactTokens, previewPrompt, windowShortfall } from '../../src/core/prompt/contextWindow';
import { parseConfig } from '../../src/core/config/settings';
import { createCore } from '../../src/core/createCore';
import type { ChatRequest, ModelInfo } from '../../src/core/base/types';
import { ChatController } from '../../src/vscode/chat/chatController';
import type { HostMessage } from '../../src/protocol';
import { ATTACHED_FILE, userText } from './support/attachedFile';
import { fakeChatEffects } from './support/chatEffects';
import { recordingRouter } from './support/recordingRouter';

const info = (contextWindow: number, input = 1e-6): ModelInfo => ({
  id: 'x/y',
  provider: 'x',
  pricing: { input, output: 0 },
  contextWindow,
  tags: [],
  source: 'builtin',
});

describe('composeQuestion and #mentions', () => {
  test('each attachment is a fenced block named by its path, before the question', () => {
    const q = composeQuestion('What does add do?', [ATTACHED_FILE]);
    assert.equal(q, 'File src/app.py:\n```python src/app.py\ndef add(a, b):\n    return a + b\n\n```\n\nWhat does add do?');
    assert.equal(composeQuestion('plain', []), 'plain');
  });

  test('a fence inside the attached text cannot close the block early', () => {
    const md: ContextAttachment = { id: 'm', kind: 'file', label: 'README.md', path: 'README.md', language: 'md', text: 'Run:\n```sh\nnpm test\n```' };
    const q = composeQuestion('?', [md]);
    assert.ok(q.startsWith('File README.md:\n````md README.md\n'), q);
    assert.ok(q.includes('\n````\n\n?'), q);
  });

  test('mentions are whole words, each kind once', () => {
    assert.deepEqual(mentionsIn('#file why does #selection fail? see #problems, #file'), ['file', 'selection', 'problems']);
    assert.deepEqual(mentionsIn('issue#file #filer #terminal.'), ['terminal']);
    assert.deepEqual(mentionsIn('no mentions here'), []);
  });
});

describe('context window arithmetic', () => {
  test('the meter turns amber at 80 % and red past the window; cost is the prompt at the input price', () => {
    assert.equal(previewPrompt(79_999, 'm', info(100_000)).level, 'ok');
    assert.equal(previewPrompt(80_000, 'm', info(100_000)).level, 'warn');
    assert.equal(previewPrompt(100_001, 'm', info(100_000)).level, 'over');
    assert.equal(previewPrompt(10, 'm', undefined).window, 0);
    assert.equal(previewPrompt(2_000, 'm', info(100_000, 2e-6)).costUsd, 0.004);
  });

  test('a shortfall names both sizes', () => {
    assert.equal(windowShortfall(180_000, info(128_000)), '180k tokens > its 128k window');
    assert.equal(windowShortfall(1_000, info(128_000)), undefined);
    assert.equal(windowShortfall(1_000, undefined), undefined, 'an unknown window is not a reason to skip');
    assert.equal(compactTokens(1_500), '1.5k');
  });
});

interface Harness {
  controller: ChatController;
  posted: HostMessage[];
  requests: ChatRequest[];
  /** The client each request named (for the ledger). */
  clients: (string | undefined)[];
  gathered: (ContextKind | 'pick')[];
  previews: ChatRequest[];
}

function harness(attachments: Partial<Record<ContextKind, ContextAttachment[]>>): Harness {
  const router = recordingRouter();
  const gathered: (ContextKind | 'pick')[] = [];
  const previews: ChatRequest[] = [];
  const fx = fakeChatEffects({
    router: async () => router,
    gatherContext: async (kind) => {
      gathered.push(kind);
      return kind === 'pick' ? [] : (attachments[kind] ?? []);
    },
    previewPrompt: async (req) => {
      previews.push(req);
      return { model: 'sim/echo', promptTokens: 42, window: 50, costUsd: 0.001, level: 'warn' };
    },
  });
  const controller = new ChatController(fx);
  const posted: HostMessage[] = [];
  controller.attach((m) => posted.push(m));
  return { controller, posted, requests: router.requests, clients: router.clients, gathered, previews };
}

const lastContext = (posted: HostMessage[]) => posted.filter((m) => m.type === 'context').at(-1);

describe('the chat controller with attachments', () => {
  test('an attached file shows as a chip with its tokens and a meter, then travels with the question', async () => {
    const h = harness({ file: [ATTACHED_FILE] });
    await h.controller.handle({ type: 'addContext', kind: 'file' });
    const shown = lastContext(h.posted);
    assert.ok(shown?.type === 'context');
    assert.deepEqual(shown.chips, [{ id: 'f1', kind: 'file', label: 'src/app.py', tokens: 7 }]);
    assert.equal(shown.meter?.level, 'warn');
    assert.ok(userText(h.previews.at(-1)).includes('return a + b'), 'the meter measured the question with the file in it');

    await h.controller.handle({ type: 'ask', prompt: 'What does add do?' });
    assert.ok(userText(h.requests[0]).includes('```python src/app.py\ndef add(a, b):'), userText(h.requests[0]));
    assert.ok(userText(h.requests[0]).endsWith('What does add do?'));
    const start = h.posted.find((m) => m.type === 'start');
    assert.deepEqual(start?.type === 'start' && start.context?.map((c) => c.label), ['src/app.py'], 'the history shows what was attached');
    assert.deepEqual(lastContext(h.posted)?.type === 'context' && lastContext(h.posted)?.chips, [], 'the chips are consumed by the question');
    assert.deepEqual(
      h.controller.history[0].context?.map((c) => c.tokens),
      [7],
    );
  });

  test('a removed chip is not sent', async () => {
    const h = harness({ file: [ATTACHED_FILE] });
    await h.controller.handle({ type: 'addContext', kind: 'file' });
    await h.controller.handle({ type: 'removeContext', id: 'f1' });
    await h.controller.handle({ type: 'ask', prompt: 'hello' });
    assert.equal(userText(h.requests[0]), 'hello');
  });

  test('#selection in the question attaches the selection', async () => {
    const sel: ContextAttachment = { id: 's1', kind: 'selection', label: 'a.ts:3-4', path: 'a.ts', language: 'ts', text: 'const x = 1;' };
    const h = harness({ selection: [sel] });
    await h.controller.handle({ type: 'ask', prompt: 'why is #selection slow?' });
    assert.deepEqual(h.gathered, ['selection']);
    assert.ok(userText(h.requests[0]).includes('const x = 1;'));
  });

  test('follow-up questions and Retry send the earlier attachments again', async () => {
    const h = harness({ file: [ATTACHED_FILE] });
    await h.controller.handle({ type: 'addContext', kind: 'file' });
    await h.controller.handle({ type: 'ask', prompt: 'first' });
    await h.controller.handle({ type: 'ask', prompt: 'second' });
    assert.ok(String(h.requests[1].messages[0].content).includes('def add'), 'the earlier turn keeps its file');
    assert.equal(userText(h.requests[1]), 'second');
    await h.controller.handle({ type: 'retry', id: h.controller.history[0].id });
    assert.ok(userText(h.requests[2]).includes('def add'), 'Retry sends the file again');
  });
});

describe('the core previews a prompt against the model it would go to', () => {
  test('smart-select is measured against the tier model it picks; an alias against its target', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-preview-'));
    try {
      const { config } = parseConfig({ aliases: { fast: 'openai/gpt-4.1-mini' }, 'gateway.baseUrl': 'http://127.0.0.1:9/v1' });
      const core = await createCore({ config, keys: async () => undefined, usageFile: path.join(dir, 'usage.jsonl') });
      try {
        const req = (model: string): ChatRequest => ({ model, messages: [{ role: 'user', content: 'hi there' }] });
        const smart = core.previewPrompt(req('smart-select'));
        assert.equal(smart.model, core.select({ messages: req('smart-select').messages }).model);
        assert.ok(smart.window > 0 && smart.promptTokens > 0, JSON.stringify(smart));
        const aliased = core.previewPrompt(req('fast'));
        assert.equal(aliased.model, 'openai/gpt-4.1-mini');
        assert.equal(aliased.window, core.catalog.get('openai/gpt-4.1-mini')?.contextWindow);
      } finally {
        core.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the chat controller names its client for the ledger', () => {
  test("the chat view's own questions are 'chat-view'; Ask Model and Explain pass 'ask'", async () => {
    const h = harness({});
    await h.controller.start('from the chat view').outcome;
    await h.controller.start('from Ask Model', { client: 'ask' }).outcome;
    assert.deepEqual(h.clients, ['chat-view', 'ask']);
  });
});
