// Issue 14 in a real VS Code: the extension reaches the gateway (the simulator over https with a CA made by openssl)
// through a forward proxy that wants a login (tinyproxy), from VS Code's own `http.proxy` setting and
// `switchboard.tls.caFile`, with the keep-alive agents the transport uses. The simulator listens on this machine's LAN
// address: loopback always goes direct, never through a proxy (issue 21 finding 2). Check Connection reports it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PROMPT, answerCount, chatFrame, openChatView, waitForAnswer } from './chat';
import type { Instance } from './harness';
import { proxiedSkip, startProxiedInstance, type Proxied } from './proxied';
import { lanes } from './lanes';
import { scaled, waitFor } from './wait';
import type { Sim } from '../sim/server';
import { LAN_ADDRESS, type Tinyproxy } from '../unit/support/network';

describe('the extension behind a proxy with a private CA', { timeout: scaled(480_000), ...(proxiedSkip ? { skip: proxiedSkip } : lanes('1.100')) }, () => {
  let vs: Instance | undefined;
  let sim: Sim | undefined;
  let proxy: Tinyproxy | undefined;
  let up: Proxied | undefined;

  before(async () => {
    up = await startProxiedInstance('proxy');
    ({ vs, sim, proxy } = up);
  });
  after(async () => {
    await up?.close();
  });

  test('a chat answer comes through the proxy', { timeout: scaled(180_000) }, async () => {
    assert.ok(vs && sim && proxy);
    const { wb } = vs;
    const simPort = String(sim.port);
    await vs.step('answer-through-proxy', async () => {
      await openChatView(wb);
      const index = await answerCount(wb);
      const frame = await chatFrame(wb);
      await frame.locator(PROMPT).fill('hello through the corporate proxy');
      await frame.locator('[data-testid=send]').click();
      const answer = await waitForAnswer(wb, { index, until: (a) => a.state === 'done' || a.state === 'error', what: 'the answer through the proxy' });
      assert.equal(answer.state, 'done', `answer body: ${JSON.stringify(answer.body.slice(0, 300))}`);
      assert.match(answer.body, /hello through the corporate proxy/);
      assert.ok(
        proxy!
          .log()
          .split('\n')
          .some((l) => l.includes(simPort)),
        `the proxy carried the request; its log:\n${proxy!.log()}`,
      );
    });
  });

  test(
    'Check Connection: DNS, TCP to the proxy, the tunnel, TLS with the private CA and the key all pass; no secret shown',
    { timeout: scaled(120_000) },
    async () => {
      assert.ok(vs && sim && proxy);
      const { wb, page } = vs;
      const simPort = sim.port;
      await vs.step('check-connection', async () => {
        await wb.runCommand('Switchboard: Check Connection');
        // The output panel's editor renders spaces as no-break spaces, one element per visual row.
        const report = async () => (await page.locator('.panel .view-line').allTextContents()).map((l) => l.replace(/\u00a0/g, ' ')).join('\n');
        const text = await waitFor(async () => ((await report()).match(/^(Every check passed|Some checks failed)/m) ? report() : undefined), {
          what: 'the end of the Switchboard: Connection report',
          timeoutMs: scaled(60_000),
        });
        // The simulator's cheapest model is sim/fail, so the one-token chat reports its 503: the connection itself is what must pass.
        for (const step of ['key present', 'DNS (proxy', 'TCP to the proxy', 'proxy tunnel', 'TLS', 'key accepted, GET /models']) {
          assert.ok(text.includes(`ok   gateway (https://${LAN_ADDRESS}:${simPort}) · ${step}`), `the report has an ok line for "${step}":\n${text}`);
        }
        assert.match(text, /· one-token chat/, 'the chat step ran');
        const html = await wb.allFramesHtml();
        assert.ok(!html.includes(up!.secrets.key) && !html.includes(up!.secrets.proxyPassword), 'neither the key nor the proxy password is shown');
      });
    },
  );
});
