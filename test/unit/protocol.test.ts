// The webview message protocol: what the host and the webview may send each other, and safe external URLs.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostMessage, parseWebviewMessage, safeExternalUrl, type HostMessage, type WebviewMessage } from '../../src/protocol';

const badge = { model: 'sim/echo', requested: 'smart-select', promptTokens: 3, completionTokens: 5, estimated: false, costUsd: 0.0001 };

describe('protocol: host → webview', () => {
  const valid: HostMessage[] = [
    {
      type: 'state',
      turns: [{ id: 'a1', prompt: 'hi', model: 'sim/echo', text: 'hi', state: 'done', badge }],
      models: [{ id: 'sim/echo', provider: 'sim' }],
      currentModel: 'sim/echo',
    },
    { type: 'models', models: [], currentModel: 'smart-select' },
    { type: 'start', id: 'a1', prompt: 'long prompt', title: 'Explain foo.ts:1-2', model: 'smart-select' },
    { type: 'delta', id: 'a1', text: '' },
    { type: 'done', id: 'a1', badge: { ...badge, fallbackNote: 'answered by sim/echo after sim/fail?status=503 failed (503)' } },
    { type: 'stopped', id: 'a1' },
    { type: 'error', id: 'a1', error: { message: 'broke', partial: true, continueWith: 'sim/echo' } },
  ];
  for (const m of valid) {
    test(`accepts ${m.type}`, () => {
      const r = parseHostMessage(m);
      assert.equal(r.ok, true, r.ok ? '' : r.error);
      if (r.ok) assert.deepEqual(r.message, m);
    });
  }

  const invalid: [string, unknown][] = [
    ['null', null],
    ['a string', 'delta'],
    ['an unknown type', { type: 'eval', code: 'alert(1)' }],
    ['delta without id', { type: 'delta', text: 'x' }],
    ['delta with a number as text', { type: 'delta', id: 'a', text: 5 }],
    ['done with a negative cost', { type: 'done', id: 'a', badge: { ...badge, costUsd: -1 } }],
    [
      'state with a turn in an unknown state',
      { type: 'state', turns: [{ id: 'a', prompt: '', model: 'm', text: '', state: 'exploded' }], models: [], currentModel: 'm' },
    ],
    ['error without partial flag', { type: 'error', id: 'a', error: { message: 'x' } }],
  ];
  for (const [name, m] of invalid) {
    test(`rejects ${name} with a reason`, () => {
      const r = parseHostMessage(m);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error, /^rejected host→webview message/);
    });
  }
});

describe('protocol: webview → host', () => {
  const valid: WebviewMessage[] = [
    { type: 'ready' },
    { type: 'ask', prompt: 'What is a monad?' },
    { type: 'stop' },
    { type: 'stop', id: 'a1' },
    { type: 'retry', id: 'a1' },
    { type: 'continue', id: 'a1' },
    { type: 'newChat' },
    { type: 'clear' },
    { type: 'setModel', model: 'sim/echo' },
    { type: 'copy', text: 'const x = 1;' },
    { type: 'insert', text: 'x' },
    { type: 'newFile', text: 'print(1)', language: 'python' },
    { type: 'openLink', href: 'https://example.com' },
    { type: 'protocolError', detail: 'bad' },
  ];
  for (const m of valid) {
    test(`accepts ${m.type}${'id' in m ? ' with id' : ''}`, () => {
      const r = parseWebviewMessage(m);
      assert.equal(r.ok, true, r.ok ? '' : r.error);
    });
  }

  test('rejects a blank question, an empty model, a language with odd characters', () => {
    for (const m of [
      { type: 'ask', prompt: '   \n ' },
      { type: 'setModel', model: ' ' },
      { type: 'newFile', text: 'x', language: 'py"><script>' },
    ]) {
      const r = parseWebviewMessage(m);
      assert.equal(r.ok, false, JSON.stringify(m));
    }
  });

  test('a rejection names the message type and path but never echoes the content', () => {
    const secret = 'sk-live-THIS-MUST-NOT-APPEAR';
    const r = parseWebviewMessage({ type: 'copy', text: { secret } });
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.match(r.error, /"copy"/);
      assert.match(r.error, /text/);
      assert.ok(!r.error.includes(secret));
    }
  });

  test('an oversized message is rejected', () => {
    const r = parseWebviewMessage({ type: 'ask', prompt: 'x'.repeat(2_000_001) });
    assert.equal(r.ok, false);
  });
});

describe('safeExternalUrl', () => {
  test('allows http(s) only', () => {
    assert.equal(safeExternalUrl('https://example.com/a?b=1'), 'https://example.com/a?b=1');
    assert.equal(safeExternalUrl('http://localhost:3000/'), 'http://localhost:3000/');
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'command:workbench.action.terminal.new',
      'vscode://foo',
      '/relative',
      'https://user:pw@example.com/',
    ]) {
      assert.equal(safeExternalUrl(bad), undefined, bad);
    }
  });
});
