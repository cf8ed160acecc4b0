// Issue 21.7: every message the chat host sends fits the protocol, so the webview never refuses one (an attachment
// sent upstream but never shown, a blank transcript). Each message kind is built at and just over every limit of
// src/protocol.ts; the host's output (fitHostMessage, which ChatController.post passes everything through) parses.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS, parseHostMessage, parseTurn, type Badge, type ContextChip, type HostMessage, type ModelOption, type Turn } from '../../src/protocol';
import { fitHostMessage, MORE_CHIP_ID } from '../../src/vscode/chat/fitHostMessage';
import { ChatController } from '../../src/vscode/chat/chatController';
import type { ContextAttachment } from '../../src/core/prompt/chatContext';
import { fakeChatEffects } from './support/chatEffects';
import { recordingRouter } from './support/recordingRouter';

const str = (n: number, c = 'x') => c.repeat(n);
const chip = (i: number, label = `src/file${i}.ts`): ContextChip => ({ id: `c${i}`, kind: 'file', label, tokens: 10 });
const chips = (n: number) => Array.from({ length: n }, (_, i) => chip(i));
const badge = (over: Partial<Badge> = {}): Badge => ({
  model: 'sim/echo',
  requested: 'smart-select',
  promptTokens: 3,
  completionTokens: 5,
  estimated: false,
  costUsd: 0.001,
  ...over,
});
const turn = (over: Partial<Turn> = {}): Turn => ({ id: 'a1', prompt: 'hi', model: 'sim/echo', text: 'hello', state: 'done', badge: badge(), ...over });
const option = (over: Partial<ModelOption> = {}): ModelOption => ({ id: 'sim/echo', provider: 'sim', ...over });
const state = (over: Partial<Extract<HostMessage, { type: 'state' }>> = {}): HostMessage => ({
  type: 'state',
  turns: [turn()],
  models: [option()],
  currentModel: 'sim/echo',
  ...over,
});

