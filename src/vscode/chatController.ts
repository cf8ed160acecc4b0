// The chat's state and behaviour without vscode: the transcript (one workspace's history), the running request,
// and what each webview message does. ChatViewProvider supplies the vscode side effects; tests supply fakes.
import { parseTurn, parseWebviewMessage, safeExternalUrl, type HostMessage, type ModelOption, type Turn, type WebviewMessage } from '../protocol';
import type { ChatCompletionMessageParam, ChatRouter } from '../core/types';
import { Emitter, type IDisposable } from '../core/lifecycle';
import { ChatSession, type TurnOutcome } from './chatSession';

export interface ChatEffects {
  router(): Promise<ChatRouter>;
  currentModel(): string;
  setModel(model: string): Promise<void>;
  listModels(): Promise<ModelOption[]>;
  log(line: string): void;
  onError(err: unknown): void;
  copy(text: string): Promise<void>;
  insert(text: string): Promise<void>;
  newFile(text: string, language: string | undefined): Promise<void>;
  openExternal(url: string): Promise<void>;
  /** Persisted transcript (workspace state). */
  loadTurns(): unknown;
  saveTurns(turns: Turn[]): Promise<void>;
  /** The user re-asked what smart-select answered with `model` (same prompt again, or a model picked right after). */
  reaskedWith?(messages: ChatCompletionMessageParam[], model: string): void;
}

export interface AskOptions {
  model?: string;
  title?: string;
}

export interface RunningAnswer {
  id: string;
  stop(): void;
  readonly outcome: Promise<TurnOutcome>;
}

/** The text of the follow-up request a "Continue with <fallback>" sends. */
export const CONTINUE_PROMPT = 'Your previous answer was cut off. Continue exactly where it stopped, without repeating what was already written.';
const MAX_TURNS = 100;
const CONTEXT_TURNS = 20;

export class ChatController implements IDisposable {
  private turns: Turn[];
  private running: ChatSession | undefined;
  private models: ModelOption[] = [];
  private sink: ((msg: HostMessage) => void) | undefined;
  private seq = 0;
  /** Answers already reported as re-asked with another model. */
  private readonly reasked = new Set<string>();
  private readonly posted = new Emitter<HostMessage>();
  /** Every message meant for the webview, whether or not one is attached (the notification fallback listens). */
  readonly onDidPost = this.posted.event;

  constructor(private readonly fx: ChatEffects) {
    this.turns = restoreTurns(fx.loadTurns(), fx.log);
  }

  /** Connects a webview; messages are dropped while none is attached (it gets the full state when it attaches). */
  attach(post: (msg: HostMessage) => void): IDisposable {
    this.sink = post;
    return { dispose: () => { if (this.sink === post) this.sink = undefined; } };
  }

  get history(): readonly Turn[] {
    return this.turns;
  }

