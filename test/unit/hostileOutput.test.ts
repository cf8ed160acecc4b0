// Hostile model output in the real chat webview (Chromium, the real bundle behind the host's HTML shell and CSP):
// every payload of test/fixtures/xss-payloads.json is streamed in as its own answer. Nothing may execute (alert,
// confirm, prompt and a global flag are hooked), links reach the host only as `openLink` and the host opens only
// http(s), and the CSP itself blocks inline script. chatRender.test.ts covers rendering; this file covers the corpus,
// the host's link check and the CSP.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChatController } from '../../src/vscode/chat/chatController';
import { chromiumAvailable, openChatPage, CHROMIUM, type ChatPage } from './chatWebviewPage';
import { fakeChatEffects } from './support/chatEffects';

const skip = chromiumAvailable() ? false : `${CHROMIUM} is missing (apt-get install chromium); the hostile-output tests need it`;

interface Payload {
  kind: string;
  markdown: string;
}
const { payloads } = JSON.parse(readFileSync(join(__dirname, '../fixtures/xss-payloads.json'), 'utf8')) as { payloads: Payload[] };

const badge = { model: 'sim/echo', requested: 'sim/echo', promptTokens: 1, completionTokens: 1, estimated: false, costUsd: 0 };

/** The host side, with fakes for everything but the link check. */
function hostWithFakes(): { controller: ChatController; opened: string[]; logs: string[] } {
  const opened: string[] = [];
  const logs: string[] = [];
  const fx = fakeChatEffects({ log: (l) => void logs.push(l), openExternal: async (url) => void opened.push(url) });
  return { controller: new ChatController(fx), opened, logs };
}

