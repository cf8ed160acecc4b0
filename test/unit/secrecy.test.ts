// Key secrecy: a recognisable key goes through every path — success, each error kind, mid-stream errors, malformed
// streams, a break after tokens, cancellation — against an upstream that echoes the key back in its error bodies,
// headers and stream errors. The key must appear in no error, event, log line, ledger line, webview message,
// local-gateway answer or CLI output. And the key is never sent over plain http to a remote host.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ServerResponse } from 'node:http';
import { parseConfig, type Config } from '../../src/core/config/settings';
import { createCore, type Core } from '../../src/core/createCore';
import { ConfigError } from '../../src/core/base/errors';
import { formatEvent } from '../../src/core/routing/eventLog';
import { getJson, openChatStream } from '../../src/core/net/transport';
import { Catalog } from '../../src/core/catalog/catalog';
import { Router } from '../../src/core/routing/router';
import type { RoutingEvent } from '../../src/core/base/types';
import { startLocalGateway } from '../../src/gateway/server';
import type { HostMessage } from '../../src/protocol';
import { ChatSession } from '../../src/vscode/chat/chatSession';
import { SSE_HEAD, sendAnswer, sendJsonError, sseChunk, startHostileUpstream, type HostileUpstream, type SeenRequest } from './support/hostileUpstream';

const run = promisify(execFile);

/** Shaped like a key (caught by pattern too) and shapeless (only the known-key redaction can catch it). */
const KEYS = ['sk-SECRET-canary-0123456789abcdef', 'canary.shapeless.93f1c0de77aa'];

/** The key, or a telling piece of it (a truncated echo is a leak too). */
function leaks(text: string, key: string): boolean {
  const pieces = [key, key.slice(0, 16), key.slice(-12)];
  return pieces.some((p) => text.includes(p));
}

/** Everything an error exposes: message, stack, own fields, cause chain. */
function errorText(e: unknown): string {
  const parts: string[] = [];
  for (let cur = e, depth = 0; cur !== undefined && depth < 5; depth++) {
    if (cur instanceof Error) {
      parts.push(String(cur), cur.stack ?? '', JSON.stringify(cur, Object.getOwnPropertyNames(cur)));
      cur = (cur as { cause?: unknown }).cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return parts.join('\n');
}

/** Every way a hostile upstream can hand the key back, chosen by the model name. */
function reflect(seen: SeenRequest, res: ServerResponse): void {
  const key = seen.key ?? '';
  const auth = seen.authorization ?? '';
  const model = seen.model ?? (seen.path.endsWith('/models') ? 'models' : '');
  const echo = `Incorrect API key provided: ${key} (you sent "${auth}")`;
  const status = /^status\/(\d+)$/.exec(model);
  if (status)
    return sendJsonError(res, Number(status[1]), echo, { 'x-request-id': key, 'x-echo': auth, ...(status[1] === '429' ? { 'retry-after': '0' } : {}) });
  switch (model) {
    case 'models':
      return sendJsonError(res, 401, echo);
    case 'ok':
      return sendAnswer(res, 'a harmless answer', { 'x-request-id': key, 'x-echo': auth });
    case 'context':
      return sendJsonError(res, 400, `This model's maximum context length is 8192 tokens. Key: ${key}`);
    case 'text-error':
      res.writeHead(502, { 'content-type': 'text/plain' });
      return void res.end(`<html>proxy error for ${auth}</html>`);
    case 'error-string':
      res.writeHead(500, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: echo }));
    case 'midstream-after-token':
      res.writeHead(200, SSE_HEAD);
      res.write(sseChunk('partial '));
      return void res.end(`data: ${JSON.stringify({ error: { message: echo, code: 401 } })}\n\n`);
    case 'midstream-before-token':
      res.writeHead(200, SSE_HEAD);
      return void res.end(`data: ${JSON.stringify({ error: { message: echo } })}\n\n`);
    case 'malformed':
      res.writeHead(200, SSE_HEAD);
      return void res.end(`data: {"k":"${key}" oops\n\n`);
    case 'broken':
      res.writeHead(200, SSE_HEAD);
      res.write(sseChunk(`some text `));
      setTimeout(() => res.destroy(), 5);
      return;
    case 'hang':
      res.writeHead(200, SSE_HEAD);
      return void res.write(': waiting\n\n');
    default:
      return sendJsonError(res, 404, `unknown model ${model} for ${auth}`);
  }
}

const ERROR_MODELS = [
  'status/401',
  'status/403',
  'status/400',
  'status/404',
  'status/408',
  'status/409',
  'status/422',
  'status/429',
  'status/500',
  'status/503',
  'context',
  'text-error',
  'error-string',
  'midstream-after-token',
  'midstream-before-token',
  'malformed',
  'broken',
];

function configFor(url: string, extra: Record<string, unknown> = {}): Config {
  const { config, problems } = parseConfig({
    'gateway.preset': 'custom',
    'gateway.baseUrl': url,
    model: 'ok',
    retries: 0,
    'timeouts.firstTokenMs': 5_000,
    ...extra,
  });
  assert.deepEqual(problems, []);
  return config;
}

