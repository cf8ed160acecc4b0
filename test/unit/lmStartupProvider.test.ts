// The language-model provider registered at start-up (src/vscode/lm/startupProvider.ts): it answers VS Code's quiet
// model-list requests from the list kept last time without loading the extension, loads it for everything else, and
// hands every call to the extension's provider once attached. The round trip with the real provider is in
// lmProvider.test.ts.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKeptList, StartupLmProvider } from '../../src/vscode/lm/startupProvider';
import type { CancellationTokenLike, LanguageModelChatInformation, LanguageModelChatProvider } from '../../src/vscode/lm/lmTypes';
import { waitFor } from '../e2e/wait';

const token: CancellationTokenLike = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };

const info = (id: string, isDefault = false): LanguageModelChatInformation => ({
  id,
  name: id,
  family: id,
  version: '1',
  maxInputTokens: 1000,
  maxOutputTokens: 100,
  capabilities: { toolCalling: true },
  isUserSelectable: true,
  isDefault,
});

/** The extension's provider as the start-up provider sees it: a list, and a record of what it was asked. */
function extensionProvider(list: LanguageModelChatInformation[]) {
  const listeners = new Set<() => unknown>();
  const asked: string[] = [];
  const provider: LanguageModelChatProvider & { asked: string[]; fire(): void } = {
    asked,
    fire: () => listeners.forEach((l) => l()),
    onDidChangeLanguageModelChatInformation: (l) => (listeners.add(l), { dispose: () => listeners.delete(l) }),
    provideLanguageModelChatInformation: async () => (asked.push('list'), list),
    provideLanguageModelChatResponse: async (model) => void asked.push(`answer ${model.id}`),
    provideTokenCount: async (_m, text) => (asked.push('count'), String(text).length),
  };
  return provider;
}

