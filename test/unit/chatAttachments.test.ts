// Issue 24 item 2: one rule for what goes with a question. Whatever asks into the chat view (the composer, Ask Model,
// Continue, Retry) sends the attachments waiting in the composer and the turn shows them; Explain keeps them waiting;
// a question can start a fresh conversation; nextQuestion() says what would go along (for Ask Model and Explain).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatController } from '../../src/vscode/chat/chatController';
import { askSummary, attachmentsText, conversationText } from '../../src/vscode/chat/nextQuestionText';
import type { HostMessage } from '../../src/protocol';
import { ATTACHED_FILE, userText } from './support/attachedFile';
import { fakeChatEffects } from './support/chatEffects';
import { recordingRouter } from './support/recordingRouter';

function harness() {
  const router = recordingRouter();
  const controller = new ChatController(fakeChatEffects({ router: async () => router, gatherContext: async () => [ATTACHED_FILE] }));
  const posted: HostMessage[] = [];
  controller.attach((m) => posted.push(m));
  const chips = () => posted.filter((m) => m.type === 'context').at(-1);
  return { controller, requests: router.requests, posted, chips };
}

describe('what goes with a question asked into the chat view', () => {
  test('Ask Model (start) sends the attachments waiting in the composer; the turn shows them; the composer is empty after', async () => {
    const h = harness();
    await h.controller.addContext('file');
    await h.controller.start('What does add do?').outcome;
    assert.ok(userText(h.requests[0]).includes('def add(a, b):'), userText(h.requests[0]));
    assert.deepEqual(
      h.controller.history[0].context?.map((c) => c.label),
      ['src/app.py'],
    );
    const start = h.posted.find((m) => m.type === 'start');
    assert.deepEqual(start?.type === 'start' && start.context?.map((c) => c.label), ['src/app.py'], 'the view shows the chip on the question');
    const after = h.chips();
    assert.deepEqual(after?.type === 'context' && after.chips, [], 'the chip left the composer with the question');
    assert.deepEqual((await h.controller.nextQuestion()).attachments, []);
  });

  test("pending: 'keep' (Explain Selection, Ask without) sends only the text; the attachments wait for the next question", async () => {
    const h = harness();
    await h.controller.addContext('file');
    await h.controller.start('Explain this', { pending: 'keep' }).outcome;
    assert.equal(userText(h.requests[0]), 'Explain this');
    assert.equal(h.controller.history[0].context, undefined);
    assert.deepEqual(
      (await h.controller.nextQuestion()).attachments.map((c) => c.label),
      ['src/app.py'],
    );
    await h.controller.handle({ type: 'ask', prompt: 'and now?' });
    assert.ok(userText(h.requests[1]).includes('def add'), 'the next question from the composer takes them');
  });

  test('Retry sends the attachments that were added since, and the question shows them', async () => {
    const h = harness();
    await h.controller.handle({ type: 'ask', prompt: 'first' });
    assert.equal(userText(h.requests[0]), 'first');
    await h.controller.addContext('file');
    await h.controller.handle({ type: 'retry', id: h.controller.history[0].id });
    assert.ok(userText(h.requests[1]).includes('def add'), userText(h.requests[1]));
    assert.deepEqual(
      h.controller.history[0].context?.map((c) => c.label),
      ['src/app.py'],
    );
    const state = h.posted.filter((m) => m.type === 'state').at(-1);
    assert.deepEqual(state?.type === 'state' && state.turns[0].context?.map((c) => c.label), ['src/app.py'], 'the view re-renders the question with the chip');
  });

  test('a question continues the conversation (its prompt grows) unless it is asked fresh', async () => {
    const h = harness();
    assert.deepEqual(await h.controller.nextQuestion(), { attachments: [], earlierAnswers: 0, historyTokens: 0 });
    await h.controller.start('first question').outcome;
    const next = await h.controller.nextQuestion();
    assert.equal(next.earlierAnswers, 1);
    assert.ok(next.historyTokens > 0, JSON.stringify(next));
    await h.controller.start('second question').outcome;
    assert.equal(h.requests[1].messages.length, 3, 'the second question carries the first turn');
    await h.controller.start('third question', { fresh: true }).outcome;
    assert.equal(h.requests[2].messages.length, 1, 'a fresh question carries only itself');
    assert.deepEqual(
      h.controller.history.map((t) => t.prompt),
      ['third question'],
    );
  });
});

describe('how Ask Model and Explain say it', () => {
  test('attachments with their size, the conversation with its answers and tokens; nothing when there is nothing', () => {
    const next = { attachments: [{ id: 'f1', kind: 'file' as const, label: 'src/app.py', tokens: 12 }], earlierAnswers: 2, historyTokens: 357 };
    assert.equal(attachmentsText(next), 'src/app.py (12 tokens)');
    assert.equal(conversationText(next), 'continues the chat: 2 earlier answers go with it (~357 tokens)');
    assert.equal(askSummary(next), 'with src/app.py (12 tokens) · continues the chat: 2 earlier answers go with it (~357 tokens)');
    assert.equal(askSummary({ attachments: [], earlierAnswers: 0, historyTokens: 0 }), undefined);
  });
});
