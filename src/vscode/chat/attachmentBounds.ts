// The one size bound on what the chat attaches (files, the selection, open editors, problems, terminal output):
// 256 KB. A file is measured before it is read (never read whole only to be refused); lists and outputs are cut to
// the bound with a line saying what was left out. No vscode import: the unit tests call it with real files.

/** Larger files are refused (a selection of them can still be attached); longer lists and outputs are cut. */
export const MAX_ATTACHED_BYTES = 256 * 1024;
const BINARY_PROBE_BYTES = 8 * 1024;

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}

/** What a file system says about a path before it is read. */
export interface FileFacts {
  /** A regular file (not a directory, FIFO, socket or device). */
  isFile: boolean;
  size: number;
}

/** not-a-file: a directory, FIFO, socket or device · too-large: over MAX_ATTACHED_BYTES · binary: a NUL byte early on. */
export type Refusal = { ok: false; why: 'not-a-file' | 'binary' | 'unreadable'; detail?: string } | { ok: false; why: 'too-large'; size: number };

export type Bounded = { ok: true; text: string } | Refusal;

/** Why bytes of a file cannot be attached, or undefined. */
export function contentRefusal(bytes: Uint8Array): Refusal | undefined {
  if (bytes.length > MAX_ATTACHED_BYTES) return { ok: false, why: 'too-large', size: bytes.length };
  if (bytes.subarray(0, BINARY_PROBE_BYTES).includes(0)) return { ok: false, why: 'binary' };
  return undefined;
}

/** Stats first, reads only a regular file within the bound, then checks what was read (it may have grown). */
export async function readBounded(fs: { stat(): Promise<FileFacts>; read(): Promise<Uint8Array> }): Promise<Bounded> {
  let facts: FileFacts;
  let bytes: Uint8Array;
  try {
    facts = await fs.stat();
    if (!facts.isFile) return { ok: false, why: 'not-a-file' };
    if (facts.size > MAX_ATTACHED_BYTES) return { ok: false, why: 'too-large', size: facts.size };
    bytes = await fs.read();
  } catch (err) {
    return { ok: false, why: 'unreadable', detail: err instanceof Error ? err.message : String(err) };
  }
  return contentRefusal(bytes) ?? { ok: true, text: new TextDecoder().decode(bytes) };
}

const byteLength = (s: string): number => Buffer.byteLength(s);

/** The first lines that fit the bound, and how many did not. */
export function capLines(lines: readonly string[], maxBytes = MAX_ATTACHED_BYTES): { text: string; kept: number; dropped: number } {
  let used = 0;
  let kept = 0;
  for (const line of lines) {
    const size = byteLength(line) + 1;
    if (used + size > maxBytes) break;
    used += size;
    kept++;
  }
  return { text: lines.slice(0, kept).join('\n'), kept, dropped: lines.length - kept };
}

/** The end of `text` within the bound (the latest output matters most), starting with a line saying what was cut. */
export function capTail(text: string, maxBytes = MAX_ATTACHED_BYTES): { text: string; cutBytes: number } {
  const total = byteLength(text);
  if (total <= maxBytes) return { text, cutBytes: 0 };
  const note = (cut: number) => `… (the first ${formatBytes(cut)} are not attached)\n`;
  const room = maxBytes - byteLength(note(total));
  // Characters are at most 4 bytes in UTF-8: start from the end, then drop characters until it fits.
  let tail = text.slice(-room);
  while (byteLength(tail) > room) tail = tail.slice(Math.max(1, Math.floor((byteLength(tail) - room) / 4)));
  if (/^[\udc00-\udfff]/.test(tail)) tail = tail.slice(1);
  return { text: note(total - byteLength(tail)) + tail, cutBytes: total - byteLength(tail) };
}