for (const KEY of KEYS) {
  describe(`the key ${KEY.startsWith('sk-') ? '(key-shaped)' : '(shapeless)'} never leaks`, () => {
    let upstream: HostileUpstream;
    let dir: string;
    let core: Core;
    const events: RoutingEvent[] = [];
    const haystack: string[] = [];

    before(async () => {
      upstream = await startHostileUpstream(reflect);
      dir = await mkdtemp(join(tmpdir(), 'switchboard-secrecy-'));
      // Fallback chains are off on purpose: each error must reach the caller as itself.
      core = await createCore({
        config: configFor(upstream.url),
        keys: async () => KEY,
        usageFile: join(dir, 'usage.jsonl'),
        onWarning: (m) => haystack.push(m),
      });
      core.router.onEvent((e) => {
        events.push(e);
        haystack.push(JSON.stringify(e), formatEvent(e));
      });
    });
    after(async () => {
      core.dispose();
      await upstream.close();
      await rm(dir, { recursive: true, force: true });
    });

    async function route(model: string, signal?: AbortSignal): Promise<{ text: string; error?: unknown }> {
      let text = '';
      try {
        for await (const y of core.router.route({ model, messages: [{ role: 'user', content: 'hi' }] }, { signal })) {
          haystack.push(JSON.stringify(y));
          if (y.type === 'chunk') text += y.text;
        }
        return { text };
      } catch (error) {
        haystack.push(errorText(error));
        return { text, error };
      }
    }

    test('the hostile upstream really receives the key and echoes it (the trap is armed)', async () => {
      const r = await route('status/401');
      assert.ok(r.error, 'a 401 fails');
      assert.equal(upstream.seen.at(-1)?.key, KEY);
    });

    test('success and every error kind: errors, events and formatted log lines are clean', async () => {
      const ok = await route('ok');
      assert.equal(ok.error, undefined);
      assert.equal(ok.text, 'a harmless answer');
      for (const model of ERROR_MODELS) {
        const r = await route(model);
        assert.ok(r.error, `${model} fails`);
        assert.ok(!leaks(errorText(r.error), KEY), `${model}: the error leaks the key: ${errorText(r.error).slice(0, 400)}`);
      }
      for (const e of events) assert.ok(!leaks(JSON.stringify(e) + formatEvent(e), KEY), `event leaks the key: ${formatEvent(e)}`);
    });

    test('cancellation mid-request is clean', async () => {
      const ac = new AbortController();
      const seenBefore = upstream.seen.length;
      const p = route('hang', ac.signal);
      while (upstream.seen.length === seenBefore) await new Promise((r) => setTimeout(r, 5));
      ac.abort();
      const r = await p;
      assert.equal((r.error as { code?: string }).code, 'cancelled');
      assert.ok(!leaks(errorText(r.error), KEY));
    });

    test('the model list call (catalog refresh) does not echo the key into its error', async () => {
      const err = await getJson({ url: `${upstream.url}/models`, key: KEY }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof Error, 'the 401 is an error');
      assert.ok(!leaks(errorText(err), KEY), errorText(err));
    });

    test('the usage ledger file is clean', async () => {
      await core.flush();
      const file = await readFile(join(dir, 'usage.jsonl'), 'utf8');
      assert.ok(file.length > 0, 'the ledger has records');
      assert.ok(!leaks(file, KEY));
    });

    test('webview protocol messages (chat session) are clean', async () => {
      const posted: HostMessage[] = [];
      for (const model of ['ok', 'status/401', 'status/500', 'midstream-after-token', 'malformed', 'broken', 'text-error']) {
        const session = new ChatSession({
          router: async () => core.router,
          id: `s-${model}`,
          request: { model, messages: [{ role: 'user', content: 'hi' }] },
          prompt: 'hi',
          post: (m) => posted.push(m),
          flushMs: 0,
        });
        await session.run();
      }
      assert.ok(
        posted.some((m) => m.type === 'error'),
        'errors were posted',
      );
      for (const m of posted) assert.ok(!leaks(JSON.stringify(m), KEY), `posted ${JSON.stringify(m).slice(0, 300)}`);
    });

    test('local gateway answers are clean', async () => {
      const gw = await startLocalGateway({ core, port: 0, log: (l) => haystack.push(l) });
      try {
        for (const model of ['status/401', 'status/503', 'midstream-after-token', 'malformed', 'context']) {
          for (const stream of [false, true]) {
            const res = await fetch(`${gw.url}/chat/completions`, {
              method: 'POST',
              headers: { authorization: `Bearer ${gw.token}`, 'content-type': 'application/json' },
              body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
            });
            const body = await res.text();
            const headers = JSON.stringify([...res.headers]);
            assert.ok(!leaks(body + headers, KEY), `${model} (stream ${stream}) → ${res.status} ${body.slice(0, 300)}`);
          }
        }
      } finally {
        await gw.close();
      }
    });

    test('nothing collected on any path contains the key', () => {
      assert.ok(haystack.length > 50, 'paths were exercised');
      const leaked = haystack.filter((h) => leaks(h, KEY));
      assert.deepEqual(
        leaked.map((l) => l.slice(0, 300)),
        [],
      );
    });
  });
}