/** [what, the message at the limit, the message just over it] for every limit of every host message. */
function cases(): [string, HostMessage, HostMessage][] {
  const at = (n: number) => n;
  const over = (n: number) => n + 1;
  const both = (what: string, make: (size: (n: number) => number) => HostMessage): [string, HostMessage, HostMessage] => [what, make(at), make(over)];
  return [
    both('state: turns', (s) => state({ turns: Array.from({ length: s(LIMITS.turns) }, (_, i) => turn({ id: `t${i}` })) })),
    both('state: models', (s) => state({ models: Array.from({ length: s(LIMITS.models) }, (_, i) => option({ id: `m/${i}` })) })),
    both('state: currentModel', (s) => state({ currentModel: str(s(LIMITS.modelId)) })),
    both('state: turn prompt', (s) => state({ turns: [turn({ prompt: str(s(LIMITS.text)) })] })),
    both('state: turn text', (s) => state({ turns: [turn({ text: str(s(LIMITS.text)) })] })),
    both('state: turn reasoning', (s) => state({ turns: [turn({ reasoning: str(s(LIMITS.text)) })] })),
    both('state: turn title', (s) => state({ turns: [turn({ title: str(s(LIMITS.title)) })] })),
    both('state: turn model', (s) => state({ turns: [turn({ model: str(s(LIMITS.modelId)) })] })),
    both('state: turn chips', (s) => state({ turns: [turn({ context: chips(s(LIMITS.chips)) })] })),
    both('state: turn chip label', (s) => state({ turns: [turn({ context: [chip(0, str(s(LIMITS.chipLabel)))] })] })),
    both('state: badge model', (s) => state({ turns: [turn({ badge: badge({ model: str(s(LIMITS.modelId)) }) })] })),
    both('state: error message', (s) =>
      state({ turns: [turn({ state: 'error', badge: undefined, error: { message: str(s(LIMITS.errorMessage)), partial: false } })] }),
    ),
    both('models: option id', (s) => ({ type: 'models', models: [option({ id: str(s(LIMITS.modelId)) })], currentModel: 'sim/echo' })),
    both('models: provider', (s) => ({ type: 'models', models: [option({ provider: str(s(LIMITS.provider)) })], currentModel: 'sim/echo' })),
    both('models: label', (s) => ({ type: 'models', models: [option({ label: str(s(LIMITS.modelLabel)) })], currentModel: 'sim/echo' })),
    both('models: list', (s) => ({
      type: 'models',
      models: Array.from({ length: s(LIMITS.models) }, (_, i) => option({ id: `m/${i}` })),
      currentModel: 'm/0',
    })),
    both('models: currentModel', (s) => ({ type: 'models', models: [], currentModel: str(s(LIMITS.modelId)) })),
    both('start: prompt', (s) => ({ type: 'start', id: 'a1', prompt: str(s(LIMITS.text)), model: 'sim/echo' })),
    both('start: title', (s) => ({ type: 'start', id: 'a1', prompt: 'p', title: str(s(LIMITS.title)), model: 'sim/echo' })),
    both('start: model', (s) => ({ type: 'start', id: 'a1', prompt: 'p', model: str(s(LIMITS.modelId)) })),
    both('start: chips', (s) => ({ type: 'start', id: 'a1', prompt: 'p', model: 'sim/echo', context: chips(s(LIMITS.chips)) })),
    both('start: chip label', (s) => ({
      type: 'start',
      id: 'a1',
      prompt: 'p',
      model: 'sim/echo',
      context: [chip(0, str(s(LIMITS.chipLabel), '😀'.charAt(0)))],
    })),
    both('context: chips', (s) => ({ type: 'context', chips: chips(s(LIMITS.chips)) })),
    both('context: chip label', (s) => ({ type: 'context', chips: [chip(0, `${str(s(LIMITS.chipLabel) - 8)}/main.ts`)] })),
    both('context: meter model', (s) => ({
      type: 'context',
      chips: [],
      meter: { model: str(s(LIMITS.modelId)), promptTokens: 1, window: 10, costUsd: 0, level: 'ok' },
    })),
    both('delta: text', (s) => ({ type: 'delta', id: 'a1', text: str(s(LIMITS.text)) })),
    both('reasoning: text', (s) => ({ type: 'reasoning', id: 'a1', text: str(s(LIMITS.text)) })),
    both('done: badge model', (s) => ({ type: 'done', id: 'a1', badge: badge({ model: str(s(LIMITS.modelId)) }) })),
    both('done: badge requested', (s) => ({ type: 'done', id: 'a1', badge: badge({ requested: str(s(LIMITS.modelId)) }) })),
    both('done: fallback note', (s) => ({ type: 'done', id: 'a1', badge: badge({ fallbackNote: str(s(LIMITS.fallbackNote)) }) })),
    both('done: selection', (s) => ({ type: 'done', id: 'a1', badge: badge({ selection: str(s(LIMITS.selection)) }) })),
    both('error: message', (s) => ({ type: 'error', id: 'a1', error: { message: str(s(LIMITS.errorMessage)), partial: true } })),
    both('error: continueWith', (s) => ({ type: 'error', id: 'a1', error: { message: 'broke', partial: true, continueWith: str(s(LIMITS.modelId)) } })),
  ];
}

function assertParses(sent: HostMessage[]): void {
  for (const m of sent) {
    const r = parseHostMessage(m);
    assert.ok(r.ok, r.ok ? '' : r.error);
  }
}

describe('fitHostMessage: every message kind at and over every limit (issue 21.7)', () => {
  for (const [what, atLimit, overLimit] of cases()) {
    test(what, () => {
      assert.deepEqual(fitHostMessage(atLimit), [atLimit], 'a message at the limit is sent as it is');
      assert.ok(parseHostMessage(atLimit).ok);
      assert.equal(parseHostMessage(overLimit).ok, false, 'the case really is over a limit');
      assertParses(fitHostMessage(overLimit));
    });
  }

  test('numbers the protocol refuses (negative, fractional, not finite) are sent as counts it accepts', () => {
    const sent = fitHostMessage({ type: 'done', id: 'a', badge: badge({ promptTokens: -400_000_000, completionTokens: 1.5, costUsd: Number.NaN }) });
    assertParses(sent);
    assertParses(
      fitHostMessage({
        type: 'context',
        chips: [{ ...chip(0), tokens: Infinity }],
        meter: { model: ' ', promptTokens: -1, window: 0.5, costUsd: -2, level: 'ok' },
      }),
    );
  });

  test('a long delta goes as several, nothing lost', () => {
    const text = `${str(LIMITS.text - 1)}😀${str(10)}`;
    const sent = fitHostMessage({ type: 'delta', id: 'a1', text });
    assert.equal(sent.length, 2);
    assert.equal(sent.map((m) => (m.type === 'delta' ? m.text : '')).join(''), text);
  });

  test('a long label keeps its end (the file name) and says it was shortened', () => {
    const [m] = fitHostMessage({ type: 'context', chips: [chip(0, `${'deep/'.repeat(200)}main.ts`)] });
    assert.ok(m.type === 'context');
    assert.equal(m.chips[0].label.length, LIMITS.chipLabel);
    assert.match(m.chips[0].label, /^deep\/.*….*main\.ts$/);
  });

  test('a model id too long to send back is left out of the picker, never shortened into another id', () => {
    const [m] = fitHostMessage({ type: 'models', models: [option(), option({ id: str(LIMITS.modelId + 1) })], currentModel: 'sim/echo' });
    assert.ok(m.type === 'models');
    assert.deepEqual(
      m.models.map((o) => o.id),
      ['sim/echo'],
    );
    const [e] = fitHostMessage({ type: 'error', id: 'a', error: { message: 'broke', partial: true, continueWith: str(LIMITS.modelId + 1) } });
    assert.ok(e.type === 'error' && e.error.continueWith === undefined, 'no Continue with a model that does not exist');
  });
});

