// Serves the real chat webview bundle (built with esbuild into a temp dir, same options as esbuild.js) behind the
// real HTML shell and CSP, in Debian Chromium, with a stub `acquireVsCodeApi` that records what the view posts.
// Used by the render/sanitiser test and by bench/webview.bench.ts.
import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chatHtml } from '../../src/vscode/webviewHtml';
import type { HostMessage } from '../../src/protocol';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(__dirname, '../..');

export interface ChatPage {
  page: Page;
  browser: Browser;
  /** Dispatches host messages into the page synchronously, as VS Code delivers them (`message` events). */
  send(...msgs: unknown[]): Promise<void>;
  /** What the view posted to the host so far. */
  posted(): Promise<unknown[]>;
  /** CSP violations the page reported. */
  violations(): Promise<string[]>;
  close(): Promise<void>;
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export async function buildChatBundle(outdir: string): Promise<void> {
  await build({
    entryPoints: { chat: join(ROOT, 'media/chat/main.ts') },
    outdir,
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    logLevel: 'warning',
  });
  copyFileSync(join(ROOT, 'media/chat.css'), join(outdir, 'chat.css'));
  const codicon = join(ROOT, 'node_modules/@vscode/codicons/dist');
  for (const f of ['codicon.css', 'codicon.ttf']) if (existsSync(join(codicon, f))) copyFileSync(join(codicon, f), join(outdir, f));
}

const TYPES: Record<string, string> = { js: 'text/javascript', css: 'text/css', ttf: 'font/ttf', html: 'text/html' };

function serve(dir: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const html = chatHtml({
        cspSource: origin,
        nonce: randomBytes(16).toString('base64'),
        scriptUri: `${origin}/chat.js`,
        styleUris: [`${origin}/codicon.css`, `${origin}/chat.css`],
      });
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return;
    }
    const file = join(dir, path.replace(/^\/+/, ''));
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[file.split('.').pop() ?? ''] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

declare global {
  interface Window {
    __posted: unknown[];
    __violations: string[];
  }
}

export async function openChatPage(opts: { viewport?: { width: number; height: number }; initialState?: unknown } = {}): Promise<ChatPage> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-chat-'));
  await buildChatBundle(dir);
  const { server, origin } = await serve(dir);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const page = await browser.newPage({ viewport: opts.viewport ?? { width: 420, height: 900 } });
    // A string, not a function: tsx compiles functions with esbuild's keepNames, whose `__name` helper does not
    // exist in the page. The same helper is defined here so functions passed to page.evaluate work too.
    await page.addInitScript(`
      window.__name = (f) => f;
      window.__posted = [];
      window.__violations = [];
      let state = ${JSON.stringify(opts.initialState ?? null)} ?? undefined;
      let acquired = false;
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
      window.acquireVsCodeApi = () => {
        if (acquired) throw new Error('acquireVsCodeApi called twice');
        acquired = true;
        return { postMessage: (m) => window.__posted.push(m), getState: () => state, setState: (s) => { state = s; } };
      };
    `);
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.__posted.some((m) => (m as { type?: string }).type === 'ready'));
    return {
      page,
      browser,
      send: (...msgs) =>
        page.evaluate((list) => {
          for (const data of list) window.dispatchEvent(new MessageEvent('message', { data }));
        }, msgs),
      posted: () => page.evaluate(() => window.__posted),
      violations: () => page.evaluate(() => window.__violations),
      close: async () => {
        await browser.close();
        server.closeAllConnections();
        await new Promise((ok) => server.close(ok));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await browser.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export type { HostMessage };