describe('CLI output never contains the key', () => {
  const KEY = KEYS[1];
  let upstream: HostileUpstream;
  let dir: string;
  before(async () => {
    upstream = await startHostileUpstream(reflect);
    dir = await mkdtemp(join(tmpdir(), 'switchboard-secrecy-cli-'));
  });
  after(async () => {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('ask --json --verbose, on success and on a 401 that echoes the key', async () => {
    const configFile = join(dir, 'config.json');
    await writeFile(configFile, JSON.stringify({ 'gateway.preset': 'custom', 'gateway.baseUrl': upstream.url, retries: 0 }));
    const env = { ...process.env, SWITCHBOARD_API_KEY: KEY, OPENAI_API_KEY: '', XDG_CONFIG_HOME: dir };
    const cli = (model: string) =>
      run(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/cli.ts',
          'ask',
          'hi',
          '--json',
          '--verbose',
          '--model',
          model,
          '--config',
          configFile,
          '--usage-file',
          join(dir, 'usage.jsonl'),
        ],
        { env, timeout: 30_000 },
      ).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, out: (e.stdout ?? '') + (e.stderr ?? '') }),
      );
    const [ok, denied, broken] = await Promise.all([cli('ok'), cli('status/401'), cli('midstream-after-token')]);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /a harmless answer/);
    assert.notEqual(denied.code, 0);
    assert.match(denied.out, /401/);
    assert.notEqual(broken.code, 0);
    assert.ok(
      upstream.seen.some((s) => s.key === KEY),
      'the CLI sent the key to the upstream',
    );
    for (const r of [ok, denied, broken]) assert.ok(!leaks(r.out, KEY), r.out);
    assert.ok(!leaks(await readFile(join(dir, 'usage.jsonl'), 'utf8'), KEY));
  });
});

describe('the key is only sent over https or to loopback', () => {
  const KEY = KEYS[0];

  test('settings: a plain-http remote base URL is refused, naming the setting and saying why', () => {
    for (const [setting, value] of [
      ['gateway.baseUrl', 'http://api.example.com/v1'],
      ['providers', { deepseek: { baseUrl: 'http://api.deepseek.com/v1' } }],
    ] as const) {
      const { config, problems } = parseConfig({ [setting]: value });
      assert.equal(problems.length, 1);
      assert.equal(problems[0].setting, `switchboard.${setting}`);
      assert.match(problems[0].message, /plain http to a remote host.*unencrypted/);
      assert.ok(config.gateway.baseUrl.startsWith('https://'), 'the default is used instead');
    }
    for (const ok of ['https://api.example.com/v1', 'http://localhost:4000/v1', 'http://127.0.0.1:8080/v1', 'http://[::1]:11434/v1'])
      assert.deepEqual(parseConfig({ 'gateway.baseUrl': ok }).problems, [], ok);
  });

  /** A non-loopback address of this machine: "remote" by the rule, yet reachable, so a sent key would be seen. */
  function lanAddress(): string | undefined {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
    return undefined;
  }

  test('transport and router refuse to send the key over plain http to a non-loopback host, even when settings validation is bypassed', async (t) => {
    const host = lanAddress();
    if (!host) return t.skip('no non-loopback IPv4 interface on this machine');
    const upstream = await startHostileUpstream(reflect, { host: '0.0.0.0' });
    const url = `http://${host}:${upstream.port}/v1`;
    try {
      // The transport, called directly.
      assert.throws(
        () =>
          openChatStream({
            endpoint: { id: 'gateway', baseUrl: url, headers: {}, secretName: 'switchboard.apiKey' },
            key: KEY,
            upstreamModel: 'ok',
            body: { model: 'ok', messages: [{ role: 'user', content: 'hi' }] },
          }),
        (e: unknown) => e instanceof ConfigError && e.setting === 'switchboard.gateway.baseUrl' && /unencrypted/.test(e.message),
      );
      await assert.rejects(getJson({ url: `${url}/models`, key: KEY }), (e: unknown) => e instanceof ConfigError && /unencrypted/.test(e.message));
      // The router, with a config object that never went through parseConfig.
      const config = configFor('https://example.invalid/v1');
      config.gateway.baseUrl = url;
      const router = new Router({ config, keys: async () => KEY, catalog: new Catalog(), refreshCatalog: false });
      const events: RoutingEvent[] = [];
      router.onEvent((e) => events.push(e));
      await assert.rejects(
        (async () => {
          for await (const y of router.route({ model: 'ok', messages: [{ role: 'user', content: 'hi' }] })) void y;
        })(),
        (e: unknown) => e instanceof ConfigError && e.setting === 'switchboard.gateway.baseUrl' && /plain http to a remote host/.test(e.message),
      );
      router.dispose();
      assert.ok(
        events.some((e) => e.type === 'error' && e.code === 'config'),
        'the refusal is an error event',
      );
      assert.deepEqual(
        upstream.seen.map((s) => s.path),
        [],
        'nothing reached the remote host',
      );
    } finally {
      await upstream.close();
    }
  });
});
