// The chat session and controller: turns, streaming, retries and reasoning deltas, over the simulator.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ChatSession } from '../../src/vscode/chat/chatSession';
import { ChatController, CONTINUE_PROMPT, restoreTurns } from '../../src/vscode/chat/chatController';
import { Emitter } from '../../src/core/base/lifecycle';
import { CancelledError, NoKeyError, StreamBrokenError, UnavailableError } from '../../src/core/base/errors';
import type { AttemptEvent, ChatRequest, ChatRouter, DoneEvent, RouteOptions, RouteYield, RoutingEvent } from '../../src/core/base/types';
import type { HostMessage, Turn } from '../../src/protocol';
import { fakeChatEffects } from './support/chatEffects';

const usage = { promptTokens: 4, completionTokens: 3, cachedTokens: 0, reasoningTokens: 0, estimated: false };

function done(p: Partial<DoneEvent> = {}): DoneEvent {
  return {
    type: 'done',
    requestId: 'r',
    at: 0,
    requested: 'sim/echo',
    answeredBy: 'sim/echo',
    served: 'sim/echo',
    costSource: 'priced',
    endpoint: 'gateway',
    attempts: 1,
    fallback: false,
    usage,
    costUsd: 0.00012,
    msToFirstToken: 1,
    msTotal: 2,
    ...p,
  };
}
function attempt(p: Partial<AttemptEvent>): AttemptEvent {
  return { type: 'attempt', requestId: 'r', index: 0, model: 'sim/echo', endpoint: 'gateway', role: 'primary', outcome: 'ok', msTotal: 1, ...p };
}
const chunk = (text: string, model = 'sim/echo'): RouteYield => ({
  type: 'chunk',
  text,
  model,
  chunk: { id: 'c', object: 'chat.completion.chunk', created: 0, model, choices: [] },
});
const decision: RouteYield = { type: 'decision', requestId: 'r', requested: 'sim/echo', candidates: [], notes: [] };

/** Waits until the signal aborts, then throws CancelledError as the real router does. */
function untilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (signal?.aborted) reject(new CancelledError());
    signal?.addEventListener('abort', () => reject(new CancelledError()), { once: true });
  });
}

type Script = (req: ChatRequest, opts: RouteOptions | undefined) => AsyncGenerator<RouteYield>;

class FakeRouter implements ChatRouter {
  readonly requests: ChatRequest[] = [];
  private readonly events = new Emitter<RoutingEvent>();
  readonly onEvent = this.events.event;
  constructor(private readonly script: Script) {}
  route(req: ChatRequest, opts?: RouteOptions): AsyncIterable<RouteYield> {
    this.requests.push(req);
    return this.script(req, opts);
  }
}

/** A fake webview: records what was posted and lets a test wait for a message. */
class FakeWebview {
  readonly messages: HostMessage[] = [];
  private waiters: { pred: (m: HostMessage) => boolean; resolve: (m: HostMessage) => void }[] = [];
  post = (m: HostMessage): void => {
    this.messages.push(m);
    for (const w of [...this.waiters])
      if (w.pred(m)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(m);
      }
  };
  next(pred: (m: HostMessage) => boolean): Promise<HostMessage> {
    const seen = this.messages.find(pred);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }
  types(): string[] {
    return this.messages.map((m) => m.type);
  }
  deltaText(id?: string): string {
    return this.messages.map((m) => (m.type === 'delta' && (!id || m.id === id) ? m.text : '')).join('');
  }
}

function session(router: ChatRouter, web: FakeWebview, flushMs = 0): ChatSession {
  return new ChatSession({
    router: async () => router,
    id: 'a1',
    request: { model: 'sim/echo', messages: [{ role: 'user', content: 'hi' }] },
    prompt: 'hi',
    post: web.post,
    flushMs,
  });
}