  /** Handles a raw message from the webview: validated first, malformed ones are logged and dropped. */
  async handle(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.fx.log(`[chat] ${parsed.error}`);
      return;
    }
    try {
      await this.dispatch(parsed.message);
    } catch (err) {
      this.fx.onError(err);
    }
  }

  private async dispatch(msg: WebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.post(this.stateMessage());
        await this.refreshModels();
        return;
      // These resolve when the answer is finished (the view does not wait on them; tests do).
      case 'ask':
        await this.start(msg.prompt).outcome;
        return;
      case 'stop':
        if (this.running && (!msg.id || msg.id === this.running.id)) this.running.stop();
        return;
      case 'retry':
        await this.retry(msg.id)?.outcome;
        return;
      case 'continue':
        await this.continueAfterBreak(msg.id)?.outcome;
        return;
      case 'newChat':
      case 'clear':
        await this.clear();
        return;
      case 'setModel':
        this.noteReask(this.turns.at(-1), msg.model);
        await this.fx.setModel(msg.model);
        this.postModels();
        return;
      case 'copy':
        return this.fx.copy(msg.text);
      case 'insert':
        return this.fx.insert(msg.text);
      case 'newFile':
        return this.fx.newFile(msg.text, msg.language);
      case 'openLink': {
        const url = safeExternalUrl(msg.href);
        if (url) return this.fx.openExternal(url);
        this.fx.log(`[chat] refused to open a link that is not http(s): ${msg.href.slice(0, 80)}`);
        return;
      }
      case 'protocolError':
        this.fx.log(`[chat webview] ${msg.detail}`);
        return;
    }
  }

  stateMessage(): HostMessage {
    const turns = this.turns.map((t) => (this.running?.id === t.id ? { ...t, text: this.running.postedText } : t));
    return { type: 'state', turns, models: this.modelOptions(), currentModel: this.fx.currentModel() };
  }

  async refreshModels(): Promise<void> {
    try {
      this.models = await this.fx.listModels();
    } catch (err) {
      this.fx.log(`[chat] could not list models: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.postModels();
  }

  /** Tells the view the current model (e.g. after it was changed from the status bar). */
  postModels(): void {
    this.post({ type: 'models', models: this.modelOptions(), currentModel: this.fx.currentModel() });
  }

  /** Asks a new question at the end of the transcript; a running answer is stopped first. */
  start(prompt: string, opts: AskOptions = {}): RunningAnswer {
    const turn: Turn = { id: this.nextId(), prompt, title: opts.title, model: opts.model ?? this.fx.currentModel(), text: '', state: 'streaming' };
    const context = this.turns.slice(-CONTEXT_TURNS);
    const previous = this.turns.at(-1);
    if (previous && samePrompt(previous.prompt, prompt)) this.noteReask(previous, turn.model);
    this.turns.push(turn);
    if (this.turns.length > MAX_TURNS) this.turns.splice(0, this.turns.length - MAX_TURNS);
    return this.run(turn, context);
  }

  async clear(): Promise<void> {
    this.running?.stop();
    this.turns = [];
    await this.fx.saveTurns(this.turns);
    this.post(this.stateMessage());
  }

  private retry(id: string): RunningAnswer | undefined {
    const i = this.turns.findIndex((t) => t.id === id);
    if (i < 0 || this.running?.id === id) return undefined;
    const turn: Turn = { ...this.turns[i], text: '', state: 'streaming', badge: undefined, error: undefined };
    this.turns[i] = turn;
    return this.run(turn, this.turns.slice(Math.max(0, i - CONTEXT_TURNS), i));
  }

  private continueAfterBreak(id: string): RunningAnswer | undefined {
    const broken = this.turns.find((t) => t.id === id);
    const model = broken?.error?.continueWith;
    if (!broken || !model) {
      this.fx.log(`[chat] nothing to continue for answer ${id}`);
      return undefined;
    }
    return this.start(CONTINUE_PROMPT, { model, title: `Continue with ${model}` });
  }

  private run(turn: Turn, context: readonly Turn[]): RunningAnswer {
    this.running?.stop();
    const session = new ChatSession({
      router: () => this.fx.router(),
      id: turn.id,
      request: { model: turn.model, messages: [...toMessages(context), { role: 'user', content: turn.prompt }] },
      prompt: turn.prompt,
      title: turn.title,
      post: (m) => this.post(m),
    });
    this.running = session;
    void this.fx.saveTurns(this.turns);
    const outcome = (async (): Promise<TurnOutcome> => {
      const result = await session.run();
      if (this.running === session) this.running = undefined;
      const i = this.turns.findIndex((t) => t.id === turn.id);
      if (i >= 0) this.turns[i] = { ...turn, text: result.text, state: result.state, badge: result.badge, error: result.error };
      await this.fx.saveTurns(this.turns);
      if (result.cause !== undefined) this.fx.onError(result.cause);
      return result;
    })();
    return { id: turn.id, stop: () => session.stop(), outcome };
  }

  /** Tells smart-select once per answer that the user wanted another model for it. */
  private noteReask(answered: Turn | undefined, model: string): void {
    if (!answered || answered.model !== 'smart-select' || model === 'smart-select' || answered.state === 'streaming') return;
    if (this.reasked.has(answered.id)) return;
    this.reasked.add(answered.id);
    const i = this.turns.indexOf(answered);
    const context = this.turns.slice(Math.max(0, i - CONTEXT_TURNS), i);
    this.fx.reaskedWith?.([...toMessages(context), { role: 'user', content: answered.prompt }], model);
  }

  private modelOptions(): ModelOption[] {
    const current = this.fx.currentModel();
    const list = this.models.length ? [...this.models] : [];
    if (!list.some((m) => m.id === 'smart-select')) list.unshift({ id: 'smart-select', provider: 'switchboard', label: 'smart-select' });
    if (!list.some((m) => m.id === current)) list.push({ id: current, provider: current.split('/')[0] ?? '' });
    return list;
  }

  private post(msg: HostMessage): void {
    this.posted.fire(msg);
    this.sink?.(msg);
  }

  private nextId(): string {
    return `a${Date.now().toString(36)}-${(this.seq++).toString(36)}`;
  }

  dispose(): void {
    this.running?.stop();
    this.posted.dispose();
    this.sink = undefined;
  }
}

const samePrompt = (a: string, b: string) => a.trim().replace(/\s+/g, ' ').toLowerCase() === b.trim().replace(/\s+/g, ' ').toLowerCase();

function toMessages(turns: readonly Turn[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  for (const t of turns) {
    if (!t.text) continue;
    out.push({ role: 'user', content: t.prompt }, { role: 'assistant', content: t.text });
  }
  return out;
}

/** Validates persisted history; an answer that was streaming when the window closed is shown as stopped. */
export function restoreTurns(raw: unknown, log: (line: string) => void): Turn[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    log('[chat] stored chat history is not a list; starting empty');
    return [];
  }
  const turns: Turn[] = [];
  for (const item of raw) {
    const parsed = parseTurn(item);
    if (parsed) turns.push(parsed.state === 'streaming' ? { ...parsed, state: 'stopped' } : parsed);
    else log('[chat] dropped an unreadable turn from the stored chat history');
  }
  return turns.slice(-MAX_TURNS);
}
