// What Explain takes when nothing is selected: the innermost function around the cursor; on a line of code outside
// any function, that line; on a blank line, the nearest block (the function it belongs to, or its run of non-blank
// lines). A file with nothing but blank lines has nothing to explain. No vscode: explainCommand supplies the lines and
// the document's function ranges.

/** Lines are 0-based and inclusive. */
export interface LineSpan {
  start: number;
  end: number;
}

export interface ExplainTargetInput {
  /** The document's lines (their text; only blankness matters). */
  lines: readonly string[];
  cursorLine: number;
  /** Function, method, constructor and class ranges from the document's symbol provider (any order, may nest). */
  functions: readonly LineSpan[];
}

const blank = (line: string | undefined) => line === undefined || line.trim() === '';

/** The span to explain, or undefined when there is nothing to explain near the cursor. */
export function explainTarget(input: ExplainTargetInput): LineSpan | undefined {
  const { lines } = input;
  if (lines.length === 0) return undefined;
  const cursor = Math.min(Math.max(0, input.cursorLine), lines.length - 1);
  const around = innermost(input.functions, cursor);
  if (around && !blank(lines[cursor])) return around;
  if (!blank(lines[cursor])) return { start: cursor, end: cursor };
  const near = nearestNonBlank(lines, cursor);
  if (near === undefined) return undefined;
  return innermost(input.functions, near) ?? runAround(lines, near);
}

function innermost(spans: readonly LineSpan[], line: number): LineSpan | undefined {
  let best: LineSpan | undefined;
  for (const s of spans) if (s.start <= line && line <= s.end && (!best || s.end - s.start < best.end - best.start)) best = s;
  return best;
}

/** The closest non-blank line; at equal distance the one above (the block the blank line ends). */
function nearestNonBlank(lines: readonly string[], from: number): number | undefined {
  for (let d = 1; d < lines.length; d++) {
    if (from - d >= 0 && !blank(lines[from - d])) return from - d;
    if (from + d < lines.length && !blank(lines[from + d])) return from + d;
  }
  return undefined;
}

function runAround(lines: readonly string[], line: number): LineSpan {
  let start = line;
  let end = line;
  while (start > 0 && !blank(lines[start - 1])) start--;
  while (end + 1 < lines.length && !blank(lines[end + 1])) end++;
  return { start, end };
}
