// Everything the CLI prints that came from outside (model output, upstream errors, the gateway's model list, ledger
// entries) passes through here on its way to a terminal. C0 and C1 control characters are removed, newline and tab
// kept, so an answer or an error body cannot move the cursor, retitle the window or write the clipboard (OSC 52).
// Removing the characters one by one is stateless, so it holds for text that arrives in chunks, however split.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const UNESCAPED_IN_JSON = /[\u007f-\u009f]/g;

export const terminalSafe = (text: string): string => text.replace(CONTROL, '');

/** Pretty JSON whose strings keep every character: JSON escapes C0 itself; DEL and C1 are escaped here. */
export const terminalJson = (value: unknown): string =>
  JSON.stringify(value, null, 2).replace(UNESCAPED_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
