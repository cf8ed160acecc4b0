// The Explain Selection prompt: the selected code with its language, file and surroundings, trimmed to fit the model.
export interface ExplainInput {
  code: string;
  languageId: string;
  /** Workspace-relative path. */
  fileName: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** A few lines before and after the selection, for context. */
  before: string;
  after: string;
  /** Largest code size the chosen model's context can take (characters). */
  maxChars: number;
}

export interface ExplainPrompt {
  prompt: string;
  /** What the chat transcript shows instead of the whole prompt. */
  title: string;
  /** Characters cut from the selection to fit the model's context; 0 if none. */
  trimmedChars: number;
}

const fence = (code: string) => {
  let ticks = '```';
  while (code.includes(ticks)) ticks += '`';
  return ticks;
};

/** Builds the Explain Selection prompt: the code with its language, file and surroundings, trimmed to fit. */
export function buildExplainPrompt(i: ExplainInput): ExplainPrompt {
  const budget = Math.max(200, i.maxChars);
  const trimmedChars = Math.max(0, i.code.length - budget);
  const code = trimmedChars ? i.code.slice(0, budget) : i.code;
  const contextBudget = Math.max(0, Math.min(2000, budget - code.length));
  const before = i.before.slice(-Math.floor(contextBudget / 2));
  const after = i.after.slice(0, Math.floor(contextBudget / 2));
  const lines = i.startLine === i.endLine ? `line ${i.startLine}` : `lines ${i.startLine}-${i.endLine}`;
  const f = fence(code + before + after);
  const parts = [`Explain the following ${i.languageId} code from ${i.fileName} (${lines}): what it does, how, and anything surprising or risky.`];
  if (before.trim()) parts.push(`Context before:\n${f}${i.languageId}\n${before}\n${f}`);
  parts.push(`Code to explain:\n${f}${i.languageId}\n${code}\n${f}`);
  if (after.trim()) parts.push(`Context after:\n${f}${i.languageId}\n${after}\n${f}`);
  if (trimmedChars) parts.push(`(The selection was trimmed by ${trimmedChars} characters to fit the model's context window.)`);
  return { prompt: parts.join('\n\n'), title: `Explain ${i.fileName}:${i.startLine}${i.endLine !== i.startLine ? `-${i.endLine}` : ''}`, trimmedChars };
}
