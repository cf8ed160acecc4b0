// Renders a growing markdown answer without re-rendering it from scratch: completed blocks (see BlockSplitter) are
// rendered once, highlighted, and frozen in the DOM; only the open tail is re-rendered, at most once per animation
// frame however many deltas arrived. So the work per frame is bounded by the new text plus the open block, and a
// whole answer costs time linear in its length.
import { BlockSplitter } from './blockSplitter';
import { renderMarkdown } from './markdown';

const BLOCKS_PER_PAGE = 24;
const dirty = new Set<StreamingMarkdown>();
let frameRequested = false;

function scheduleFrame(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(() => {
    frameRequested = false;
    const batch = [...dirty];
    dirty.clear();
    for (const r of batch) r.render();
  });
}

export class StreamingMarkdown {
  private readonly splitter = new BlockSplitter();
  private readonly tail: HTMLElement;
  private renderedTail = '';
  private page: HTMLElement | undefined;
  private blocksInPage = 0;

  /** Called after each render (e.g. to keep the view scrolled to the bottom). */
  onRender: (() => void) | undefined;

  constructor(private readonly container: HTMLElement) {
    this.tail = document.createElement('div');
    this.tail.className = 'md-tail';
    container.append(this.tail);
  }

  /** The whole answer so far (joins the pieces: call it rarely, not per chunk). */
  get text(): string {
    return this.splitter.source;
  }

  append(chunk: string): void {
    if (!chunk) return;
    this.splitter.append(chunk);
    dirty.add(this);
    scheduleFrame();
  }

  /** Frozen blocks are grouped in pages that skip rendering while off-screen (see chat.css), so the per-frame
   * cost does not grow with the number of blocks above. */
  private currentPage(): HTMLElement {
    if (!this.page || this.blocksInPage >= BLOCKS_PER_PAGE) {
      this.page = document.createElement('div');
      this.page.className = 'md-page';
      this.container.insertBefore(this.page, this.tail);
      this.blocksInPage = 0;
    }
    this.blocksInPage++;
    return this.page;
  }

  /** Renders now; with `final`, the tail is frozen too (highlighted, complete). */
  render(final = false): void {
    dirty.delete(this);
    const completed = this.splitter.take(final);
    if (completed) {
      const block = document.createElement('div');
      block.className = 'md-block';
      block.append(renderMarkdown(completed, { highlight: true }));
      this.currentPage().append(block);
    }
    const tail = this.splitter.openText;
    if (tail !== this.renderedTail) {
      if (tail) this.tail.replaceChildren(renderMarkdown(tail, { highlight: false }));
      else this.tail.replaceChildren();
      this.renderedTail = tail;
    }
    this.onRender?.();
  }
}