describe('the chat host sends only what the webview accepts (issue 21.7)', () => {
  test('#editors with 51 tabs, a 600-character path, a 301-character model: every message parses, every attachment is shown', async () => {
    const longPath = `${'nested/'.repeat(85)}deep.ts`;
    const editors: ContextAttachment[] = Array.from({ length: 51 }, (_, i) => ({
      id: `e${i}`,
      kind: 'file',
      label: i === 0 ? longPath : `src/f${i}.ts`,
      path: i === 0 ? longPath : `src/f${i}.ts`,
      text: `file ${i}`,
    }));
    const longModel = `vendor/${str(LIMITS.modelId)}`;
    const saved: Turn[][] = [];
    const router = recordingRouter(longModel);
    const fx = fakeChatEffects({
      currentModel: () => longModel,
      router: async () => router,
      gatherContext: async (kind) => (kind === 'editors' ? editors : []),
      saveTurns: async (t) => void saved.push(t),
    });
    const controller = new ChatController(fx);
    const posted: HostMessage[] = [];
    controller.attach((m) => posted.push(m));
    await controller.handle({ type: 'ready' });
    await controller.handle({ type: 'addContext', kind: 'editors' });

    const context = posted.filter((m) => m.type === 'context').at(-1);
    assert.ok(context?.type === 'context');
    assert.equal(context.chips.length, LIMITS.chips);
    const more = context.chips.at(-1);
    assert.equal(more?.id, MORE_CHIP_ID);
    assert.match(more?.label ?? '', /^\+2 more: src\/f49\.ts, src\/f50\.ts$/);
    assert.equal(more?.tokens, 4, 'the note counts the tokens of what it stands for');

    await controller.handle({ type: 'ask', prompt: 'review these' });
    const sent = String(router.requests[0].messages.at(-1)?.content);
    for (const i of [0, 49, 50]) assert.ok(sent.includes(`file ${i}`), `attachment ${i} was sent`);
    const start = posted.find((m) => m.type === 'start');
    assert.ok(start?.type === 'start' && start.context?.at(-1)?.id === MORE_CHIP_ID, 'the question shows what was sent with it');
    assert.ok(posted.some((m) => m.type === 'done'));
    assertParses(posted);
    assert.ok(saved.length > 0 && saved.at(-1)!.every((t) => parseTurn(t) !== undefined), 'the stored transcript reads back');
  });

  test('removing the "+N more" chip removes the attachments it stands for', async () => {
    const many: ContextAttachment[] = Array.from({ length: 53 }, (_, i) => ({ id: `e${i}`, kind: 'file', label: `f${i}`, path: `f${i}`, text: `t${i}` }));
    const fx = fakeChatEffects({ gatherContext: async () => many });
    const controller = new ChatController(fx);
    const posted: HostMessage[] = [];
    controller.attach((m) => posted.push(m));
    await controller.handle({ type: 'addContext', kind: 'editors' });
    await controller.handle({ type: 'removeContext', id: MORE_CHIP_ID });
    const context = posted.filter((m) => m.type === 'context').at(-1);
    assert.ok(context?.type === 'context');
    assert.equal(context.chips.length, LIMITS.chips - 1);
    assert.ok(!context.chips.some((c) => c.id === MORE_CHIP_ID));
  });
});
