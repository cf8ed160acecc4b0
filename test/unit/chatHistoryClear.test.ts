// Issue 21, "also seen": the chat keeps the full text of attachments (files, terminal output) in workspaceState with
// the transcript, and re-sends it with follow-ups. Switchboard: Clear Chat History removes all of it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatController, type ChatEffects } from '../../src/vscode/chat/chatController';
import type { ContextAttachment } from '../../src/core/prompt/chatContext';
import type { ChatRouter } from '../../src/core/base/types';
import type { HostMessage } from '../../src/protocol';
import { fakeChatEffects } from './support/chatEffects';
import { recordingRouter } from './support/recordingRouter';

const SECRET = 'DATABASE_URL=postgres://admin:hunter2@db';
const TERMINAL: ContextAttachment = { id: 't1', kind: 'terminal', label: 'Terminal: bash', text: `$ env\n${SECRET}` };

/** Effects over one Map standing for workspaceState. */
function stored(store: Map<string, unknown>, router: ChatRouter): ChatEffects {
  return fakeChatEffects({
    router: async () => router,
    loadTurns: () => store.get('history'),
    saveTurns: async (t) => void store.set('history', t),
    loadAttachments: () => store.get('attachments'),
    saveAttachments: async (a) => void store.set('attachments', a),
    removeStored: async () => {
      store.delete('history');
      store.delete('attachments');
    },
    gatherContext: async (kind) => (kind === 'terminal' ? [TERMINAL] : []),
  });
}

describe('Clear Chat History', () => {
  test('attachments are stored in full and re-sent with follow-ups; clearing removes them from the store and from later questions', async () => {
    const store = new Map<string, unknown>();
    const router = recordingRouter();
    const requests = router.requests;
    const controller = new ChatController(stored(store, router));
    const posted: HostMessage[] = [];
    controller.attach((m) => posted.push(m));
    await controller.handle({ type: 'addContext', kind: 'terminal' });
    await controller.handle({ type: 'ask', prompt: 'why does it fail?' });
    await controller.handle({ type: 'ask', prompt: 'and now?' });
    assert.ok(JSON.stringify(store.get('attachments')).includes(SECRET), 'what is kept: the full text, in workspaceState');
    assert.ok(JSON.stringify(requests[1].messages).includes(SECRET), 'and it goes again with a follow-up');

    await controller.handle({ type: 'addContext', kind: 'terminal' }); // waiting for the next question
    await controller.clearHistory();
    assert.equal(store.size, 0, 'nothing is left in workspaceState');
    const state = posted.filter((m) => m.type === 'state').at(-1);
    assert.ok(state?.type === 'state' && state.turns.length === 0);
    const context = posted.filter((m) => m.type === 'context').at(-1);
    assert.ok(context?.type === 'context' && context.chips.length === 0, 'waiting attachments are dropped too');

    await controller.handle({ type: 'ask', prompt: 'a new question' });
    assert.ok(!JSON.stringify(requests.at(-1)?.messages).includes(SECRET), 'nothing cleared is sent again');
    const reopened = new ChatController(stored(new Map(store), recordingRouter()));
    assert.deepEqual(
      reopened.history.map((t) => t.prompt),
      ['a new question'],
    );
  });
});
