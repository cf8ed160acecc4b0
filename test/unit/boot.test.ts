// src/boot.ts (dist/extension.js, what VS Code runs at start-up) under a fake `vscode` module: activation registers
// ids and shims only and loads nothing; the first use of a shim loads the extension once and hands over; the warm-up
// loads it only for a stored key; a load that fails is said once, never retried into "command already exists".
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import { join } from 'node:path';
import type * as vscodeTypes from 'vscode';
import type { BootHost, Features } from '../../src/extension';

type Handler = (...args: unknown[]) => unknown;

/** The parts of `vscode` boot.ts touches, recording what it registered. */
function fakeVscode(opts: { lm: boolean }) {
  const disposable = () => ({ dispose() {} });
  const rec = {
    commands: new Map<string, Handler>(),
    executed: [] as { id: string; args: unknown[] }[],
    views: [] as string[],
    serializers: [] as string[],
    lmProviders: [] as string[],
    errors: [] as string[],
    participant: undefined as { requestHandler: Handler } | undefined,
  };
  const vscode = {
    StatusBarAlignment: { Left: 1, Right: 2 },
    Uri: { joinPath: (base: { fsPath: string }, ...parts: string[]) => ({ fsPath: join(base.fsPath, ...parts) }) },
    window: {
      createStatusBarItem: () => ({ show() {}, dispose() {} }),
      registerWebviewViewProvider: (id: string) => (rec.views.push(id), disposable()),
      registerWebviewPanelSerializer: (id: string) => (rec.serializers.push(id), disposable()),
      showErrorMessage: async (text: string) => void rec.errors.push(text),
    },
    workspace: { getConfiguration: () => ({ get: () => 'sim/echo' }), onDidChangeConfiguration: disposable },
    commands: {
      registerCommand: (id: string, fn: Handler) => {
        if (rec.commands.has(id)) throw new Error(`command '${id}' already exists`);
        rec.commands.set(id, fn);
        return { dispose: () => rec.commands.delete(id) };
      },
      executeCommand: async (id: string, ...args: unknown[]) => void rec.executed.push({ id, args }),
    },
    chat: {
      createChatParticipant: (_id: string, handler: Handler) => (rec.participant = { requestHandler: handler, dispose() {} } as never),
    },
    lm: opts.lm ? { registerLanguageModelChatProvider: (vendor: string) => (rec.lmProviders.push(vendor), disposable()) } : undefined,
  };
  return { vscode, rec };
}

const COMMANDS = ['switchboard.askModel', 'switchboard.showUsage'];

function context(opts: { welcomed: boolean; storedKey?: string }) {
  return {
    subscriptions: [] as { dispose(): unknown }[],
    extensionUri: { fsPath: '/ext' },
    globalStorageUri: { fsPath: '/tmp/sb-boot-test' },
    extension: { packageJSON: { contributes: { commands: COMMANDS.map((command) => ({ command })) } } },
    globalState: { get: (key: string) => (key === 'switchboard.welcomed' ? opts.welcomed : undefined) },
    secrets: { get: async () => opts.storedKey },
  } as unknown as vscodeTypes.ExtensionContext;
}

type BootModule = typeof import('../../src/boot');
const originalLoad = (Module as unknown as { _load: Handler })._load;

/** Loads src/boot.ts against `vscode` (fresh each time) and an extension whose activation is counted. */
function boot(vscode: unknown, features: { fail?: Error } = {}) {
  (Module as unknown as { _load: Handler })._load = function (this: unknown, request: unknown, ...rest: unknown[]) {
    return request === 'vscode' ? vscode : originalLoad.call(this, request, ...rest);
  };
  const file = require.resolve('../../src/boot');
  delete require.cache[file];
  const mod = require(file) as BootModule;
  const loads: BootHost[] = [];
  const load = () => ({
    activateFeatures: (_ctx: unknown, host: BootHost): Features => {
      loads.push(host);
      if (features.fail) throw features.fail;
      return { chat: { resolveWebviewView: () => undefined }, restoreUsagePanel: async () => undefined };
    },
  });
  return { activate: (ctx: vscodeTypes.ExtensionContext) => mod.activate(ctx, load), loads };
}

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => {
  mock.timers.reset();
  (Module as unknown as { _load: Handler })._load = originalLoad;
});

/** Lets the promise the warm-up's timer started settle. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('start-up (src/boot.ts)', () => {
  test('activation registers every command, the views, the participant and (1.104+) the model provider, and loads nothing', () => {
    const { vscode, rec } = fakeVscode({ lm: true });
    const b = boot(vscode);
    b.activate(context({ welcomed: true }));
    assert.deepEqual([...rec.commands.keys()], COMMANDS);
    assert.deepEqual(rec.views, ['switchboard.chatView']);
    assert.deepEqual(rec.serializers, ['switchboard.usage']);
    assert.deepEqual(rec.lmProviders, ['switchboard']);
    assert.ok(rec.participant);
    assert.equal(b.loads.length, 0, 'the extension is not loaded at activation');
  });

  test('a command shim loads the extension once, hands it the participant and the provider, and re-runs the command', async () => {
    const { vscode, rec } = fakeVscode({ lm: true });
    const b = boot(vscode);
    b.activate(context({ welcomed: true }));
    await rec.commands.get('switchboard.askModel')?.('a question');
    assert.equal(b.loads.length, 1);
    assert.ok(b.loads[0].participant && b.loads[0].lmProvider && b.loads[0].status, 'the participant, the provider and the status item are handed over');
    assert.deepEqual(rec.executed, [{ id: 'switchboard.askModel', args: ['a question'] }]);
    assert.equal(rec.commands.size, 0, 'the shims stepped aside for the real commands');
  });

  test('the warm-up loads the extension 3 s after start-up only when a key is stored, on every VS Code', async () => {
    for (const lm of [true, false]) {
      for (const storedKey of [undefined, 'sk-stored']) {
        const { vscode } = fakeVscode({ lm });
        const b = boot(vscode);
        b.activate(context({ welcomed: true, ...(storedKey ? { storedKey } : {}) }));
        mock.timers.tick(3000);
        await settle();
        assert.equal(b.loads.length, storedKey ? 1 : 0, `lm API ${lm}, stored key ${storedKey ? 'yes' : 'no'}`);
      }
    }
  });

  test('the first run loads the extension at once (the walkthrough)', () => {
    const { vscode } = fakeVscode({ lm: false });
    const b = boot(vscode);
    b.activate(context({ welcomed: false }));
    assert.equal(b.loads.length, 1);
  });

  test('a load that fails is said once, naming what to do, and not retried', async () => {
    const { vscode, rec } = fakeVscode({ lm: false });
    const b = boot(vscode, { fail: new Error('features.js is damaged') });
    b.activate(context({ welcomed: true }));
    const askModel = rec.commands.get('switchboard.askModel');
    assert.throws(() => askModel?.(), /damaged/);
    assert.throws(() => askModel?.(), /damaged/);
    assert.equal(b.loads.length, 1, 'not retried');
    assert.equal(rec.errors.length, 1, 'said once');
    assert.match(rec.errors[0], /Switchboard could not start \(features\.js is damaged\)\. Run "Developer: Reload Window"/);
    // Every command is still there and says the same, instead of VS Code's "command not found".
    assert.deepEqual([...rec.commands.keys()], COMMANDS);
    await rec.commands.get('switchboard.showUsage')?.();
    assert.equal(rec.errors.length, 2);
    assert.equal(rec.errors[1], rec.errors[0]);
  });
});
