// The chat's state and behaviour without vscode: the transcript (one workspace's history), the running request,
// and what each webview message does. ChatViewProvider supplies the vscode side effects; tests supply fakes.
import {
  LIMITS,
  parseTurn,
  parseWebviewMessage,
  safeExternalUrl,
  type ContextChip,
  type HostMessage,
  type KeyState,
  type Meter,
  type ModelOption,
  type Turn,
  type WebviewMessage,
} from '../../protocol';
import { composeQuestion, mentionsIn, type ContextAttachment, type ContextKind } from '../../core/prompt/chatContext';
import type { PromptPreview } from '../../core/prompt/contextWindow';
import type { ChatCompletionMessageParam, ChatRequest, ChatRouter, ClientId } from '../../core/base/types';
import { Emitter, type IDisposable } from '../../core/base/lifecycle';
import type { FeatureDeps } from '../featureDeps';
import { modelChoices, type ListedModel } from '../modelChoices';
import { ChatSession, type TurnOutcome } from './chatSession';
import { fitHostMessage, fitTurn, MORE_CHIP_ID } from './fitHostMessage';

/** The controller's side effects: the extension's shared deps it uses, plus what only the chat view does. */
export interface ChatEffects
  extends Pick<FeatureDeps, 'currentModel' | 'setModel' | 'routing' | 'setSmartSelectMode' | 'log' | 'onError'>, Partial<Pick<FeatureDeps, 'reaskedWith'>> {
  router(): Promise<ChatRouter>;
  listModels(): Promise<readonly ListedModel[]>;
  copy(text: string): Promise<void>;
  insert(text: string): Promise<void>;
  newFile(text: string, language: string | undefined): Promise<void>;
  openExternal(url: string): Promise<void>;
  /** Persisted transcript (workspace state). */
  loadTurns(): unknown;
  saveTurns(turns: Turn[]): Promise<void>;
  /** Persisted attachments of past questions, by turn id (their text never goes to the webview). */
  loadAttachments(): unknown;
  saveAttachments(byTurn: Record<string, ContextAttachment[]>): Promise<void>;
  /** Removes the stored transcript and attachments (Clear Chat History). */
  removeStored(): Promise<void>;
  /** Reads what the user asked to attach; `pick` lets them choose; `uri` names a file (Add File to Chat). Refusals
   * (binary, too large) are shown by it. */
  gatherContext(kind: ContextKind | 'pick', uri?: string): Promise<ContextAttachment[]>;
  countTokens(text: string): Promise<number>;
  previewPrompt(req: ChatRequest): Promise<PromptPreview>;
  /** Shows the code block as a diff against the target file and applies it on the user's accept. */
  applyToFile(opts: { text: string; path?: string; attachedPaths: string[] }): Promise<void>;
  /** Whether the gateway has a key (absent: as if it had). Asked on `ready`, before each question and on refreshKeyState. */
  keyState?(): Promise<{ state: KeyState; gateway: string }>;
  /** Runs Set API Key or Choose Gateway (the no-key notice's buttons). */
  runCommand?(command: 'setApiKey' | 'choosePreset'): Promise<void>;
}

export interface AskOptions {
  model?: string;
  title?: string;
  /** The attachments waiting in the composer go with the question ('send', the default) or wait for the next one ('keep'). */
  pending?: 'send' | 'keep';
  /** Starts a new conversation first (as New Chat does), so the earlier questions and answers do not go with it. */
  fresh?: boolean;
  /** Who asks, for the ledger (default: the chat view itself). */
  client?: ClientId;
}

/** What a question asked now carries besides its own text (Ask Model and Explain Selection say it). */
export interface NextQuestion {
  /** The attachments waiting in the composer. */
  attachments: ContextChip[];
  /** Earlier answers whose questions and text go with it (the conversation it continues). */
  earlierAnswers: number;
  /** Their size in tokens: how much the prompt grows by continuing. */
  historyTokens: number;
}