describe('hostile model output in the chat webview (Chromium)', { skip }, () => {
  let p: ChatPage;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  before(async () => {
    p = await openChatPage();
    p.page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    p.page.on('pageerror', (e) => pageErrors.push(e.message));
    // Belt and braces next to the dialog listener: a payload that runs flags itself even if dialogs were suppressed.
    await p.page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) w[name] = (...args: unknown[]) => void (w.__pwned = `${name}(${args.join(',')})`);
    });
  });
  after(async () => {
    await p?.close();
  });

  test('the corpus covers every kind the issue names', () => {
    const kinds = new Set(payloads.map((x) => x.kind));
    for (const k of [
      'script tag',
      'event attribute',
      'javascript: link',
      'data: link',
      'svg',
      'css injection',
      'markdown-link trick',
      'html entities',
      'command link',
    ])
      assert.ok(kinds.has(k), k);
  });

  test('every payload, streamed in small chunks, renders inert', { timeout: 60_000 }, async () => {
    const ids = payloads.map((_, i) => `x${i}`);
    // Streamed in the page itself (3-character deltas, a frame every few), so tags and links cross chunk boundaries.
    await p.page.evaluate(
      async ({ items, badge }) => {
        const send = (data: unknown) => window.dispatchEvent(new MessageEvent('message', { data }));
        for (const { id, text } of items) {
          send({ type: 'start', id, prompt: `payload ${id}`, model: 'sim/echo' });
          for (let i = 0, n = 0; i < text.length; i += 3, n++) {
            send({ type: 'delta', id, text: text.slice(i, i + 3) });
            if (n % 8 === 7) await new Promise(requestAnimationFrame);
          }
          send({ type: 'done', id, badge });
        }
        await new Promise(requestAnimationFrame);
      },
      { items: payloads.map((x, i) => ({ id: ids[i], text: x.markdown })), badge },
    );
    // Give anything that would fire late (onload, onerror of a failed load, animations) a chance to.
    await p.page.waitForTimeout(300);
    const report = await p.page.evaluate((ids) => {
      const out: { id: string; bad: string[] }[] = [];
      for (const id of ids) {
        const body = document.querySelector(`.turn[data-id="${id}"] [data-testid=answer-body]`);
        if (!body) {
          out.push({ id, bad: ['no answer body'] });
          continue;
        }
        const bad: string[] = [];
        for (const e of [body, ...body.querySelectorAll('*')]) {
          if (/^(script|iframe|object|embed|style|img|svg|math|form|input|video|audio|source|link|meta|base|noscript|details|template)$/i.test(e.tagName))
            bad.push(`<${e.tagName}>`);
          for (const a of e.attributes) {
            if (/^on/i.test(a.name)) bad.push(`${e.tagName}[${a.name}]`);
            if (/^(style|src|srcdoc|xlink:href|action|formaction)$/i.test(a.name)) bad.push(`${e.tagName}[${a.name}]`);
            if (a.name === 'href' && !/^(https?:|mailto:)/i.test(a.value)) bad.push(`href=${a.value}`);
          }
        }
        out.push({ id, bad });
      }
      return {
        out,
        pwned: (window as unknown as { __pwned?: unknown }).__pwned,
        background: getComputedStyle(document.body).backgroundImage,
        hidden: getComputedStyle(document.body).display,
      };
    }, ids);
    const failures = report.out
      .filter((r) => r.bad.length)
      .map((r) => `${payloads[ids.indexOf(r.id)].kind}: ${payloads[ids.indexOf(r.id)].markdown.slice(0, 60)} → ${r.bad.join(', ')}`);
    assert.deepEqual(failures, []);
    assert.equal(report.pwned, undefined, 'no payload executed');
    assert.deepEqual(dialogs, []);
    assert.deepEqual(pageErrors, []);
    assert.equal(report.background, 'none', 'no injected CSS applied');
    assert.notEqual(report.hidden, 'none', 'no injected CSS applied');
    assert.deepEqual(await p.violations(), [], 'nothing even tried to load or run against the CSP');
    const texts = await p.page.locator('[data-testid=answer-body]').allTextContents();
    assert.ok(
      texts.some((t) => t.includes("<script>alert('fenced')</script>")),
      'code shows payloads as text',
    );
    assert.ok(
      texts.some((t) => t.includes("<script>alert('entity')</script>")),
      'entities show as text',
    );
  });

  test('clicking every link only posts openLink, and the host opens only http(s) links', { timeout: 60_000 }, async () => {
    const url = p.page.url();
    const links = p.page.locator('[data-testid=answer-body] a');
    const count = await links.count();
    assert.ok(count >= 5, `links rendered (${count})`);
    const before = (await p.posted()).length;
    for (let i = 0; i < count; i++) await links.nth(i).click({ force: true });
    assert.equal(p.page.url(), url, 'no navigation');
    assert.equal((await p.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)) ?? undefined, undefined);
    const posted = (await p.posted()).slice(before) as { type: string; href?: string }[];
    assert.ok(posted.length > 0, 'links posted openLink');
    assert.deepEqual([...new Set(posted.map((m) => m.type))], ['openLink'], 'a click posts nothing but openLink');
    for (const m of posted) assert.match(m.href ?? '', /^(https?:|mailto:)/i, `the webview only posts safe hrefs: ${m.href}`);

    // What the webview posted, through the real host handler.
    const host = hostWithFakes();
    for (const m of posted) await host.controller.handle(m);
    // And what a compromised webview could post directly.
    const hostile = [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'command:workbench.action.terminal.new',
      'vscode://settings',
      'file:///etc/passwd',
      'vscode-file://vscode-app/x',
      'mailto:a@example.com',
      'https://user:pw@example.com/',
      '//attacker.example/x',
      'docs',
    ];
    for (const href of hostile) await host.controller.handle({ type: 'openLink', href });
    assert.ok(host.opened.length > 0, 'safe links were opened');
    for (const u of host.opened) assert.match(u, /^https?:\/\//, `the host opened ${u}`);
    assert.ok(host.opened.includes('https://example.com/docs?a=1&b=2'));
    assert.ok(!host.opened.some((u) => u.includes('user:pw')), 'credentials in a URL are refused');
    assert.ok(host.logs.filter((l) => /refused/.test(l)).length >= hostile.length - 0, 'every refusal is logged');
    host.controller.dispose();
  });

  test('the CSP blocks inline script and inline handlers in the page', async () => {
    const before = (await p.violations()).length;
    const ran = await p.page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      const s = document.createElement('script');
      s.textContent = 'window.__inline = "script"';
      document.body.append(s);
      const d = document.createElement('div');
      d.setAttribute('onclick', 'window.__inline = "handler"');
      document.body.append(d);
      d.click();
      d.remove();
      s.remove();
      return { inline: w.__inline };
    });
    // (eval is not checked here: code run through page.evaluate is exempt from the page's CSP.)
    assert.equal(ran.inline, undefined, 'inline script and handler did not run');
    // Violation events are dispatched asynchronously.
    await p.page.waitForFunction((n) => window.__violations.length >= n + 2, before);
    const seen = (await p.violations()).slice(before);
    assert.ok(
      seen.some((v) => v.startsWith('script-src-elem') || v.startsWith('script-src ')),
      `a script-src violation was seen: ${seen.join(' | ')}`,
    );
    assert.ok(
      seen.some((v) => v.startsWith('script-src-attr') || v.startsWith('script-src ')),
      `an inline-handler violation was seen: ${seen.join(' | ')}`,
    );
  });

  test('host messages carrying markup outside the answer text are rejected by the protocol', async () => {
    const before = (await p.posted()).length;
    const bad: unknown[] = [
      { type: 'start', id: '<img src=x onerror=alert(1)>'.repeat(10), prompt: 'x', model: 'm' },
      { type: 'done', id: 'x0', badge: { ...badge, costUsd: 'alert(1)' } },
      { type: 'error', id: 'x0', error: { message: 42, partial: 'yes' } },
    ];
    await p.send(...bad);
    const posted = (await p.posted()).slice(before) as { type: string }[];
    assert.equal(posted.filter((m) => m.type === 'protocolError').length, bad.length, 'each is rejected and reported');
    assert.equal(await p.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
  });
});