describe('ChatSession', () => {
  test('posts start, every delta in order, then done with the badge', async () => {
    const parts = ['Hello', ', ', 'wor', 'ld', '!'];
    const router = new FakeRouter(async function* () {
      yield decision;
      for (const p of parts) yield chunk(p);
      yield attempt({ outcome: 'ok' });
      yield done();
    });
    const web = new FakeWebview();
    const outcome = await session(router, web).run();
    assert.deepEqual(web.types(), ['start', 'delta', 'delta', 'delta', 'delta', 'delta', 'done']);
    assert.deepEqual(
      web.messages.filter((m) => m.type === 'delta').map((m) => (m.type === 'delta' ? m.text : '')),
      parts,
    );
    assert.equal(outcome.state, 'done');
    assert.equal(outcome.text, 'Hello, world!');
    const last = web.messages.at(-1);
    assert.ok(last?.type === 'done');
    assert.deepEqual(last.badge, {
      model: 'sim/echo',
      requested: 'sim/echo',
      promptTokens: 4,
      completionTokens: 3,
      estimated: false,
      costUsd: 0.00012,
      costSource: 'priced',
      fallbackNote: undefined,
      selection: undefined,
    });
  });

  test('coalesces deltas within the flush window without losing or reordering text', async () => {
    const words = Array.from({ length: 200 }, (_, i) => `w${i} `);
    const router = new FakeRouter(async function* () {
      for (const w of words) yield chunk(w);
      yield done();
    });
    const web = new FakeWebview();
    await session(router, web, 50).run();
    const deltas = web.messages.filter((m) => m.type === 'delta');
    assert.ok(deltas.length < words.length, `expected coalescing, got ${deltas.length} deltas`);
    assert.equal(web.deltaText(), words.join(''));
    assert.equal(web.messages.at(-1)?.type, 'done');
  });

  test('text waiting to be flushed is not in postedText, so a state resent meanwhile plus later deltas is exact', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const router = new FakeRouter(async function* () {
      yield chunk('one ');
      await gate;
      yield chunk('two');
      yield done();
    });
    const web = new FakeWebview();
    const s = session(router, web, 60_000);
    const running = s.run();
    while (s.text !== 'one ') await new Promise((r) => setImmediate(r));
    assert.equal(s.postedText, '', 'nothing was posted yet');
    release();
    await running;
    assert.equal(s.postedText, 'one two');
    assert.equal(web.deltaText(), 'one two');
  });

  test('a fallback shows "answered by X after Y failed (503)" in the badge', async () => {
    const failing = 'sim/fail?status=503';
    const router = new FakeRouter(async function* () {
      yield decision;
      yield attempt({ index: 0, model: failing, outcome: 'error', status: 503 });
      yield attempt({ index: 1, model: failing, outcome: 'error', status: 503 });
      yield chunk('ok');
      yield attempt({ index: 2, model: 'sim/echo', role: 'fallback', outcome: 'ok' });
      yield done({ requested: failing, fallback: true, attempts: 3 });
    });
    const web = new FakeWebview();
    const outcome = await session(router, web).run();
    assert.equal(outcome.badge?.fallbackNote, `answered by sim/echo after ${failing} failed (503) ×2`);
    assert.equal(outcome.badge?.model, 'sim/echo');
  });

  test('a retry that succeeds on the same model is not called a fallback', async () => {
    const router = new FakeRouter(async function* () {
      yield attempt({ index: 0, outcome: 'error', status: 503 });
      yield chunk('ok');
      yield done({ attempts: 2 });
    });
    const outcome = await session(router, new FakeWebview()).run();
    assert.equal(outcome.badge?.fallbackNote, undefined);
  });

  test('Stop aborts the router signal and ends in the stopped state with the partial text kept', async () => {
    let sawSignal: AbortSignal | undefined;
    const router = new FakeRouter(async function* (_req, opts) {
      sawSignal = opts?.signal;
      yield chunk('partial ');
      yield chunk('answer');
      await untilAborted(opts?.signal);
    });
    const web = new FakeWebview();
    const s = session(router, web);
    const running = s.run();
    await web.next((m) => m.type === 'delta' && m.text === 'answer');
    s.stop();
    const outcome = await running;
    assert.equal(sawSignal?.aborted, true);
    assert.equal(outcome.state, 'stopped');
    assert.equal(outcome.text, 'partial answer');
    assert.equal(web.messages.at(-1)?.type, 'stopped');
    assert.equal(web.messages.filter((m) => m.type === 'done' || m.type === 'error').length, 0);
  });

  test('a stream broken after tokens keeps the partial text and offers Continue with the fallback', async () => {
    const ctx = { endpoint: 'gateway', model: 'sim/reset?after=2' };
    const router = new FakeRouter(async function* () {
      yield chunk('first ');
      yield chunk('second ');
      throw new StreamBrokenError(ctx, 'first second ', new UnavailableError(ctx, 'socket closed'), 'sim/echo');
    });
    const web = new FakeWebview();
    const outcome = await session(router, web).run();
    assert.equal(outcome.state, 'error');
    assert.equal(outcome.text, 'first second ');
    const last = web.messages.at(-1);
    assert.ok(last?.type === 'error');
    assert.equal(last.error.partial, true);
    assert.equal(last.error.continueWith, 'sim/echo');
    assert.match(last.error.message, /sim\/reset\?after=2 stopped after 13 characters: socket closed/);
    assert.equal(web.deltaText(), 'first second ');
  });

  test('a router that cannot be built (no key) becomes the answer error and is handed back as the cause', async () => {
    const web = new FakeWebview();
    const s = new ChatSession({
      router: () => Promise.reject(new NoKeyError('gateway')),
      id: 'a1',
      request: { model: 'm', messages: [] },
      prompt: 'p',
      post: web.post,
    });
    const outcome = await s.run();
    assert.deepEqual(web.types(), ['start', 'error']);
    assert.ok(outcome.cause instanceof NoKeyError);
    assert.match(outcome.error?.message ?? '', /Set API Key/);
    assert.equal(outcome.error?.partial, false);
  });

  test('a stream that ends without done is an error, not a silent success', async () => {
    const router = new FakeRouter(async function* () {
      yield chunk('half');
    });
    const outcome = await session(router, new FakeWebview()).run();
    assert.equal(outcome.state, 'error');
    assert.equal(outcome.error?.partial, true);
  });
});

