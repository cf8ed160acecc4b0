// Issue 25 item 5: VS Code's own proxy path. With `http.proxy` set and `http.proxySupport: override` (VS Code's
// default, set here explicitly), VS Code patches Node's http/https so that requests to non-loopback hosts take its
// proxy agent, beside the tunnel our own agents open. The gateway is on this machine's LAN address over https with a
// private CA from `switchboard.tls.caFile`: a chat request must reach it through the proxy exactly once (at most one
// CONNECT in tinyproxy's log for it, none to the proxy itself: never a tunnel inside a tunnel) and trust the user's CA.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PROMPT, answerCount, chatFrame, openChatView, waitForAnswer } from './chat';
import type { Instance } from './harness';
import { proxiedSkip, startProxiedInstance, type Proxied } from './proxied';
import { lanes } from './lanes';
import { scaled, waitFor } from './wait';
import type { Sim } from '../sim/server';
import { LAN_ADDRESS, type Tinyproxy } from '../unit/support/network';

const LAN = LAN_ADDRESS;

describe(
  "VS Code's own proxy path (http.proxySupport: override)",
  { timeout: scaled(480_000), ...(proxiedSkip ? { skip: proxiedSkip } : lanes('1.100')) },
  () => {
    let vs: Instance | undefined;
    let sim: Sim | undefined;
    let proxy: Tinyproxy | undefined;
    let up: Proxied | undefined;

    before(async () => {
      up = await startProxiedInstance('proxy-override', { 'http.proxySupport': 'override' });
      ({ vs, sim, proxy } = up);
    });
    after(async () => {
      await up?.close();
    });

    test('a chat answer goes through the proxy once, trusting the user CA', { timeout: scaled(180_000) }, async () => {
      assert.ok(vs && sim && proxy);
      const { wb } = vs;
      const target = `${LAN}:${sim.port}`;
      const proxyPort = new URL(proxy.url).port;
      await vs.step('answer-through-proxy-once', async () => {
        await openChatView(wb);
        // The chat view lists the gateway's models when it opens: that request's tunnel comes first, counted apart.
        await waitFor(() => sim!.stats().modelListings > 0, { what: 'the model list to be fetched through the proxy' });
        await waitFor(() => connectsTo(proxy!.log(), target) > 0, { what: "the model list's CONNECT in tinyproxy's log" });
        const index = await answerCount(wb);
        const frame = await chatFrame(wb);
        const connectsBefore = connectsTo(proxy!.log(), target);
        const requestsBefore = sim!.stats().requests;
        await frame.locator(PROMPT).fill('hello through VS Code proxy support');
        await frame.locator('[data-testid=send]').click();
        const answer = await waitForAnswer(wb, { index, until: (a) => a.state === 'done' || a.state === 'error', what: 'the answer through the proxy' });
        assert.equal(answer.state, 'done', `answer body: ${JSON.stringify(answer.body.slice(0, 400))}`);
        assert.match(answer.body, /hello through VS Code proxy support/);
        const log = proxy!.log();
        // Keep-alive may reuse a tunnel opened for the model list: at most one new CONNECT, and at least one in all.
        const connects = connectsTo(log, target);
        assert.ok(
          connects >= 1 && connects - connectsBefore <= 1,
          `one CONNECT to ${target} for the chat request (before ${connectsBefore}, after ${connects}):\n${log}`,
        );
        assert.equal(connectsTo(log, `127.0.0.1:${proxyPort}`), 0, `no CONNECT to the proxy itself (a request proxied twice):\n${log}`);
        assert.equal(sim!.stats().requests - requestsBefore, 1, 'the gateway saw the chat request once');
      });
    });
  },
);

/** How many CONNECT requests to `hostPort` tinyproxy logged ("Request (file descriptor N): CONNECT host:port HTTP/1.1"). */
function connectsTo(log: string, hostPort: string): number {
  return log.split('\n').filter((l) => l.includes(`: CONNECT ${hostPort} `)).length;
}
