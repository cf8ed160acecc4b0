// The language model provider's handlers with fake VS Code pieces (parts, progress, cancellation token) over the
// real core in front of the simulator.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type Sim } from '../sim/server';
import { parseConfig } from '../../src/core/config/settings';
import { createCore, type Core } from '../../src/core/createCore';
import { LM_ROLE, type LmMessageLike } from '../../src/core/prompt/lmMessages';
import { estimateTokens } from '../../src/core/prompt/tokens';
import type { LmProviderDeps } from '../../src/vscode/lm/lmChatProvider';
import { attachLmProvider, SwitchboardLmProvider } from '../../src/vscode/lm/lmChatProvider';
import { LM_VENDOR } from '../../src/vscode/ids';
import { StartupLmProvider } from '../../src/vscode/lm/startupProvider';
import { waitFor } from '../e2e/wait';
import type { CancellationTokenLike, LanguageModelChatInformation, LmPartFactory } from '../../src/vscode/lm/lmTypes';

const SIM_KEY = 'sk-sim-lm';
let sim: Sim;
let core: Core;
let dir: string;

before(async () => {
  sim = await startSim({ key: SIM_KEY });
  dir = mkdtempSync(join(tmpdir(), 'sb-lm-'));
  const { config } = parseConfig({
    'gateway.preset': 'custom',
    'gateway.baseUrl': sim.url,
    retries: 0,
    'smartSelect.tiers': { fast: 'sim/echo', balanced: 'sim/echo', strong: 'sim/echo', reasoning: 'sim/echo' },
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

type FakePart = { kind: 'text'; value: string } | { kind: 'tool'; callId: string; name: string; input: object };
const parts: LmPartFactory = {
  text: (value): FakePart => ({ kind: 'text', value }),
  toolCall: (callId, name, input): FakePart => ({ kind: 'tool', callId, name, input }),
};

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
  get listenerCount() {
    return this.listeners.size;
  }
}

function deps(over: Partial<LmProviderDeps> = {}): LmProviderDeps & { prompted: number; lines: string[] } {
  const d = {
    prompted: 0,
    lines: [] as string[],
    core: async () => core,
    currentModel: () => 'smart-select',
    setModel: async () => undefined,
    log: (l: string) => d.lines.push(l),
    canSendWithoutPrompt: async () => true,
    promptForKey: async () => {
      d.prompted++;
      return false;
    },
    ...over,
  };
  return d;
}

const info = (id: string, imageInput = false): LanguageModelChatInformation => ({
  id,
  name: id,
  family: id,
  version: '1',
  maxInputTokens: 1000,
  maxOutputTokens: 100,
  capabilities: { toolCalling: true, imageInput },
});

async function respond(
  provider: SwitchboardLmProvider,
  model: string,
  messages: LmMessageLike[],
  opts: { tools?: { name: string; description: string; inputSchema?: object }[]; token?: FakeToken; onPart?: (p: FakePart) => void } = {},
) {
  const got: FakePart[] = [];
  await provider.provideLanguageModelChatResponse(
    info(model),
    messages,
    { tools: opts.tools, toolMode: 1 },
    { report: (p) => (got.push(p as FakePart), opts.onPart?.(p as FakePart)) },
    opts.token ?? new FakeToken(),
  );
  return got;
}

const user = (t: string): LmMessageLike => ({ role: LM_ROLE.User, content: [{ value: t }] });

describe('registration', () => {
  test('without the API (VS Code < 1.104: no start-up provider) it is a no-op disposable and says why in the log', () => {
    const d = deps();
    const provider = new SwitchboardLmProvider(d, parts);
    let changes = 0;
    provider.onDidChangeLanguageModelChatInformation(() => changes++);
    const reg = attachLmProvider(provider, undefined, d.log);
    // The unused provider was disposed at once: it tells no one about model changes any more.
    provider.refresh();
    assert.equal(changes, 0);
    reg.dispose();
    reg.dispose(); // disposing twice is harmless
    assert.match(d.lines.join('\n'), /1\.104/);
  });

  test("attached to the provider registered under the 'switchboard' vendor: VS Code is told to ask at once, and hears its changes until disposed", () => {
    const startup = new StartupLmProvider({ listFile: join(dir, 'unused.json'), currentModel: () => 'sim/echo', load: () => undefined });
    let changes = 0;
    startup.onDidChangeLanguageModelChatInformation(() => changes++);
    const provider = new SwitchboardLmProvider(deps(), parts);
    const reg = attachLmProvider(provider, startup, () => undefined);
    assert.equal(LM_VENDOR, 'switchboard');
    assert.equal(changes, 1, 'announces its models when attached, so VS Code asks for them at once');
    provider.refresh();
    assert.equal(changes, 2);
    reg.dispose();
    provider.refresh();
    assert.equal(changes, 2, 'a disposed provider announces nothing');
  });

  test('attached to the start-up provider (src/boot.ts): it answers through it, and the next start lists the same models without loading', async () => {
    const listFile = join(dir, 'lm-models.json');
    const d = deps({ currentModel: () => 'sim/echo' });
    let loads = 0;
    let registration: { dispose(): unknown } | undefined;
    const firstStart = new StartupLmProvider({
      listFile,
      currentModel: d.currentModel,
      load: () => {
        loads++;
        registration = attachLmProvider(new SwitchboardLmProvider(d, parts), firstStart, d.log);
      },
    });
    const listed = await firstStart.provideLanguageModelChatInformation({ silent: true }, new FakeToken());
    assert.equal(loads, 1);
    assert.ok(listed.some((m) => m.id === 'sim/echo' && m.isDefault));
    await waitFor(() => existsSync(listFile), { what: 'the list kept for the next start' });

    const nextStart = new StartupLmProvider({ listFile, currentModel: d.currentModel, load: () => loads++ });
    const relisted = await nextStart.provideLanguageModelChatInformation({ silent: true }, new FakeToken());
    assert.equal(loads, 1, 'the next start did not load the extension');
    assert.deepEqual(relisted, listed);
    registration?.dispose();
  });
});

describe('model information', () => {
  test('silent without a key: the models are listed at once anyway, and nobody is asked', async () => {
    const d = deps({ canSendWithoutPrompt: async () => false });
    const models = await new SwitchboardLmProvider(d, parts).provideLanguageModelChatInformation({ silent: true }, new FakeToken());
    assert.ok(models.length > 1);
    assert.equal(d.prompted, 0);
  });

  test('not silent without a key: asks once, and lists the models whatever the answer', async () => {
    const d = deps({ canSendWithoutPrompt: async () => false });
    const models = await new SwitchboardLmProvider(d, parts).provideLanguageModelChatInformation({ silent: false }, new FakeToken());
    assert.ok(models.length > 1);
    assert.equal(d.prompted, 1);
  });

  test('smart-select first, then the catalog: selectable, grouped under Switchboard, tool calling declared', async () => {
    const models = await new SwitchboardLmProvider(deps(), parts).provideLanguageModelChatInformation({ silent: true }, new FakeToken());
    assert.equal(models[0].id, 'smart-select');
    assert.deepEqual(
      models.slice(1).map((m) => m.id),
      (await core.listModels()).map((m) => m.id),
    );
    assert.ok(
      models.every((m) => m.isUserSelectable === true),
      'VS Code 1.117 lists a model in the picker only with isUserSelectable',
    );
    assert.ok(models.every((m) => m.category?.label === 'Switchboard'));
    assert.ok(models.every((m) => m.capabilities.toolCalling !== undefined));
    assert.ok(models.some((m) => m.capabilities.toolCalling === true));
  });

  test('exactly one default: switchboard.model, listed even before any list names it (so a reload preselects it)', async () => {
    const provider = (model: string) => new SwitchboardLmProvider(deps({ currentModel: () => model }), parts);
    const defaults = async (model: string) =>
      (await provider(model).provideLanguageModelChatInformation({ silent: true }, new FakeToken())).filter((m) => m.isDefault).map((m) => m.id);
    assert.deepEqual(await defaults('smart-select'), ['smart-select']);
    assert.deepEqual(await defaults('openai/gpt-4.1'), ['openai/gpt-4.1']);
    assert.deepEqual(await defaults('sim/echo'), ['sim/echo'], 'a gateway model whose list has not arrived yet stays the default');
  });

  test('one name per model: the id, with the friendly name in the detail', async () => {
    const models = await new SwitchboardLmProvider(deps(), parts).provideLanguageModelChatInformation({ silent: true }, new FakeToken());
    assert.ok(
      models.every((m) => m.name === m.id),
      JSON.stringify(models.filter((m) => m.name !== m.id).map((m) => [m.id, m.name])),
    );
    const gpt = models.find((m) => m.id === 'openai/gpt-4.1');
    const friendly = core.catalog.get('openai/gpt-4.1')?.name;
    assert.ok(friendly && gpt?.detail?.startsWith(`${friendly} · `), gpt?.detail);
  });

  test('context window and output limit from the catalog; price and window in detail and tooltip', async () => {
    const models = await new SwitchboardLmProvider(deps(), parts).provideLanguageModelChatInformation({ silent: true }, new FakeToken());
    const gpt = models.find((m) => m.id === 'openai/gpt-4.1');
    const entry = core.catalog.get('openai/gpt-4.1');
    assert.ok(gpt && entry);
    assert.equal(gpt.maxInputTokens, entry.contextWindow);
    assert.ok(gpt.maxOutputTokens > 0 && gpt.maxOutputTokens <= entry.contextWindow);
    assert.equal(gpt.detail, 'GPT-4.1 · $2.00 / $8.00 per 1M · 1.05M context');
    assert.match(gpt.tooltip ?? '', /\$2\.00 in \/ \$8\.00 out per 1M tokens, 1,047,576-token context window/);
    const smart = models[0];
    assert.ok(smart.maxInputTokens > 0 && smart.maxOutputTokens > 0);
    assert.match(smart.detail ?? '', / · \d+K context$/);
  });
});

describe('responses', () => {
  test('text streams as text parts, through the router (recorded in the ledger)', async () => {
    const before = core.ledger.records().length;
    const got = await respond(new SwitchboardLmProvider(deps(), parts), 'smart-select', [user('hello there you')]);
    assert.ok(got.length >= 3, 'one part per streamed word');
    assert.equal(got.map((p) => (p.kind === 'text' ? p.value : '')).join(''), 'hello there you');
    assert.equal(core.ledger.records().length, before + 1);
    assert.equal(core.ledger.records().at(-1)?.requested, 'smart-select');
    assert.equal(core.ledger.records().at(-1)?.client, 'vscode-lm');
  });

  test('a tool-call round trip against sim/tool: call part out, tool result part back in', async () => {
    const provider = new SwitchboardLmProvider(deps(), parts);
    const tools = [{ name: 'lookup', description: 'Looks things up', inputSchema: { type: 'object', properties: { q: { type: 'string' } } } }];
    const first = await respond(provider, 'sim/tool?name=lookup', [user('find cats')], { tools });
    const calls = first.filter((p): p is Extract<FakePart, { kind: 'tool' }> => p.kind === 'tool');
    assert.equal(calls.length, 1);
    assert.equal(calls[0].name, 'lookup');
    assert.deepEqual(calls[0].input, { q: 'find cats' });
    assert.ok(calls[0].callId);

    const second = await respond(
      provider,
      'sim/tool?name=lookup',
      [
        user('find cats'),
        { role: LM_ROLE.Assistant, content: [{ callId: calls[0].callId, name: calls[0].name, input: calls[0].input }] },
        { role: LM_ROLE.User, content: [{ callId: calls[0].callId, content: [{ value: 'three cats found' }] }] },
      ],
      { tools },
    );
    assert.equal(second.map((p) => (p.kind === 'text' ? p.value : '')).join(''), 'three cats found');
    assert.equal(
      second.some((p) => p.kind === 'tool'),
      false,
    );
  });

  test('cancellation aborts the upstream request and resolves quietly', async () => {
    const token = new FakeToken();
    let texts = 0;
    await respond(new SwitchboardLmProvider(deps(), parts), 'sim/lorem?tokens=500&chunkMs=10', [user('long')], {
      token,
      onPart: (p) => {
        if (p.kind === 'text' && ++texts === 2) token.cancel();
      },
    });
    assert.equal(texts, 2);
    assert.equal(token.listenerCount, 0, 'the cancellation listener is removed');
    const end = Date.now() + 15_000;
    while (sim.stats().aborted !== 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    assert.equal(sim.stats().aborted, 1);
    assert.equal(sim.stats().completed, 0);
  });

  test('an already-cancelled token sends nothing', async () => {
    const token = new FakeToken();
    token.cancel();
    assert.deepEqual(await respond(new SwitchboardLmProvider(deps(), parts), 'sim/echo', [user('x')], { token }), []);
    assert.equal(sim.stats().requests, 0);
  });

  test('a failure is thrown with the router message (every candidate failed)', async () => {
    const d = deps();
    await assert.rejects(respond(new SwitchboardLmProvider(d, parts), 'sim/fail?status=503', [user('x')]), /Every candidate failed[\s\S]*503/);
    assert.match(d.lines.join('\n'), /sim\/fail/);
  });
});

describe('token counts', () => {
  test('strings count with the o200k tokenizer; messages add framing and include tool calls', async () => {
    const provider = new SwitchboardLmProvider(deps(), parts);
    const t = new FakeToken();
    const m = info('smart-select');
    assert.equal(await provider.provideTokenCount(m, 'Hello, tokenizer world!', t), estimateTokens('Hello, tokenizer world!'));
    assert.equal(await provider.provideTokenCount(m, '', t), 0);
    const plain = await provider.provideTokenCount(m, user('find all the cats'), t);
    assert.equal(plain, estimateTokens('find all the cats') + 3);
    const withCall = await provider.provideTokenCount(
      m,
      { role: LM_ROLE.Assistant, content: [{ value: 'find all the cats' }, { callId: 'c', name: 'lookup', input: { q: 'cats' } }] },
      t,
    );
    assert.ok(withCall > plain);
  });
});
