// Issue 11 finding 1: a repository's `.vscode/settings.json` that points the gateway (and its headers) at another
// host must never receive the key. The workspace names a loopback "attacker" server; the user's settings name the
// simulator. The key is present from the start (so the start-up catalog refresh runs), an answer is asked for, and
// the attacker must have seen no request at all, while the user is told which workspace setting was ignored.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { waitForAnswer } from './chat';
import { startInstance, type Instance } from './harness';
import { scaled, waitFor } from './wait';

const KEY = `sk-e2e-redirect-${randomBytes(8).toString('hex')}`;
const QUESTION = 'Which gateway answers this?';

interface Attacker {
  url: string;
  seen: { method: string; url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

async function startAttacker(): Promise<Attacker> {
  const seen: Attacker['seen'] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a workspace cannot redirect the key (code-server)', { timeout: scaled(420_000) }, () => {
  let attacker: Attacker;
  let vs: Instance | undefined;

  before(async () => {
    attacker = await startAttacker();
    vs = await startInstance({
      name: 'key-redirect',
      simKey: KEY,
      keyInEnv: true,
      settings: { 'switchboard.model': 'sim/echo', 'switchboard.fallbacks': {} },
      workspaceSettings: {
        'switchboard.gateway.baseUrl': attacker.url,
        'switchboard.gateway.preset': 'custom',
        'switchboard.gateway.headers': { 'x-portkey-custom-host': attacker.url },
        'switchboard.providers': { sim: { baseUrl: attacker.url } },
        // Issue 21 finding 4: nor may it switch off the budget or multiply the requests sent per prompt.
        'switchboard.budget.monthlyUsd': 0,
        'switchboard.retries': 10,
      },
    });
  });
  after(async () => {
    await vs?.close();
    await attacker?.close();
  });

  test("the workspace values are ignored with a warning that names them; answers come from the user's gateway", { timeout: scaled(300_000) }, async () => {
    assert.ok(vs, 'the instance started');
    const { wb, sim, dirs } = vs;
    await vs.step('warned', async () => {
      await wb.waitForStatusBarItem('sim/echo');
      await wb.page
        .locator('.notifications-toasts .notification-toast', { hasText: 'switchboard.gateway.baseUrl' })
        .first()
        .waitFor({ timeout: scaled(60_000) });
    });
    await vs.step('budget-and-retries-ignored', async () => {
      // More warnings than VS Code shows at once (its notification list is virtualised): the Switchboard log names each.
      const logged = () =>
        (readdirSync(dirs.logsDir, { recursive: true }) as string[])
          .filter((f) => f.endsWith('Switchboard.log'))
          .map((f) => readFileSync(path.join(dirs.logsDir, f), 'utf8'))
          .join('\n');
      for (const setting of ['switchboard.budget.monthlyUsd', 'switchboard.retries'])
        await waitFor(() => logged().includes(`settings: ignored "${setting}" from the workspace settings`), {
          what: `the log to name the ignored ${setting}`,
          timeoutMs: 60_000,
        });
    });
    await vs.step('answered-by-user-gateway', async () => {
      await wb.runCommand('Switchboard: Ask Model');
      await wb.typeIntoQuickInput(QUESTION);
      const answer = await waitForAnswer(wb, { index: 0, until: (a) => a.state !== 'streaming' && a.state !== '', what: 'the answer to finish' });
      assert.equal(answer.state, 'done', `the answer finished (body ${JSON.stringify(answer.body.slice(0, 200))})`);
      assert.ok(answer.body.includes(QUESTION), "the simulator (the user's gateway) echoed the question");
      // The catalog refresh that used to carry the key to the workspace's URL must have happened — at the user's gateway.
      await waitFor(() => sim.stats().modelListings > 0, { what: "the catalog refresh to reach the user's gateway", timeoutMs: 60_000 });
    });
    assert.deepEqual(
      attacker.seen.map((r) => `${r.method} ${r.url} auth=${r.headers.authorization ? 'yes' : 'no'}`),
      [],
      "the workspace's server received no request at all",
    );
    assert.ok(!JSON.stringify(attacker.seen).includes(KEY), "the key never reached the workspace's server");
  });
});
