// Model output is untrusted. It is parsed by markdown-it with raw HTML off, then sanitised by DOMPurify with an
// allow-list (no script, no style, no event-handler attribute; links only http(s)/mailto), and returned as a DOM
// fragment — never assigned as HTML. Images become links: loading a remote image the model chose would let a
// prompt injection send data to any server in the image URL.
import MarkdownIt from 'markdown-it';
import DOMPurify from 'dompurify';
import { highlight } from './highlight';

const ALLOWED_TAGS = [
  'p',
  'br',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'ul',
  'ol',
  'li',
  'em',
  'strong',
  's',
  'del',
  'code',
  'pre',
  'a',
  'span',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'sup',
  'sub',
];
const ALLOWED_ATTR = ['href', 'title', 'class', 'start'];
const SAFE_URI = /^(?:https?:|mailto:)/i;

function createParser(withHighlight: boolean) {
  const md = new MarkdownIt({
    html: false,
    linkify: true,
    typographer: false,
    highlight: withHighlight ? (code, lang) => highlight(code, lang) ?? '' : undefined,
  });
  // ```ts src/app.ts names the file a block belongs to: kept (as the code's title) for Apply to File.
  const fence = md.renderer.rules.fence;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const path = tokens[idx].info.trim().split(/\s+/)[1];
    if (path) tokens[idx].attrSet('title', path);
    return fence ? fence(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
  };
  md.renderer.rules.image = (tokens, idx) => {
    const t = tokens[idx];
    const src = String(t.attrGet('src') ?? '');
    const alt = t.content || 'image';
    return `<a href="${md.utils.escapeHtml(src)}" class="image-link">${md.utils.escapeHtml(`[image: ${alt}]`)}</a>`;
  };
  return md;
}

/** Completed blocks are highlighted; the still-growing tail is not (it is re-rendered on every frame). */
const frozenParser = createParser(true);
const tailParser = createParser(false);

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node instanceof HTMLAnchorElement) {
    const href = node.getAttribute('href');
    if (href !== null && !SAFE_URI.test(href)) node.removeAttribute('href');
  }
});

export function sanitize(html: string): DocumentFragment {
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: SAFE_URI,
    ALLOW_DATA_ATTR: false,
    RETURN_DOM_FRAGMENT: true,
  });
}

export function renderMarkdown(source: string, opts: { highlight: boolean }): DocumentFragment {
  const fragment = sanitize((opts.highlight ? frozenParser : tailParser).render(source));
  decorateCodeBlocks(fragment);
  return fragment;
}

/** Wraps each code block with its language and Copy / Insert at Cursor / New File buttons (handled by delegation). */
function decorateCodeBlocks(root: DocumentFragment): void {
  for (const pre of Array.from(root.querySelectorAll('pre'))) {
    const code = pre.querySelector('code');
    const language = /(?:^|\s)language-([\w+#.-]+)/.exec(code?.className ?? '')?.[1] ?? '';
    const wrap = document.createElement('div');
    wrap.className = 'code-block';
    wrap.dataset.language = language;
    const path = code?.getAttribute('title');
    if (path) wrap.dataset.path = path;
    const bar = document.createElement('div');
    bar.className = 'code-toolbar';
    const label = document.createElement('span');
    label.className = 'code-language';
    label.textContent = language;
    bar.append(
      label,
      codeButton('copy', 'copy', 'Copy code'),
      codeButton('insert', 'insert', 'Insert code at cursor'),
      codeButton('newFile', 'new-file', 'Open code in a new file'),
      codeButton('apply', 'diff', path ? `Apply to ${path} (shows a diff first)` : 'Apply to a file (shows a diff first)'),
    );
    pre.replaceWith(wrap);
    wrap.append(bar, pre);
  }
}

function codeButton(action: string, icon: string, label: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'icon-button';
  b.dataset.action = action;
  b.title = label;
  b.setAttribute('aria-label', label);
  const i = document.createElement('span');
  i.className = `codicon codicon-${icon}`;
  i.setAttribute('aria-hidden', 'true');
  b.append(i);
  return b;
}
