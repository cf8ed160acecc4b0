// Issue 11, the CLI's part: terminal escapes from outside never reach the terminal (finding 9), `serve`'s local
// token never needs the command line and is long enough (7), a key that cannot be sent in a header is refused
// where it enters (4), and a key in a base URL's query is refused and masked (12). The CLI runs for real, against a
// hostile upstream on loopback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import OpenAI from 'openai';
import { localTokenFrom, MIN_LOCAL_TOKEN_LENGTH } from '../../src/cli/localToken';
import { terminalJson, terminalSafe } from '../../src/cli/terminalText';
import { parseConfig, urlProblem } from '../../src/core/config/settings';
import { ConfigError } from '../../src/core/base/errors';
import { keyProblem } from '../../src/core/config/keyValidity';
import { SSE_HEAD, sendJsonError, sseChunk, sseUsage, startHostileUpstream, type HostileUpstream, type SeenRequest } from './support/hostileUpstream';

const KEY = 'sk-security-cli-0123456789abcdef';
const TOKEN = 'local-token-for-tests-0123456789abcdef';
/** What a terminal would act on: every C0/C1 control character but newline and tab. */
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const OSC52 = '\u001b]52;c;ZWNobyBwd25lZA==\u0007';
const TITLE = '\u001b]0;pwned\u0007';
const CSI = '\u009b31m';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-security-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args, '--usage-file', join(dir, 'usage.jsonl')],
      { env: { ...process.env, SWITCHBOARD_API_KEY: KEY, OPENAI_API_KEY: '', SWITCHBOARD_LOCAL_TOKEN: '', XDG_CONFIG_HOME: dir, ...env }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('terminal escapes from outside never reach the terminal (finding 9)', () => {
  let upstream: HostileUpstream;
  let config: string;
  const hostile = (seen: SeenRequest, res: ServerResponse) => {
    if (seen.path.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ object: 'list', data: [{ id: `evil${OSC52}model`, object: 'model', owned_by: `x${TITLE}` }] }));
    }
    if (seen.model === 'escapes/error') return sendJsonError(res, 400, `bad request ${TITLE} ${OSC52} ${CSI} end`);
    res.writeHead(200, SSE_HEAD);
    // The escape is split across chunks: stripping must not depend on where a chunk ends.
    res.end(
      sseChunk('hello \u001b]52;c;') +
        sseChunk(`ZXZpbA==\u0007 world ${CSI}\r\n`) +
        sseChunk(`tab\tok ${TITLE}`) +
        sseChunk(null, 'stop') +
        sseUsage(1, 4) +
        'data: [DONE]\n\n',
    );
  };
  before(async () => {
    upstream = await startHostileUpstream(hostile);
    config = join(dir, 'escapes.json');
    writeFileSync(config, JSON.stringify({ 'gateway.preset': 'custom', 'gateway.baseUrl': upstream.url, retries: 0 }));
  });
  after(() => upstream.close());

  const assertClean = (r: CliRun, what: string) => {
    for (const [name, text] of [
      ['stdout', r.stdout],
      ['stderr', r.stderr],
    ])
      assert.doesNotMatch(text, TERMINAL_CONTROL, `${what}: ${name} carries a control character: ${JSON.stringify(text)}`);
  };

  test('a streamed answer, an upstream error, the verbose routing log and the model list arrive without escapes', async () => {
    const [answer, error, models, json] = await Promise.all([
      cli(['ask', 'hi', '--model', 'escapes/stream', '--verbose', '--config', config]),
      cli(['ask', 'hi', '--model', 'escapes/error', '--verbose', '--config', config]),
      cli(['models', '--config', config]),
      cli(['ask', 'hi', '--model', 'escapes/stream', '--json', '--config', config]),
    ]);
    assert.equal(answer.code, 0, answer.stderr);
    assertClean(answer, 'ask');
    assert.match(answer.stdout, /hello \]52;c;ZXZpbA== world 31m\ntab\tok \]0;pwned/, 'the text around the escapes is kept, newline and tab too');
    assert.notEqual(error.code, 0);
    assertClean(error, 'ask (upstream error)');
    assert.match(error.stderr, /bad request/);
    assertClean(models, 'models');
    assert.match(models.stdout, /evil\]52;c;ZWNobyBwd25lZA==model/);
    assertClean(json, 'ask --json');
    const parsed = JSON.parse(json.stdout) as { text: string };
    assert.ok(parsed.text.includes('\u001b]52;c;') && parsed.text.includes(CSI), '--json keeps every character, escaped');
  });

  test('terminalSafe keeps newline and tab and removes the rest of C0 and C1; terminalJson escapes DEL and C1', () => {
    assert.equal(terminalSafe(`a\tb\nc${TITLE}${OSC52}\r\u0008\u007f${CSI}d`), 'a\tb\nc]0;pwned]52;c;ZWNobyBwd25lZA==31md');
    assert.equal(terminalJson({ t: `\u001b${CSI}` }), '{\n  "t": "\\u001b\\u009b31m"\n}');
    assert.deepEqual(JSON.parse(terminalJson({ t: `x\u0085\u007fy` })), { t: 'x\u0085\u007fy' });
  });
});

