// The chat notices when the user re-asks what smart-select answered with another model (ChatController.reaskedWith).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ChatController } from '../../src/vscode/chat/chatController';
import { Emitter } from '../../src/core/base/lifecycle';
import type { ChatCompletionMessageParam, ChatRouter, RouteYield, RoutingEvent } from '../../src/core/base/types';
import type { Turn } from '../../src/protocol';
import { fakeChatEffects } from './support/chatEffects';

const silentRouter: ChatRouter = {
  onEvent: new Emitter<RoutingEvent>().event,
  // eslint-disable-next-line require-yield
  async *route(): AsyncIterable<RouteYield> {
    return;
  },
};

function harness(turns: Turn[]) {
  const model = { current: 'smart-select' };
  const reasks: { messages: ChatCompletionMessageParam[]; model: string }[] = [];
  const fx = fakeChatEffects({
    router: async () => silentRouter,
    currentModel: () => model.current,
    setModel: async (m) => {
      model.current = m;
    },
    loadTurns: () => turns,
    reaskedWith: (messages, m) => void reasks.push({ messages, model: m }),
  });
  return { controller: new ChatController(fx), reasks, model };
}

const answered = (id: string, prompt: string, model = 'smart-select'): Turn => ({ id, prompt, model, text: `answer to ${prompt}`, state: 'done' });

describe('re-asking with another model', () => {
  test('the same prompt again with a chosen model is reported once, with the conversation it had', async () => {
    const h = harness([answered('a1', 'first question'), answered('a2', 'Prove that 17 is prime')]);
    h.model.current = 'acme/think';
    await h.controller.start('  prove that 17 is  prime ').outcome;
    assert.equal(h.reasks.length, 1);
    assert.equal(h.reasks[0].model, 'acme/think');
    assert.deepEqual(
      h.reasks[0].messages.map((m) => m.content),
      ['first question', 'answer to first question', 'Prove that 17 is prime'],
    );
    // Asking it a third time is not a new correction of the same answer.
    await h.controller.start('Prove that 17 is prime').outcome;
    assert.equal(h.reasks.length, 1);
  });

  test('picking a model right after a smart-select answer is reported; re-asking then does not count twice', async () => {
    const h = harness([answered('a1', 'Design our billing service')]);
    await h.controller.handle({ type: 'setModel', model: 'acme/large' });
    assert.deepEqual(
      h.reasks.map((r) => r.model),
      ['acme/large'],
    );
    await h.controller.start('Design our billing service').outcome;
    assert.equal(h.reasks.length, 1);
  });

  test('other changes are not corrections', async () => {
    const h = harness([answered('a1', 'hello', 'acme/small')]);
    await h.controller.handle({ type: 'setModel', model: 'acme/large' });
    h.model.current = 'acme/large';
    await h.controller.start('hello').outcome; // the earlier answer was not smart-select's
    await h.controller.handle({ type: 'setModel', model: 'smart-select' });
    h.model.current = 'smart-select';
    await h.controller.start('something else').outcome;
    await h.controller.start('something else').outcome; // same prompt, same smart-select
    assert.deepEqual(h.reasks, []);
  });
});

describe('@switchboard: /model, then the same prompt', () => {
  test('counts a correction when the prompt smart-select answered last is asked again with a stronger model', async () => {
    const [{ startSim }, { parseConfig }, { createCore }, { ParticipantHandler }, { PARTICIPANT_ID }, { mkdtempSync, rmSync }, { tmpdir }, { join }] =
      await Promise.all([
        import('../sim/server'),
        import('../../src/core/config/settings'),
        import('../../src/core/createCore'),
        import('../../src/vscode/lm/participantHandler'),
        import('../../src/vscode/ids'),
        import('node:fs'),
        import('node:os'),
        import('node:path'),
      ]);
    const sim = await startSim({ key: 'sk-sim-corrections' });
    const dir = mkdtempSync(join(tmpdir(), 'sb-corrections-'));
    const saved: unknown[] = [];
    const { config } = parseConfig({
      'gateway.preset': 'custom',
      'gateway.baseUrl': sim.url,
      'smartSelect.tiers': { fast: 'sim/echo', balanced: 'sim/echo', strong: 'sim/lorem', reasoning: 'sim/lorem' },
    });
    const core = await createCore({
      config,
      userSetBaseUrl: true,
      keys: async () => 'sk-sim-corrections',
      usageFile: join(dir, 'u.jsonl'),
      selectLearning: { load: () => undefined, save: (s) => void saved.push(s) },
    });
    try {
      let model = 'sim/lorem';
      const logs: string[] = [];
      const handler = new ParticipantHandler({
        core: async () => core,
        currentModel: () => model,
        setModel: async (m) => {
          model = m;
        },
        log: (l) => logs.push(l),
        activeSelection: () => undefined,
      });
      const prompt = 'Write a Python function that reverses a string.';
      const turn = (p: Partial<{ prompt: string; command: string; requested: string }>) =>
        p.prompt !== undefined
          ? { participant: PARTICIPANT_ID, prompt: p.prompt, command: p.command }
          : { participant: PARTICIPANT_ID, command: p.command, response: [], result: { metadata: { requested: p.requested } } };
      const history = [turn({ prompt }), turn({ requested: 'smart-select' }), turn({ prompt: 'sim/lorem', command: 'model' }), turn({ command: 'model' })];
      const stream = { markdown: () => {}, progress: () => {} };
      const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => {} }) };
      await handler.handle({ prompt }, { history }, stream, token);
      await core.flush();
      assert.equal(saved.length, 1, logs.join('\n'));
      // A different prompt, or the same one when the earlier answer was not smart-select's, is not a correction.
      await handler.handle({ prompt: 'Something else entirely' }, { history }, stream, token);
      await handler.handle({ prompt }, { history: [turn({ prompt }), turn({ requested: 'sim/echo' })] }, stream, token);
      assert.equal(saved.length, 1);
    } finally {
      core.dispose();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