export interface SizedAttachment {
  attachment: ContextAttachment;
  tokens: number;
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
  private models: readonly ListedModel[] = [];
  private sink: ((msg: HostMessage) => void) | undefined;
  private seq = 0;
  /** Attachments waiting for the next question typed into the chat. */
  private pending: SizedAttachment[] = [];
  private draft = '';
  /** Attachments of asked questions: what a Retry or a follow-up sends again. */
  private attachments: Record<string, ContextAttachment[]>;
  /** Answers already reported as re-asked with another model. */
  private readonly reasked = new Set<string>();
  private key: { state: KeyState; gateway: string } = { state: 'ok', gateway: '' };
  private readonly posted = new Emitter<HostMessage>();
  /** Every message meant for the webview, whether or not one is attached (the notification fallback listens). */
  readonly onDidPost = this.posted.event;

  constructor(private readonly fx: ChatEffects) {
    this.turns = restoreTurns(fx.loadTurns(), fx.log);
    this.attachments = restoreAttachments(fx.loadAttachments(), this.turns);
  }

  /** Connects a webview; messages are dropped while none is attached (it gets the full state when it attaches). */
  attach(post: (msg: HostMessage) => void): IDisposable {
    this.sink = post;
    return {
      dispose: () => {
        if (this.sink === post) this.sink = undefined;
      },
    };
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
        await this.refreshKeyState();
        await this.postContext();
        await this.refreshModels();
        return;
      // These resolve when the answer is finished (the view does not wait on them; tests do).
      case 'ask': {
        // Without a key for a remote gateway nothing is sent: the view shows what to do and gets the question back
        // (it may have cleared its input before it knew no key is set).
        if ((await this.refreshKeyState(msg.prompt)) === 'missing') {
          this.fx.log('[chat] the question was not sent: no API key is set for the gateway');
          return;
        }
        for (const kind of mentionsIn(msg.prompt)) if (!this.pending.some((p) => p.attachment.kind === kind)) await this.addContext(kind);
        this.draft = '';
        const running = this.start(msg.prompt);
        void this.postContext();
        await running.outcome;
        return;
      }
      case 'addContext':
        await this.addContext(msg.kind);
        return;
      case 'removeContext':
        // The "+N more" chip stands for every attachment past the ones shown: removing it removes those.
        this.pending = msg.id === MORE_CHIP_ID ? this.pending.slice(0, LIMITS.chips - 1) : this.pending.filter((p) => p.attachment.id !== msg.id);
        await this.postContext();
        return;
      case 'draft':
        this.draft = msg.prompt;
        await this.postContext();
        return;
      case 'apply': {
        const paths = (msg.turnId ? (this.attachments[msg.turnId] ?? []) : []).flatMap((a) => (a.kind === 'file' && a.path ? [a.path] : []));
        return this.fx.applyToFile({ text: msg.text, path: msg.path, attachedPaths: paths });
      }
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
        if (msg.smartSelectMode) await this.fx.setSmartSelectMode(msg.smartSelectMode);
        await this.fx.setModel(msg.model);
        await this.postContext();
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
      case 'command':
        await this.fx.runCommand?.(msg.command);
        return;
      case 'protocolError':
        this.fx.log(`[chat webview] ${msg.detail}`);
        return;
    }
  }

  stateMessage(): HostMessage {
    const turns = this.turns.map((t) => (this.running?.id === t.id ? { ...t, text: this.running.postedText } : t));
    return { type: 'state', turns, models: this.modelOptions(), currentModel: this.fx.currentModel() };
  }

  /** Asks whether the gateway has a key and tells the view (with `question`, when it is missing); returns the state. */
  async refreshKeyState(question?: string): Promise<KeyState> {
    if (!this.fx.keyState) return 'ok';
    try {
      this.key = await this.fx.keyState();
    } catch (err) {
      this.fx.log(`[chat] could not tell whether a key is set: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.post({ type: 'keyState', ...this.key, ...(question !== undefined && this.key.state === 'missing' ? { unsent: question } : {}) });
    return this.key.state;
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

  /** Attaches context for the next question (from the view's Add Context, a #mention or a command). */
  async addContext(kind: ContextKind | 'pick', uri?: string): Promise<void> {
    const gathered = await this.fx.gatherContext(kind, uri);
    for (const attachment of gathered) {
      this.pending = this.pending.filter((p) => !(p.attachment.kind === attachment.kind && p.attachment.label === attachment.label));
      this.pending.push({ attachment, tokens: await this.fx.countTokens(attachment.text) });
    }
    await this.postContext();
  }

  /** The chips and the meter for the question being written. */
  private async postContext(): Promise<void> {
    const chips: ContextChip[] = this.pending.map((p) => chipOf(p.attachment, p.tokens));
    let meter: Meter | undefined;
    if (chips.length > 0 || this.draft.trim()) {
      const request: ChatRequest = {
        model: this.fx.currentModel(),
        messages: [
          ...this.historyMessages(this.turns.slice(-CONTEXT_TURNS)),
          {
            role: 'user',
            content: composeQuestion(
              this.draft,
              this.pending.map((p) => p.attachment),
            ),
          },
        ],
      };
      try {
        meter = await this.fx.previewPrompt(request);
      } catch (err) {
        this.fx.log(`[chat] no context meter: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.post({ type: 'context', chips, ...(meter ? { meter } : {}) });
  }

  /** What a question asked now would carry besides its text: the waiting attachments and the conversation so far. */
  async nextQuestion(): Promise<NextQuestion> {
    const history = this.historyMessages(this.turns.slice(-CONTEXT_TURNS));
    const text = history.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
    return {
      attachments: this.pending.map((p) => chipOf(p.attachment, p.tokens)),
      earlierAnswers: history.length / 2,
      historyTokens: text ? await this.fx.countTokens(text) : 0,
    };
  }

  /**
   * Asks a new question at the end of the transcript; a running answer is stopped first. Whatever asks (the
   * composer, Ask Model, Continue) sends the attachments waiting in the composer unless told to keep them.
   */
  start(prompt: string, opts: AskOptions = {}): RunningAnswer {
    if (opts.fresh) this.forget();
    const id = this.nextId();
    const attached = opts.pending === 'keep' ? [] : this.takePending();
    if (attached.length) this.attachments[id] = attached.map((p) => p.attachment);
    const chips = attached.map((p) => chipOf(p.attachment, p.tokens));
    const turn: Turn = {
      id,
      prompt,
      title: opts.title,
      model: opts.model ?? this.fx.currentModel(),
      ...(chips.length ? { context: chips } : {}),
      text: '',
      state: 'streaming',
    };
    const history = this.turns.slice(-CONTEXT_TURNS);
    const previous = this.turns.at(-1);
    if (previous && samePrompt(previous.prompt, prompt)) this.noteReask(previous, turn.model);
    this.turns.push(turn);
    if (this.turns.length > MAX_TURNS) this.turns.splice(0, this.turns.length - MAX_TURNS);
    return this.run(turn, history, opts.client);
  }

  async clear(): Promise<void> {
    this.forget();
    await this.saveTurns();
    await this.fx.saveAttachments(this.attachments);
    this.post(this.stateMessage());
  }

  /** Clear Chat History: New Chat, and the attachments waiting for a question, and what is stored is removed. */
  async clearHistory(): Promise<void> {
    this.forget();
    this.pending = [];
    this.draft = '';
    await this.fx.removeStored();
    this.post(this.stateMessage());
    await this.postContext();
  }

  /** Stops a running answer and empties the transcript (the caller saves it). */
  private forget(): void {
    this.running?.stop();
    this.turns = [];
    this.attachments = {};
  }

  /** The attachments waiting in the composer, handed to the question that takes them; the composer shows none after. */
  private takePending(): SizedAttachment[] {
    const taken = this.pending;
    if (!taken.length) return taken;
    this.pending = [];
    void this.postContext();
    return taken;
  }

  /** Asks an earlier question again in place; attachments waiting in the composer join it. */
  private retry(id: string): RunningAnswer | undefined {
    const i = this.turns.findIndex((t) => t.id === id);
    if (i < 0 || this.running?.id === id) return undefined;
    const joined = this.takePending();
    if (joined.length) this.attachments[id] = [...(this.attachments[id] ?? []), ...joined.map((p) => p.attachment)];
    const context = [...(this.turns[i].context ?? []), ...joined.map((p) => chipOf(p.attachment, p.tokens))];
    const turn: Turn = { ...this.turns[i], ...(context.length ? { context } : {}), text: '', state: 'streaming', badge: undefined, error: undefined };
    this.turns[i] = turn;
    // The question shows what joined it: the view re-renders the transcript with the new chips.
    if (joined.length) this.post(this.stateMessage());
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

  private run(turn: Turn, context: readonly Turn[], client: ClientId = 'chat-view'): RunningAnswer {
    this.running?.stop();
    const session = new ChatSession({
      router: () => this.fx.router(),
      id: turn.id,
      request: {
        model: turn.model,
        messages: [...this.historyMessages(context), { role: 'user', content: composeQuestion(turn.prompt, this.attachments[turn.id] ?? []) }],
      },
      prompt: turn.prompt,
      title: turn.title,
      ...(turn.context ? { context: turn.context } : {}),
      post: (m) => this.post(m),
      client,
    });
    this.running = session;
    void this.saveTurns();
    void this.fx.saveAttachments(this.attachments);
    const outcome = (async (): Promise<TurnOutcome> => {
      const result = await session.run();
      if (this.running === session) this.running = undefined;
      const i = this.turns.findIndex((t) => t.id === turn.id);
      if (i >= 0)
        this.turns[i] = {
          ...turn,
          text: result.text,
          state: result.state,
          badge: result.badge,
          error: result.error,
          ...(result.reasoning ? { reasoning: result.reasoning } : {}),
        };
      await this.saveTurns();
      if (result.cause !== undefined) this.fx.onError(result.cause, { shownInline: result.error !== undefined });
      return result;
    })();
    return { id: turn.id, stop: () => session.stop(), outcome };
  }

  private historyMessages(turns: readonly Turn[]): ChatCompletionMessageParam[] {
    const out: ChatCompletionMessageParam[] = [];
    for (const t of turns) {
      if (!t.text) continue;
      out.push({ role: 'user', content: composeQuestion(t.prompt, this.attachments[t.id] ?? []) }, { role: 'assistant', content: t.text });
    }
    return out;
  }

  /** Tells smart-select once per answer that the user wanted another model for it. */
  private noteReask(answered: Turn | undefined, model: string): void {
    if (!answered || answered.model !== 'smart-select' || model === 'smart-select' || answered.state === 'streaming') return;
    if (this.reasked.has(answered.id)) return;
    this.reasked.add(answered.id);
    const i = this.turns.indexOf(answered);
    const context = this.turns.slice(Math.max(0, i - CONTEXT_TURNS), i);
    this.fx.reaskedWith?.([...this.historyMessages(context), { role: 'user', content: answered.prompt }], model);
  }

  /** The dropdown's entries: the same choices, order and names as Switch Model's quick pick (modelChoices.ts). */
  private modelOptions(): ModelOption[] {
    return modelChoices(this.models, this.fx.currentModel(), this.fx.routing()).map((c) => ({
      id: c.model,
      provider: c.group,
      label: c.label,
      ...(c.detail ? { detail: c.detail } : {}),
      ...(c.smartSelectMode ? { smartSelectMode: c.smartSelectMode } : {}),
      ...(c.current ? { current: true } : {}),
    }));
  }

  /** Every message to the webview passes here, fitted to the protocol's limits so the webview never refuses one. */
  private post(msg: HostMessage): void {
    for (const fitted of fitHostMessage(msg)) {
      this.posted.fire(fitted);
      this.sink?.(fitted);
    }
  }

  /** The transcript is stored as the protocol reads it back (restoreTurns drops a turn it cannot parse). */
  private saveTurns(): Promise<void> {
    return this.fx.saveTurns(this.turns.map(fitTurn));
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

const chipOf = (a: ContextAttachment, tokens: number): ContextChip => ({ id: a.id, kind: a.kind, label: a.label, tokens });

/** Stored attachments of turns still in the transcript; anything malformed is dropped. */
function restoreAttachments(raw: unknown, turns: readonly Turn[]): Record<string, ContextAttachment[]> {
  const out: Record<string, ContextAttachment[]> = {};
  if (typeof raw !== 'object' || raw === null) return out;
  for (const t of turns) {
    const list = (raw as Record<string, unknown>)[t.id];
    if (!Array.isArray(list)) continue;
    const valid = list.filter(
      (a): a is ContextAttachment =>
        typeof a === 'object' && a !== null && typeof (a as ContextAttachment).text === 'string' && typeof (a as ContextAttachment).label === 'string',
    );
    if (valid.length) out[t.id] = valid;
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
