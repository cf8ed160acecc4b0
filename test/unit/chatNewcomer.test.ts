// Issue 25 in the real chat webview (Chromium): the no-key notice whose buttons send nothing, the waiting line that
// names the model and the time, a New Chat button that says so, and an error box that wraps long unbroken text.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumAvailable, openChatPage, CHROMIUM, type ChatPage } from './chatWebviewPage';
import { fakeChatEffects } from './support/chatEffects';
import { ChatController } from '../../src/vscode/chat/chatController';
import type { HostMessage, KeyState } from '../../src/protocol';

const skip = chromiumAvailable() ? false : `${CHROMIUM} is missing (apt-get install chromium); the webview render tests need it`;
/** What the view posted since `from`, without the debounced drafts (the meter's, unrelated here). */
const postedSince = async (p: ChatPage, from: number) => (await p.posted()).slice(from).filter((m) => (m as { type: string }).type !== 'draft');
const empty = { type: 'state', turns: [], models: [{ id: 'sim/echo', provider: 'sim' }], currentModel: 'sim/echo' };

describe('the chat webview for a newcomer', { skip }, () => {
  let p: ChatPage;
  before(async () => {
    p = await openChatPage();
    await p.send(empty);
  });
  after(async () => {
    await p?.close();
  });

  test('no key for a remote gateway: the notice says where the key goes; Enter sends nothing and keeps the question', async () => {
    await p.send({ type: 'keyState', state: 'missing', gateway: 'https://api.select.ax/v1' });
    const notice = p.page.locator('[data-testid=key-notice]');
    assert.equal(await notice.isVisible(), true);
    assert.match((await notice.textContent()) ?? '', /API key for https:\/\/api\.select\.ax\/v1/);
    const before = (await p.posted()).length;
    await p.page.fill('[data-testid=prompt]', 'hello?');
    await p.page.press('[data-testid=prompt]', 'Enter');
    assert.deepEqual(await postedSince(p, before), [], 'nothing posted');
    assert.equal(await p.page.inputValue('[data-testid=prompt]'), 'hello?');
    await p.page.click('[data-testid=set-api-key]');
    await p.page.click('[data-testid=choose-gateway]');
    assert.deepEqual(await postedSince(p, before), [
      { type: 'command', command: 'setApiKey' },
      { type: 'command', command: 'choosePreset' },
    ]);
  });

  test('a loopback gateway without a key may be asked; a key set hides the notice', async () => {
    await p.send({ type: 'keyState', state: 'missing-local', gateway: 'http://127.0.0.1:4000/v1' });
    assert.equal(await p.page.locator('[data-testid=key-notice]').isVisible(), true);
    await p.page.fill('[data-testid=prompt]', 'local question');
    await p.page.press('[data-testid=prompt]', 'Enter');
    assert.deepEqual((await p.posted()).at(-1), { type: 'ask', prompt: 'local question' });
    await p.send({ type: 'keyState', state: 'ok', gateway: 'http://127.0.0.1:4000/v1' });
    assert.equal(await p.page.locator('[data-testid=key-notice]').isVisible(), false);
  });

  test('a question the host refused for want of a key (the view did not know yet) comes back into the input, before anything typed since', async () => {
    const gateway = 'https://api.select.ax/v1';
    await p.send({ type: 'keyState', state: 'ok', gateway });
    await p.page.fill('[data-testid=prompt]', 'first question');
    await p.page.press('[data-testid=prompt]', 'Enter');
    assert.deepEqual((await p.posted()).at(-1), { type: 'ask', prompt: 'first question' });
    assert.equal(await p.page.inputValue('[data-testid=prompt]'), '', 'the view cleared the input, believing it sent');
    await p.send({ type: 'keyState', state: 'missing', gateway, unsent: 'first question' });
    assert.equal(await p.page.inputValue('[data-testid=prompt]'), 'first question');
    assert.equal(await p.page.locator('[data-testid=key-notice]').isVisible(), true);
    assert.match((await p.page.locator('[role=status]').textContent()) ?? '', /not sent/);

    await p.send({ type: 'keyState', state: 'ok', gateway });
    await p.page.fill('[data-testid=prompt]', 'second question');
    await p.page.press('[data-testid=prompt]', 'Enter');
    await p.page.fill('[data-testid=prompt]', 'typed meanwhile');
    await p.send({ type: 'keyState', state: 'missing', gateway, unsent: 'second question' });
    assert.equal(await p.page.inputValue('[data-testid=prompt]'), 'second question\n\ntyped meanwhile');
    await p.page.fill('[data-testid=prompt]', '');
    await p.send({ type: 'keyState', state: 'ok', gateway });
  });

  test('before the first token the answer names the model and the seconds waited; the first token ends it', async () => {
    await p.send({ type: 'start', id: 'w1', prompt: 'slow one', model: 'sim/slow?firstTokenMs=5000' });
    const waiting = p.page.locator('[data-testid=answer]').last().locator('[data-testid=waiting]');
    assert.match((await waiting.textContent()) ?? '', /^Waiting for sim\/slow\?firstTokenMs=5000… 0 s$/);
    await waiting.filter({ hasText: /… [1-9]\d* s$/ }).waitFor({ timeout: 5000 });
    await p.send({ type: 'delta', id: 'w1', text: 'here' });
    assert.equal(await waiting.count(), 0);
    await p.send({ type: 'done', id: 'w1', badge: { model: 'm', requested: 'm', promptTokens: 1, completionTokens: 1, estimated: false, costUsd: 0 } });
  });

  test('the button beside the model picker reads New Chat', async () => {
    const button = p.page.locator('[data-testid=new-chat]');
    assert.equal((await button.textContent())?.trim(), 'New Chat');
    assert.match((await button.getAttribute('title')) ?? '', /^New Chat/);
  });

  test('a long unbroken error wraps inside its box', async () => {
    const long = `sim/malformed at gateway sent a malformed stream (unparsable event data: ${'chatcmpl_sim_4_'.repeat(30)})`;
    await p.send({ type: 'start', id: 'e1', prompt: 'break', model: 'sim/malformed' }, { type: 'error', id: 'e1', error: { message: long, partial: false } });
    const box = p.page.locator('[data-testid=answer]').last().locator('.error');
    await box.scrollIntoViewIfNeeded();
    const { scroll, client } = await box.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    assert.ok(client > 0 && scroll <= client, `the error box overflows sideways (${scroll} > ${client})`);
  });
});

