// The HTML shell of every Switchboard webview: a strict CSP (no default source, scripts only with this load's nonce,
// styles, fonts and images only from the extension's own media), the stylesheets and one script. No vscode import:
// the extension passes webview URIs as strings, and the benchmark and the Chromium tests serve the same page.
export interface WebviewHtmlOptions {
  title: string;
  /** webview.cspSource (or the test server's origin). */
  cspSource: string;
  /** A fresh random nonce per load (base64/hex, no quotes). */
  nonce: string;
  scriptUri: string;
  styleUris: readonly string[];
  /** Extra image sources beyond the extension's own (the usage view's charts need `data:`). */
  extraImgSrc?: string;
  /** Static markup shown until the script renders (escaped by the caller). */
  placeholder?: string;
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function webviewHtml(o: WebviewHtmlOptions): string {
  const csp = [
    "default-src 'none'",
    `img-src ${o.cspSource}${o.extraImgSrc ? ` ${o.extraImgSrc}` : ''}`,
    `style-src ${o.cspSource}`,
    `font-src ${o.cspSource}`,
    `script-src 'nonce-${o.nonce}'`,
  ].join('; ');
  const styles = o.styleUris.map((u) => `<link rel="stylesheet" href="${escapeAttr(u)}">`).join('\n  ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  ${styles}
  <title>${escapeAttr(o.title)}</title>
</head>
<body>
  ${o.placeholder ?? ''}
  <script nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>`;
}

export type ChatHtmlOptions = Omit<WebviewHtmlOptions, 'title' | 'extraImgSrc' | 'placeholder'>;

/** The chat renders an answer's images as links, so it loads no image but the extension's own (see media/chat/markdown.ts). */
export const chatHtml = (o: ChatHtmlOptions): string => webviewHtml({ ...o, title: 'Switchboard Chat' });
