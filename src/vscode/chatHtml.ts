// The chat webview's HTML shell. No vscode import: the extension passes webview URIs as strings, and the
// benchmark and the Chromium render test serve the same page over a local HTTP server.
export interface ChatHtmlOptions {
  /** webview.cspSource (or the test server's origin). */
  cspSource: string;
  /** A fresh random nonce per load (base64/hex, no quotes). */
  nonce: string;
  scriptUri: string;
  styleUris: readonly string[];
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function chatHtml(o: ChatHtmlOptions): string {
  const csp = [
    "default-src 'none'",
    `img-src ${o.cspSource} https: data:`,
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
  <title>Switchboard Chat</title>
</head>
<body>
  <script nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>`;
}