let dir: string;
let listFile: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sb-lm-startup-'));
  listFile = join(dir, 'storage', 'lm-models.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A start-up provider whose `load()` attaches `inner` (as the extension does), counting the loads. */
function startup(inner: LanguageModelChatProvider, current = 'sim/echo') {
  const s = {
    loads: 0,
    provider: undefined as unknown as StartupLmProvider,
  };
  s.provider = new StartupLmProvider({
    listFile,
    currentModel: () => current,
    load: () => {
      s.loads++;
      s.provider.attach(inner);
    },
  });
  return s;
}

describe('before the extension loads', () => {
  test('no list kept yet: the extension loads and answers, and its list is kept for the next start', async () => {
    const list = [info('smart-select'), info('sim/echo', true)];
    const s = startup(extensionProvider(list));
    assert.deepEqual(await s.provider.provideLanguageModelChatInformation({ silent: true }, token), list);
    assert.equal(s.loads, 1);
    await waitFor(() => existsSync(listFile), { what: 'the kept list' });
    assert.deepEqual(JSON.parse(readFileSync(listFile, 'utf8')), list);
  });

  test('a kept list holding the current model answers a quiet request without loading, that model the default', async () => {
    const kept = [info('smart-select', true), info('sim/echo'), info('sim/tool')];
    listFile = join(dir, 'kept.json');
    writeFileSync(listFile, JSON.stringify(kept));
    const s = startup(extensionProvider([]), 'sim/tool');
    const got = await s.provider.provideLanguageModelChatInformation({ silent: true }, token);
    assert.equal(s.loads, 0, 'the extension did not load');
    assert.deepEqual(
      got.map((m) => m.id),
      ['smart-select', 'sim/echo', 'sim/tool'],
    );
    assert.deepEqual(
      got.filter((m) => m.isDefault).map((m) => m.id),
      ['sim/tool'],
      'exactly the model in switchboard.model now is the default (VS Code 1.104 loops when none is)',
    );
  });

  test('the extension loads instead when the kept list lacks the current model, or VS Code may prompt (not silent)', async () => {
    listFile = join(dir, 'kept.json');
    writeFileSync(listFile, JSON.stringify([info('smart-select', true), info('sim/echo')]));
    const fresh = [info('smart-select'), info('typed/by-hand', true)];
    const lacking = startup(extensionProvider(fresh), 'typed/by-hand');
    assert.deepEqual(await lacking.provider.provideLanguageModelChatInformation({ silent: true }, token), fresh);
    assert.equal(lacking.loads, 1);

    writeFileSync(listFile, JSON.stringify([info('smart-select', true), info('sim/echo')]));
    const loud = startup(extensionProvider(fresh), 'sim/echo');
    assert.deepEqual(await loud.provider.provideLanguageModelChatInformation({ silent: false }, token), fresh);
    assert.equal(loud.loads, 1);
  });

  test('a damaged or planted list is not believed: the extension loads and answers', async () => {
    const bad = [
      'not json',
      '{"id":"sim/echo"}',
      '[]',
      JSON.stringify([{ id: 'sim/echo' }]),
      JSON.stringify([{ ...info('sim/echo'), maxInputTokens: -1 }]),
      JSON.stringify([{ ...info('sim/echo'), capabilities: null }]),
      JSON.stringify(Array.from({ length: 5001 }, (_, i) => info(`m/${i}`))),
    ];
    for (const [i, text] of bad.entries()) {
      listFile = join(dir, `kept-${i}.json`);
      writeFileSync(listFile, text);
      assert.equal(await readKeptList(listFile), undefined, `not a list: ${text.slice(0, 60)}`);
      const s = startup(extensionProvider([info('sim/echo', true)]));
      await s.provider.provideLanguageModelChatInformation({ silent: true }, token);
      assert.equal(s.loads, 1, `loaded for: ${text.slice(0, 60)}`);
    }
  });

  test('an answer or a token count loads the extension and goes to its provider', async () => {
    const inner = extensionProvider([]);
    const s = startup(inner);
    await s.provider.provideLanguageModelChatResponse(info('sim/echo'), [], { toolMode: 1 }, { report() {} }, token);
    assert.equal(await s.provider.provideTokenCount(info('sim/echo'), 'four', token), 4);
    assert.equal(s.loads, 1, 'loaded once');
    assert.deepEqual(inner.asked, ['answer sim/echo', 'count']);
  });

  test('an extension that fails to attach its provider gives an error naming the routing log', async () => {
    const provider = new StartupLmProvider({ listFile, currentModel: () => 'sim/echo', load: () => undefined });
    await assert.rejects(
      () => provider.provideLanguageModelChatResponse(info('sim/echo'), [], { toolMode: 1 }, { report() {} }, token),
      /language model provider.*Show Routing Log/,
    );
  });
});

describe('once attached', () => {
  test("VS Code is told to ask again at once and whenever the extension's provider says its list changed", () => {
    const inner = extensionProvider([]);
    const s = startup(inner);
    let changes = 0;
    const listening = s.provider.onDidChangeLanguageModelChatInformation(() => changes++);
    s.provider.changed();
    assert.equal(changes, 1, 'changed() announces (at registration: 1.117 asks only after a change)');
    const attached = s.provider.attach(inner);
    assert.equal(changes, 2, 'attaching announces');
    inner.fire();
    assert.equal(changes, 3, "the extension's own changes are forwarded");
    attached.dispose();
    inner.fire();
    assert.equal(changes, 3, 'not after the extension is gone');
    listening.dispose();
    s.provider.changed();
    assert.equal(changes, 3);
  });

  test('a quiet request goes to the extension, not the kept list, and a new list replaces the kept one', async () => {
    listFile = join(dir, 'kept.json');
    writeFileSync(listFile, JSON.stringify([info('smart-select'), info('sim/echo', true)]));
    const fresh = [info('smart-select'), info('sim/echo', true), info('gateway/new')];
    const s = startup(extensionProvider(fresh));
    s.provider.attach(extensionProvider(fresh));
    assert.deepEqual(await s.provider.provideLanguageModelChatInformation({ silent: true }, token), fresh);
    await waitFor(() => readFileSync(listFile, 'utf8').includes('gateway/new'), { what: 'the new list kept' });
    assert.equal(s.loads, 0);
  });
});
