// Finds where the completed markdown blocks of a growing text end, scanning each line once. A boundary is the start
// of a line that begins a new top-level block for sure: not indented, outside any code fence, and after a blank line
// or after a top-level fence closed. Everything before the last boundary can be rendered once and frozen; only
// the text after it (the open block) is re-rendered as more arrives. Lists split at a blank line render as two lists
// with the same numbering (markdown-it keeps `start`), which reads the same.

interface Fence {
  char: string;
  len: number;
  topLevel: boolean;
}

const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;

export class BlockSplitter {
  /** Text already taken as completed blocks, kept only to answer `source`. */
  private readonly taken: string[] = [];
  /** Text not taken yet. Kept short on purpose: appending to one ever-growing string and searching it would make
   * V8 flatten (copy) the whole answer on every chunk. */
  private open = '';
  /** Offset in `open` of the first line not yet scanned (always the start of a line). */
  private scanned = 0;
  /** Offset in `open` up to which the text consists of completed blocks. */
  private boundary = 0;
  private fence: Fence | undefined;
  private prevBlank = false;
  private prevClosedTopFence = false;

  append(chunk: string): void {
    this.open += chunk;
    let nl: number;
    while ((nl = this.open.indexOf('\n', this.scanned)) >= 0) {
      this.scanLine(this.scanned, this.open.slice(this.scanned, nl));
      this.scanned = nl + 1;
    }
  }

  /** Removes and returns the completed blocks (all the text with `all`); '' when there are none. */
  take(all = false): string {
    const upTo = all ? this.open.length : this.boundary;
    if (upTo === 0) return '';
    const done = this.open.slice(0, upTo);
    this.open = this.open.slice(upTo);
    this.scanned = Math.max(0, this.scanned - upTo);
    this.boundary = 0;
    this.taken.push(done);
    return done;
  }

  /** The text after the last completed block (the block still growing). */
  get openText(): string {
    return this.open;
  }

  get source(): string {
    return this.taken.join('') + this.open;
  }

  private scanLine(start: number, line: string): void {
    const blank = /^\s*$/.test(line);
    const m = FENCE.exec(line);
    if (this.fence) {
      if (m && m[2][0] === this.fence.char && m[2].length >= this.fence.len && m[3].trim() === '') {
        this.prevClosedTopFence = this.fence.topLevel;
        this.fence = undefined;
      } else this.prevClosedTopFence = false;
      this.prevBlank = false;
      return;
    }
    const startsBlock = !blank && line[0] !== ' ' && line[0] !== '\t';
    if (startsBlock && (this.prevBlank || this.prevClosedTopFence)) this.boundary = start;
    if (m && !(m[2][0] === '`' && m[3].includes('`'))) this.fence = { char: m[2][0], len: m[2].length, topLevel: m[1] === '' };
    this.prevBlank = blank;
    this.prevClosedTopFence = false;
  }
}