describe("serve's local token (finding 7)", () => {
  const warnings: string[] = [];
  const from = (s: { flag?: string; file?: string; env?: NodeJS.ProcessEnv }) => localTokenFrom({ env: {}, ...s, warn: (m) => warnings.push(m) });
  const refused = (s: Parameters<typeof from>[0], pattern: RegExp) =>
    assert.throws(
      () => from(s),
      (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
    );

  test('from SWITCHBOARD_LOCAL_TOKEN or a private file, at least 32 characters; --token warns that ps shows it', () => {
    assert.equal(from({ env: { SWITCHBOARD_LOCAL_TOKEN: TOKEN } }), TOKEN);
    assert.equal(from({}), undefined, 'nothing given: the gateway generates one');
    refused({ env: { SWITCHBOARD_LOCAL_TOKEN: 'a'.repeat(MIN_LOCAL_TOKEN_LENGTH - 1) } }, /SWITCHBOARD_LOCAL_TOKEN has 31 characters; it needs at least 32/);
    refused({ env: { SWITCHBOARD_LOCAL_TOKEN: `${TOKEN}\n` } }, /SWITCHBOARD_LOCAL_TOKEN contains a line break/);

    const file = join(dir, 'token');
    writeFileSync(file, `${TOKEN}\n`);
    chmodSync(file, 0o600);
    assert.equal(from({ file }), TOKEN, 'the trailing newline of the file is not part of the token');
    if (process.platform !== 'win32') {
      chmodSync(file, 0o644);
      refused({ file }, /is open to other users \(mode 644\).*chmod 600/);
      chmodSync(file, 0o640);
      refused({ file }, /mode 640/);
    }
    refused({ file: join(dir, 'missing') }, /cannot read the file \(ENOENT\)/);

    warnings.length = 0;
    assert.equal(from({ flag: TOKEN }), TOKEN);
    assert.match(warnings.join('\n'), /--token is visible to every user of this machine \(in `ps`\)/);
    refused({ flag: 'a' }, /--token has 1 characters; it needs at least 32/);
    for (const e of [() => from({ flag: 'a' }), () => from({ env: { SWITCHBOARD_LOCAL_TOKEN: 'short-secret' } })])
      assert.throws(e, (err: Error) => !err.message.includes('short-secret') && !/: a\b/.test(err.message), 'the token is never echoed');
  });

  test('the real serve: --token a exits 2; a token from the environment serves and is not printed', async () => {
    const short = await cli(['serve', '--port', '0', '--token', 'a']);
    assert.equal(short.code, 2, short.stderr);
    assert.match(short.stderr, /at least 32/);

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--base-url', 'http://127.0.0.1:9/v1', '--usage-file', join(dir, 'serve.jsonl')],
      {
        env: { ...process.env, SWITCHBOARD_API_KEY: KEY, SWITCHBOARD_LOCAL_TOKEN: TOKEN, XDG_CONFIG_HOME: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (s: string) => {
          out += s;
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out);
          if (m) resolve(m[1]);
        });
        void exited.then((code) => reject(new Error(`serve exited (${code}) before listening: ${stderr}`)));
      });
      const denied = await new OpenAI({ baseURL: url, apiKey: 'x'.repeat(40), maxRetries: 0 }).models.list().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(denied instanceof OpenAI.AuthenticationError, 'another token is refused');
      const models = await new OpenAI({ baseURL: url, apiKey: TOKEN, maxRetries: 0 }).models.list();
      assert.ok(models.data.length > 0, 'the token from the environment is the one the gateway checks');
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
    assert.ok(!stderr.includes(TOKEN) && !/local token:/.test(stderr), `the token is not printed: ${stderr}`);
  });
});