// ── ChatController ────────────────────────────────────────────────────────────────────────────────────────────

interface Harness {
  controller: ChatController;
  web: FakeWebview;
  logs: string[];
  errors: unknown[];
  saved: Turn[][];
  opened: string[];
  model: { current: string };
}

function harness(router: ChatRouter, stored?: unknown): Harness {
  const logs: string[] = [];
  const errors: unknown[] = [];
  const saved: Turn[][] = [];
  const opened: string[] = [];
  const model = { current: 'sim/echo' };
  const fx = fakeChatEffects({
    router: async () => router,
    currentModel: () => model.current,
    setModel: async (m) => {
      model.current = m;
    },
    listModels: async () => [
      { id: 'sim/echo', provider: 'sim' },
      { id: 'sim/lorem', provider: 'sim' },
    ],
    log: (l) => void logs.push(l),
    onError: (e) => void errors.push(e),
    openExternal: async (u) => {
      opened.push(u);
    },
    loadTurns: () => stored,
    saveTurns: async (t) => {
      saved.push(structuredClone(t));
    },
  });
  const controller = new ChatController(fx);
  const web = new FakeWebview();
  controller.attach(web.post);
  return { controller, web, logs, errors, saved, opened, model };
}

const echoRouter = (): FakeRouter =>
  new FakeRouter(async function* (req) {
    const last = req.messages.at(-1);
    yield chunk(typeof last?.content === 'string' ? last.content : '');
    yield done({ requested: req.model, answeredBy: req.model });
  });

