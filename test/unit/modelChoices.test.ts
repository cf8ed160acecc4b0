// Issue 24 item 3: one model, named one way, in both pickers — the chat view's dropdown offers what Switch Model's
// quick pick offers (smart-select, the gateway's own auto routing, the gateway's models), by id, friendly name as detail.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ageText, modelChoices } from '../../src/vscode/modelChoices';
import { ChatController } from '../../src/vscode/chat/chatController';
import type { RoutingChoice } from '../../src/vscode/featureDeps';
import type { HostMessage } from '../../src/protocol';
import { fakeChatEffects } from './support/chatEffects';

const SIM = [
  { id: 'sim/echo', provider: 'sim', name: 'Simulator: echo' },
  { id: 'openai/gpt-4.1', provider: 'openai', name: 'GPT-4.1' },
];
const SELECT: RoutingChoice = { mode: 'gateway', gatewayAuto: { id: 'smart-select', label: 'Select Auto' } };
const OPENROUTER: RoutingChoice = { mode: 'local', gatewayAuto: { id: 'openrouter/auto', label: 'OpenRouter Auto' } };

describe('modelChoices', () => {
  test('routing choices on top, then models by provider, each named by its id with the friendly name as detail', () => {
    const choices = modelChoices(SIM, 'sim/echo', OPENROUTER);
    assert.deepEqual(
      choices.map((c) => [c.label, c.group, c.detail]),
      [
        ['smart-select', '', 'Switchboard decides, explained'],
        ['OpenRouter Auto', '', 'the gateway decides (openrouter/auto)'],
        ['openai/gpt-4.1', 'openai', 'GPT-4.1'],
        ['sim/echo', 'sim', 'Simulator: echo'],
      ],
    );
    assert.deepEqual(
      choices.filter((c) => c.current).map((c) => c.model),
      ['sim/echo'],
    );
  });

  test("Select Auto is smart-select decided by the gateway: the current one is the mode's, and choosing sets the mode", () => {
    const byGateway = modelChoices(SIM, 'smart-select', SELECT);
    assert.deepEqual(
      byGateway.filter((c) => c.current).map((c) => [c.label, c.smartSelectMode]),
      [['Select Auto', 'gateway']],
    );
    const local = modelChoices(SIM, 'smart-select', { ...SELECT, mode: 'local' });
    assert.deepEqual(
      local.filter((c) => c.current).map((c) => [c.label, c.smartSelectMode]),
      [['smart-select', 'local']],
    );
  });

  test("the gateway list's age reads in the largest whole unit", () => {
    assert.deepEqual([30_000, 12 * 60_000, 3 * 3_600_000, 50 * 3_600_000].map(ageText), ['just now', '12 min ago', '3 h ago', '2 days ago']);
  });

  test('the model in use is offered even when no list names it', () => {
    const choices = modelChoices([], 'acme/typed-by-hand', { mode: 'local' });
    assert.deepEqual(choices.at(-1), { model: 'acme/typed-by-hand', label: 'acme/typed-by-hand', group: 'acme', current: true });
  });
});

describe("the chat view's dropdown", () => {
  test('lists the gateway auto routing and the gateway models; choosing Select Auto sets the smart-select mode', async () => {
    const set: string[] = [];
    let routing = SELECT;
    const controller = new ChatController(
      fakeChatEffects({
        listModels: async () => SIM,
        currentModel: () => 'sim/echo',
        routing: () => routing,
        setModel: async (m) => void set.push(`model=${m}`),
        setSmartSelectMode: async (mode) => {
          set.push(`mode=${mode}`);
          routing = { ...routing, mode };
        },
      }),
    );
    const posted: HostMessage[] = [];
    controller.attach((m) => posted.push(m));
    await controller.handle({ type: 'ready' });
    const models = posted.filter((m) => m.type === 'models').at(-1);
    assert.ok(models?.type === 'models');
    assert.deepEqual(
      models.models.map((m) => [m.label, m.smartSelectMode ?? null, m.current ?? false]),
      [
        ['smart-select', 'local', false],
        ['Select Auto', 'gateway', false],
        ['openai/gpt-4.1', null, false],
        ['sim/echo', null, true],
      ],
    );
    assert.equal(models.models[3].detail, 'Simulator: echo');
    await controller.handle({ type: 'setModel', model: 'smart-select', smartSelectMode: 'gateway' });
    assert.deepEqual(set, ['mode=gateway', 'model=smart-select']);
  });
});
