// Who sent a request: a small closed set of client names, so the ledger, the usage view and `switchboard usage` can
// show spend per client. The local gateway maps an untrusted User-Agent onto this set (src/gateway/clientName.ts);
// a raw header never reaches the ledger. Records written before clients were named read as `unknown`.

export const CLIENT_LABELS = {
  'claude-code': 'Claude Code',
  codex: 'Codex',
  'openai-sdk': 'OpenAI SDK',
  'anthropic-sdk': 'Anthropic SDK',
  other: 'curl/other',
  'chat-view': 'VS Code chat',
  participant: '@switchboard',
  'vscode-lm': 'vscode.lm',
  ask: 'Ask Model/Explain',
  cli: 'CLI',
  unknown: 'unknown',
} as const;

/** A client name as stored in the ledger. */
export type ClientId = keyof typeof CLIENT_LABELS;

export function isClientId(v: unknown): v is ClientId {
  return typeof v === 'string' && Object.hasOwn(CLIENT_LABELS, v);
}

/** What the user reads for a stored client name (anything unexpected reads as "unknown"). */
export function clientLabel(id: string | undefined): string {
  return isClientId(id) ? CLIENT_LABELS[id] : CLIENT_LABELS.unknown;
}

export const CLIENT_IDS = Object.keys(CLIENT_LABELS) as [ClientId, ...ClientId[]];