describe('ChatController', () => {
  test('a malformed webview message is logged and ignored', async () => {
    const h = harness(echoRouter());
    await h.controller.handle({ type: 'ask' });
    await h.controller.handle('not even an object');
    assert.equal(h.logs.length, 2);
    assert.match(h.logs[0], /rejected webview→host message "ask"/);
    assert.equal(h.web.messages.length, 0);
  });

  test('ready sends the state then the model list', async () => {
    const h = harness(echoRouter());
    await h.controller.handle({ type: 'ready' });
    assert.deepEqual(h.web.types(), ['state', 'context', 'models']);
    const models = h.web.messages[2];
    assert.ok(models.type === 'models');
    assert.deepEqual(
      models.models.map((m) => m.id),
      ['smart-select', 'sim/echo', 'sim/lorem'],
    );
  });

  test('an asked question is answered, saved to history, and sent as context with the next one', async () => {
    const router = echoRouter();
    const h = harness(router);
    await h.controller.handle({ type: 'ask', prompt: 'first question' });
    await h.controller.start('second question', { title: 'Second' }).outcome;
    assert.deepEqual(
      h.controller.history.map((t) => [t.prompt, t.text, t.state, t.title]),
      [
        ['first question', 'first question', 'done', undefined],
        ['second question', 'second question', 'done', 'Second'],
      ],
    );
    assert.deepEqual(router.requests[1].messages, [
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first question' },
      { role: 'user', content: 'second question' },
    ]);
    assert.deepEqual(
      h.saved.at(-1)?.map((t) => t.state),
      ['done', 'done'],
    );
  });

  test('the state sent while an answer streams includes its text so far', async () => {
    const router = new FakeRouter(async function* (_r, opts) {
      yield chunk('so far');
      await untilAborted(opts?.signal);
    });
    const h = harness(router);
    const running = h.controller.start('q');
    await h.web.next((m) => m.type === 'delta');
    const state = h.controller.stateMessage();
    assert.ok(state.type === 'state');
    assert.equal(state.turns[0].text, 'so far');
    assert.equal(state.turns[0].state, 'streaming');
    void h.controller.handle({ type: 'stop', id: running.id });
    assert.equal((await running.outcome).state, 'stopped');
    assert.equal(h.controller.history[0].state, 'stopped');
    assert.equal(h.controller.history[0].text, 'so far');
  });

  test('Retry reruns the same answer id with the same question', async () => {
    const h = harness(echoRouter());
    const first = h.controller.start('again?');
    await first.outcome;
    h.web.messages.length = 0;
    await h.controller.handle({ type: 'retry', id: first.id });
    assert.deepEqual(h.web.types(), ['start', 'delta', 'done']);
    assert.ok(h.web.messages.every((m) => 'id' in m && m.id === first.id));
    assert.equal(h.controller.history.length, 1);
  });

  test('Continue after a broken stream asks the fallback with the partial answer as context', async () => {
    const ctx = { endpoint: 'gateway', model: 'sim/reset?after=1' };
    const router = new FakeRouter(async function* (req) {
      if (req.model === 'sim/echo') {
        yield chunk('rest');
        yield done();
        return;
      }
      yield chunk('beginning');
      throw new StreamBrokenError(ctx, 'beginning', new UnavailableError(ctx, 'reset'), 'sim/echo');
    });
    const h = harness(router);
    h.model.current = 'sim/reset?after=1';
    const broken = h.controller.start('tell me');
    await broken.outcome;
    assert.ok(h.errors[0] instanceof StreamBrokenError, 'the lead gets the error to show');
    await h.controller.handle({ type: 'continue', id: broken.id });
    assert.equal(h.controller.history.length, 2);
    const cont = h.controller.history[1];
    assert.equal(cont.model, 'sim/echo');
    assert.equal(cont.title, 'Continue with sim/echo');
    assert.equal(cont.text, 'rest');
    assert.deepEqual(router.requests[1].messages, [
      { role: 'user', content: 'tell me' },
      { role: 'assistant', content: 'beginning' },
      { role: 'user', content: CONTINUE_PROMPT },
    ]);
    assert.equal(h.controller.history[0].text, 'beginning', 'the partial answer is kept, not replaced');
  });

  test('New Chat empties the history and sends the empty state', async () => {
    const h = harness(echoRouter());
    await h.controller.start('q').outcome;
    await h.controller.handle({ type: 'newChat' });
    assert.equal(h.controller.history.length, 0);
    assert.deepEqual(h.saved.at(-1), []);
    const last = h.web.messages.at(-1);
    assert.ok(last?.type === 'state' && last.turns.length === 0);
  });

  test('setModel saves the choice and echoes the new current model', async () => {
    const h = harness(echoRouter());
    await h.controller.handle({ type: 'setModel', model: 'sim/lorem' });
    assert.equal(h.model.current, 'sim/lorem');
    const last = h.web.messages.at(-1);
    assert.ok(last?.type === 'models' && last.currentModel === 'sim/lorem');
  });

  test('openLink opens http(s) only', async () => {
    const h = harness(echoRouter());
    await h.controller.handle({ type: 'openLink', href: 'javascript:alert(1)' });
    await h.controller.handle({ type: 'openLink', href: 'command:workbench.action.terminal.new' });
    await h.controller.handle({ type: 'openLink', href: 'https://example.com/docs' });
    assert.deepEqual(h.opened, ['https://example.com/docs']);
    assert.equal(h.logs.filter((l) => l.includes('refused')).length, 2);
  });

  test('restored history drops unreadable turns and marks an interrupted answer as stopped', () => {
    const logs: string[] = [];
    const turns = restoreTurns(
      [{ id: 'a', prompt: 'p', model: 'm', text: 'half', state: 'streaming' }, { id: 5 }, { id: 'b', prompt: 'p', model: 'm', text: 't', state: 'done' }],
      (l) => logs.push(l),
    );
    assert.deepEqual(
      turns.map((t) => [t.id, t.state]),
      [
        ['a', 'stopped'],
        ['b', 'done'],
      ],
    );
    assert.equal(logs.length, 1);
    assert.deepEqual(
      restoreTurns(undefined, (l) => logs.push(l)),
      [],
    );
  });
});

describe('reasoning deltas (issue 12)', () => {
  test('go to the view as "reasoning", are kept with the turn, and never enter the answer text', async () => {
    const thinkingChunk = (reasoning: string): RouteYield => ({
      type: 'chunk',
      text: '',
      model: 'sim/echo',
      chunk: {
        id: 'c',
        object: 'chat.completion.chunk',
        created: 0,
        model: 'sim/echo',
        choices: [{ index: 0, delta: { reasoning_content: reasoning } as never, finish_reason: null }],
      },
    });
    const router = new FakeRouter(async function* () {
      yield decision;
      yield thinkingChunk('First, ');
      yield thinkingChunk('consider x.');
      yield chunk('The answer.');
      yield done();
    });
    const web = new FakeWebview();
    const outcome = await session(router, web).run();
    assert.equal(outcome.text, 'The answer.');
    assert.equal(outcome.reasoning, 'First, consider x.');
    assert.equal(
      web.messages
        .filter((m) => m.type === 'reasoning')
        .map((m) => (m.type === 'reasoning' ? m.text : ''))
        .join(''),
      'First, consider x.',
    );
    assert.equal(web.deltaText(), 'The answer.');
  });
});
