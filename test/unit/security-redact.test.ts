// Text that quotes an upstream is redacted whole before it is cut, so a key at the cut cannot survive as a piece; and
// a piece of a known key (8+ characters) left at the edge of a text someone else cut is removed too.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { redact, redactAndCut } from '../../src/core/base/redact';
import { errorMessageFromBody, openChatStream } from '../../src/core/net/transport';
import { startHostileUpstream, type HostileUpstream } from './support/hostileUpstream';

/** Shapeless: only the known-key redaction can catch it. */
const KEY = 'canary.shapeless.93f1c0de77aa';

/** A run of 8 characters of the key found in the text, if any. */
function leakedPiece(text: string, key = KEY): string | undefined {
  for (let i = 0; i + 8 <= key.length; i++) if (text.includes(key.slice(i, i + 8))) return key.slice(i, i + 8);
  return undefined;
}

describe('redact, then cut', () => {
  test('a text body cut at 300 characters keeps no piece of a key that straddled the cut', () => {
    const body = 'e'.repeat(280) + KEY + ' and more text after it';
    const message = errorMessageFromBody(body, [KEY]);
    assert.ok(message !== undefined && message.length <= 300);
    assert.equal(leakedPiece(message), undefined, message);
  });

  test('an unparsable event quoted in a malformed-stream error keeps no piece of the key', async () => {
    let upstream: HostileUpstream | undefined;
    try {
      upstream = await startHostileUpstream((_seen, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(`data: ${'z'.repeat(40)}${KEY} is not json\n\n`);
      });
      const stream = openChatStream({
        endpoint: { id: 'hostile', baseUrl: upstream.url, headers: {}, secretName: 'switchboard.apiKey' },
        key: KEY,
        upstreamModel: 'm',
        body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
      });
      const err = await (async () => {
        for await (const _ of stream) void _;
      })().then(
        () => assert.fail('expected a malformed stream'),
        (e: unknown) => e as Error,
      );
      assert.match(err.message, /malformed stream/);
      assert.equal(leakedPiece(err.message), undefined, err.message);
    } finally {
      await upstream?.close();
    }
  });

  test('redactAndCut never cuts through the redaction mark', () => {
    const out = redactAndCut('a'.repeat(20) + KEY + 'b'.repeat(50), [KEY], 25);
    assert.equal(out, 'a'.repeat(20) + '...');
  });
});

describe('a piece of a known key at the edge of a text someone else cut', () => {
  test('8+ characters of the key ending the text are removed', () => {
    const out = redact('invalid key canary.shapele', [KEY]);
    assert.equal(out, 'invalid key ‹redacted›');
  });

  test('8+ characters of the key starting the text are removed', () => {
    const out = redact('less.93f1c0de77aa was refused', [KEY]);
    assert.equal(out, '‹redacted› was refused');
  });

  test('fewer than 8 characters, or a piece in the middle of other words, are left alone', () => {
    assert.equal(redact('the canary sang', [KEY]), 'the canary sang');
    assert.equal(redact('ends with canary.', [KEY]), 'ends with canary.');
  });
});

describe('a piece of a known key in the middle of a text (issue 21 finding 10)', () => {
  const LIVE = 'pk_live_9f8e7d6c5b4a3210fedcba98';
  test('an upstream quoting the first 20 characters of the key mid-sentence: the piece is masked', () => {
    const text = `Invalid API key ${LIVE.slice(0, 20)}… for this project`;
    const out = redact(text, [LIVE]);
    assert.equal(out, 'Invalid API key ‹redacted›… for this project');
  });
  test('every run of 8+ characters goes, wherever it stands; shorter coincidences and other text stay', () => {
    const out = redact(`a ${KEY.slice(3, 14)} b ${KEY.slice(10, 18)} c ${KEY.slice(0, 7)} d`, [KEY]);
    assert.equal(leakedPiece(out), undefined, out);
    assert.ok(out.startsWith('a ‹redacted› b ‹redacted› c ') && out.endsWith(`${KEY.slice(0, 7)} d`), out);
  });
});

describe('the CLI never prints a piece of a key an upstream quotes mid-text (finding 10)', () => {
  const LIVE = 'pk_live_9f8e7d6c5b4a3210fedcba98';
  let upstream: HostileUpstream;
  const run = (args: string[]) =>
    new Promise<string>((resolve) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/cli.ts', ...args, '--base-url', upstream.url, '--usage-file', '/dev/null'],
        { env: { ...process.env, SWITCHBOARD_API_KEY: LIVE, OPENAI_API_KEY: '', HTTPS_PROXY: '', HTTP_PROXY: '' }, timeout: 30_000 },
        (_err, stdout, stderr) => resolve(stdout + stderr),
      ),
    );
  test('ask --json and doctor --json', async () => {
    upstream = await startHostileUpstream((seen, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Invalid API key ${(seen.key ?? '').slice(0, 20)}… for this project`, type: 'invalid_request_error' } }));
    });
    try {
      for (const args of [
        ['ask', 'hi', '--json', '--model', 'm'],
        ['doctor', '--json'],
      ]) {
        const out = await run(args);
        assert.match(out, /for this project|401/, `${args[0]} reported the upstream's answer: ${out.slice(0, 300)}`);
        assert.equal(leakedPiece(out, LIVE), undefined, `${args[0]} printed a piece of the key: ${out.slice(0, 500)}`);
      }
    } finally {
      await upstream.close();
    }
  });
});
