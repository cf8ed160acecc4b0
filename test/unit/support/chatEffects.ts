// ChatEffects with harmless defaults (no router, no context, no files), so each test states only what it relies on.
import type { ChatEffects } from '../../../src/vscode/chat/chatController';

export function fakeChatEffects(overrides: Partial<ChatEffects> = {}): ChatEffects {
  const noop = async () => {};
  return {
    router: () => Promise.reject(new Error('no router in this test')),
    currentModel: () => 'sim/echo',
    setModel: noop,
    listModels: async () => [],
    log: () => {},
    onError: () => {},
    copy: noop,
    insert: noop,
    newFile: noop,
    openExternal: noop,
    loadTurns: () => undefined,
    saveTurns: noop,
    loadAttachments: () => undefined,
    saveAttachments: noop,
    removeStored: noop,
    gatherContext: async () => [],
    countTokens: async (t) => t.split(/\s+/).filter(Boolean).length,
    previewPrompt: async (r) => ({ model: r.model, promptTokens: 0, window: 0, costUsd: 0, level: 'ok' }),
    applyToFile: noop,
    ...overrides,
  };
}