describe('the chat host without a key', () => {
  test('a question that reaches the host while no key is set for a remote gateway is not sent; the view is told why and gets the question back', async () => {
    let routerBuilt = 0;
    const posted: HostMessage[] = [];
    const key = { state: 'missing' as KeyState };
    const controller = new ChatController(
      fakeChatEffects({
        router: async () => {
          routerBuilt++;
          throw new Error('must not be asked');
        },
        keyState: async () => ({ state: key.state, gateway: 'https://api.select.ax/v1' }),
      }),
    );
    controller.attach((m) => void posted.push(m));
    await controller.handle({ type: 'ready' });
    assert.deepEqual(
      posted.filter((m) => m.type === 'keyState'),
      [{ type: 'keyState', state: 'missing', gateway: 'https://api.select.ax/v1' }],
      'no question to give back before one is asked',
    );
    await controller.handle({ type: 'ask', prompt: 'hello?' });
    assert.equal(routerBuilt, 0);
    assert.equal(controller.history.length, 0, 'no answer was started');
    assert.deepEqual(posted.at(-1), { type: 'keyState', state: 'missing', gateway: 'https://api.select.ax/v1', unsent: 'hello?' }, 'the question goes back');
    key.state = 'missing-local';
    await controller.handle({ type: 'ask', prompt: 'hello?' });
    assert.equal(routerBuilt, 1, 'a loopback gateway is asked without a key');
    assert.ok(!posted.some((m) => m.type === 'keyState' && m.state !== 'missing' && m.unsent !== undefined), 'a question that is sent is not given back');
  });
});
