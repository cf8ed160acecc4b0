// Text from outside (an upstream's event, a served model's name, an agent's model or tool name) loses its control
// characters before it is quoted in a message or a log line: no terminal escape, no line break that forges a line.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `text` without C0/C1 control characters or Unicode line separators. */
export const withoutControlChars = (text: string): string => text.replace(CONTROL, '');
