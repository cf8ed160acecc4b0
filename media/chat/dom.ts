// The chat webview's two DOM builders: an element with class, test id and text, and an icon button (codicon plus
// label, the action in data-action). Shared by the turn view, the context bar and the page.
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; testid?: string; text?: string } = {},
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.testid) e.dataset.testid = props.testid;
  if (props.text !== undefined) e.textContent = props.text;
  return e;
}

export function iconButton(opts: { action: string; icon: string; label: string; text?: string; testid?: string }): HTMLButtonElement {
  const b = el('button', { className: opts.text ? 'text-button' : 'icon-button', testid: opts.testid });
  b.type = 'button';
  b.dataset.action = opts.action;
  b.title = opts.label;
  b.setAttribute('aria-label', opts.label);
  const icon = el('span', { className: `codicon codicon-${opts.icon}` });
  icon.setAttribute('aria-hidden', 'true');
  b.append(icon);
  if (opts.text) b.append(el('span', { text: opts.text }));
  return b;
}
