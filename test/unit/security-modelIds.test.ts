// Issue 21 finding 3: a workspace's `switchboard.model` of `gpt-4o'$(touch FILE)'` must neither be used nor, when a
// snippet is built from an id anyway, run anything when the snippet is pasted into a shell.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseConfig } from '../../src/core/config/settings';
import { curlSnippet, envSnippet, nodeSnippet, pythonSnippet, shellQuote, stringLiteral } from '../../src/gateway/snippets';

const run = promisify(execFile);

/** A loopback port nobody listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const hostile = (file: string) => [
  `gpt-4o'$(touch ${file})'`,
  `gpt-4o"$(touch ${file})"`,
  `gpt-4o\`touch ${file}\``,
  `gpt-4o'; touch ${file}; '`,
  `gpt-4o\n touch ${file}`,
];

describe('model ids from settings are checked where they are read', () => {
  const file = '/tmp/switchboard-pwned';
  for (const model of hostile(file)) {
    test(`model ${JSON.stringify(model)} is refused, naming the setting`, () => {
      const { config, problems } = parseConfig({ model });
      assert.equal(config.model, 'smart-select');
      assert.deepEqual(
        problems.map((p) => p.setting),
        ['switchboard.model'],
      );
      assert.match(problems[0].message, /only letters, digits/);
    });
  }

  test('fallbacks keys and values, aliases values and smartSelect.tiers values are checked the same way', () => {
    const bad = `x'$(id)'`;
    for (const [name, value] of [
      ['fallbacks', { [bad]: ['a/b'] }],
      ['fallbacks', { '*': [bad] }],
      ['aliases', { fast: bad }],
      ['smartSelect.tiers', { strong: bad }],
    ] as const) {
      const { problems } = parseConfig({ [name]: value });
      assert.deepEqual(
        problems.map((p) => p.setting),
        [`switchboard.${name}`],
        `${name} ${JSON.stringify(value)}`,
      );
    }
    assert.equal(parseConfig({ model: 'x'.repeat(301) }).problems.length, 1, 'over 300 characters');
  });

  test("the simulator's parameters and ordinary ids still pass", () => {
    const { config, problems } = parseConfig({
      model: 'openrouter/anthropic/claude-sonnet-4.5:beta',
      fallbacks: { '*': ['sim/fail?status=503', 'sim/flaky?p=0.5&seed=7&kinds=503,429'], 'llama3:8b': ['x@y+z'] },
      aliases: { s: 'sim/lorem?tokens=5' },
      'smartSelect.tiers': { fast: 'sim/tool?name=Bash&args=%7B%7D' },
    });
    assert.deepEqual(problems, []);
    assert.equal(config.model, 'openrouter/anthropic/claude-sonnet-4.5:beta');
  });
});

describe('snippets quote what they embed for their language', () => {
  test('the curl and env snippets, pasted into sh -c, run no command hidden in the model id or token', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-snippet-'));
    try {
      const port = await closedPort();
      for (const [i, model] of hostile(path.join(dir, 'model')).entries()) {
        const snippet = curlSnippet({ url: `http://127.0.0.1:${port}/v1`, token: `t'$(touch ${dir}/token${i})'`, model });
        await run('sh', ['-c', snippet.replace(/^curl /, 'curl --silent --max-time 1 ')]).catch(() => undefined); // refused connection: curl exits non-zero
        const env = envSnippet({ url: `http://127.0.0.1:${port}/v1'$(touch ${dir}/url${i})'`, token: `t$(touch ${dir}/env${i})` });
        await run('sh', ['-c', env]);
      }
      assert.deepEqual(
        ['model', ...[0, 1, 2, 3, 4].flatMap((i) => [`token${i}`, `url${i}`, `env${i}`])].filter((f) => existsSync(path.join(dir, f))),
        [],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the curl snippet sends exactly the model id and token it was given', () => {
    const model = `it's "$HOME"`;
    const snippet = curlSnippet({ url: 'http://127.0.0.1:1/v1', token: "t'k", model });
    assert.ok(snippet.includes(shellQuote(JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello!' }] }))));
    assert.ok(snippet.includes(shellQuote("Authorization: Bearer t'k")));
    assert.equal(shellQuote(`a'b`), `'a'\\''b'`);
  });

  test('the Python and Node snippets embed ids as string literals that mean exactly the id', () => {
    const model = 'a"b\\c\n\u2028\'d';
    const literal = stringLiteral(model);
    assert.equal(JSON.parse(literal), model);
    assert.equal(new Function(`return ${literal};`)(), model);
    assert.ok(!/[\n\u2028]/.test(literal), 'no raw line break');
    assert.ok(pythonSnippet({ url: 'u', token: 't', model }).includes(`model=${literal},`));
    assert.ok(nodeSnippet({ url: 'u', token: 't', model }).includes(`model: ${literal},`));
  });
});