describe('a key that cannot be sent in an HTTP header is refused where it enters (finding 4, the key)', () => {
  test('keyProblem names the character and its position, never the key', () => {
    assert.equal(keyProblem('sk-abc_DEF-123.xyz~'), undefined);
    const cases: [string, RegExp][] = [
      ['sk-secretvalue\n', /line break at character 15 of 15/],
      ['sk-secret\rvalue', /line break at character 10/],
      ['sk-secret\u001bvalue', /control character U\+001B/],
      ['sk-secret\u0085value', /control character U\+0085/],
      ['sk-secret\u2019value', /U\+2019 at character 10 of 15, which an HTTP header cannot carry/],
      ['sk-secret\u{1F511}value', /U\+1F511 at character 10 of 15/],
      ['sk-secret value', /space at character 10/],
      ['', /empty/],
    ];
    for (const [key, pattern] of cases) {
      const problem = keyProblem(key) ?? '';
      assert.match(problem, pattern, JSON.stringify(key));
      assert.ok(!problem.includes('secret'), problem);
    }
  });

  test('the CLI refuses such a key from the environment with exit 2, naming the variable', async () => {
    const config = join(dir, 'keyless.json');
    writeFileSync(config, JSON.stringify({ 'gateway.preset': 'custom', 'gateway.baseUrl': 'http://127.0.0.1:9/v1', retries: 0, model: 'sim/echo' }));
    const [gateway, provider] = await Promise.all([
      cli(['ask', 'hi', '--config', config], { SWITCHBOARD_API_KEY: 'sk-has-a-newline-0123456789\n' }),
      cli(['ask', 'hi', '--config', config], { SWITCHBOARD_PROVIDER_KEY_DEEPSEEK: 'sk-smart\u2019quote-0123456789' }),
    ]);
    assert.equal(gateway.code, 2, gateway.stderr);
    assert.match(gateway.stderr, /SWITCHBOARD_API_KEY contains a line break at character 28 of 28, so it cannot be sent in an HTTP header/);
    assert.equal(provider.code, 2, provider.stderr);
    assert.match(provider.stderr, /SWITCHBOARD_PROVIDER_KEY_DEEPSEEK contains U\+2019/);
    assert.ok(!gateway.stderr.includes('has-a-newline') && !provider.stderr.includes('smart'), 'the key is not echoed');
  });
});

describe('a key in the base URL query is refused like userinfo, its value masked (finding 12)', () => {
  test('key-ish query parameters are refused; ordinary ones pass', () => {
    for (const url of [
      'https://gw.example/v1?key=AIzaSECRET123',
      'https://gw.example/v1?api_key=SECRET123',
      'https://gw.example/v1?x=1&apiKey=SECRET123',
      'https://gw.example/v1?access_token=SECRET123',
      'https://gw.example/v1?token=SECRET123',
      'https://gw.example/v1?sig=SECRET123',
      'http://localhost:4000/v1?client_secret=SECRET123',
    ])
      assert.match(urlProblem(url) ?? '', /must not carry a key in its query \([\w]+=…\)/, url);
    for (const url of ['https://gw.example/v1?api-version=2024-10-21', 'https://gw.example/v1?region=eu', 'https://gw.example/v1'])
      assert.equal(urlProblem(url), undefined, url);
  });

  test('the setting is refused naming it, and neither the message nor the default note carries the value', () => {
    for (const [setting, value] of [
      ['gateway.baseUrl', 'https://gw.example/v1?key=AIzaSECRET123'],
      ['providers', { gemini: { baseUrl: 'https://gw.example/v1?region=eu&api_key=AIzaSECRET123' } }],
    ] as const) {
      const { config, problems } = parseConfig({ [setting]: value });
      assert.equal(problems.length, 1, setting);
      assert.equal(problems[0].setting, `switchboard.${setting}`);
      const text = `${problems[0].message} ${problems[0].fallbackNote ?? ''}`;
      assert.match(text, /must not carry a key in its query/);
      assert.match(text, /key=‹redacted›/);
      assert.ok(!text.includes('AIzaSECRET123'), text);
      assert.ok(!config.gateway.baseUrl.includes('SECRET'));
    }
  });
});
