// Chat webview entry: builds the view, applies validated host messages, sends user actions to the host.
// The host owns the truth (history, running request); this view is a projection of it that also restores itself
// from getState immediately on load, before the host's `state` arrives.
import './zodSetup';
import { parseHostMessage, parseModelOption, parseTurn, type HostMessage, type ModelOption, type Turn, type WebviewMessage } from '../../src/protocol';
import { ContextBar } from './contextBar';
import { iconButton } from './dom';
import { KeyNotice } from './keyNotice';
import { TurnView, type TurnViewOptions } from './turnView';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface ViewState {
  turns: Turn[];
  models: ModelOption[];
  currentModel: string;
  draft: string;
}

const vscode = acquireVsCodeApi();
const post = (m: WebviewMessage): void => vscode.postMessage(m);

// ── skeleton ──────────────────────────────────────────────────────────────────────────────────────────────────

const header = document.createElement('header');
header.className = 'toolbar';
const picker = document.createElement('select');
picker.dataset.testid = 'model-picker';
picker.setAttribute('aria-label', 'Model');
picker.title = 'Model for the next question';
// Beside the model picker a bare "+" reads as "add a model": the button names itself.
const newChat = iconButton({ action: 'newChat', icon: 'comment-add', label: 'New Chat (clears this conversation)', text: 'New Chat', testid: 'new-chat' });
header.append(picker, newChat);

const transcript = document.createElement('main');
transcript.className = 'transcript';
transcript.setAttribute('aria-label', 'Chat transcript');
const empty = document.createElement('p');
empty.className = 'empty';
empty.textContent = 'Ask anything. Switchboard picks a model and falls back if it fails.';

const composer = document.createElement('form');
composer.className = 'composer';
const prompt = document.createElement('textarea');
prompt.dataset.testid = 'prompt';
prompt.rows = 2;
prompt.placeholder = 'Ask a question (Enter to send, Shift+Enter for a new line)';
prompt.setAttribute('aria-label', 'Question for the model. Enter sends, Shift+Enter adds a line.');
const addContext = iconButton({
  action: 'addContext',
  icon: 'attach',
  label: 'Add context (#file, #selection, #editors, #problems, #terminal)',
  testid: 'add-context',
});
const send = iconButton({ action: 'send', icon: 'send', label: 'Send', testid: 'send' });
send.type = 'submit';
const stop = iconButton({ action: 'stop', icon: 'debug-stop', label: 'Stop the answer', testid: 'stop' });
stop.hidden = true;
composer.append(addContext, prompt, send, stop);
const contextBar = new ContextBar();

const announcer = document.createElement('div');
announcer.className = 'sr-only';
announcer.setAttribute('role', 'status');

const keyNotice = new KeyNotice();

document.body.append(header, keyNotice.root, transcript, contextBar.root, composer, announcer);

// ── state ─────────────────────────────────────────────────────────────────────────────────────────────────────

const views = new Map<string, TurnView>();
let models: ModelOption[] = [];
let currentModel = 'smart-select';
let busy: string | undefined;
let stickToBottom = true;
let saveTimer: ReturnType<typeof setTimeout> | undefined;

function saveNow(): void {
  if (saveTimer) clearTimeout(saveTimer);
  saveTimer = undefined;
  const state: ViewState = { turns: [...views.values()].map((v) => v.snapshot), models, currentModel, draft: prompt.value };
  vscode.setState(state);
}
/** setState serialises everything; during streaming do it at most twice a second. */
function saveSoon(): void {
  saveTimer ??= setTimeout(saveNow, 500);
}

function keepScrolled(): void {
  if (stickToBottom) transcript.scrollTop = transcript.scrollHeight;
}
transcript.addEventListener('scroll', () => {
  stickToBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
});

function setBusy(id: string | undefined): void {
  busy = id;
  stop.hidden = id === undefined;
  send.hidden = id !== undefined;
}

/** An option's value: the model id, and the smart-select mode when choosing it sets one (two entries share `smart-select`). */
const optionValue = (m: ModelOption) => (m.smartSelectMode ? `${m.id}#${m.smartSelectMode}` : m.id);

function renderModels(): void {
  const list = models.some((m) => m.id === currentModel) ? models : [...models, { id: currentModel, provider: '' }];
  // The host marks what is in use; an older list without marks falls back to the id.
  const current = list.find((m) => m.current) ?? list.find((m) => m.id === currentModel);
  const byProvider = new Map<string, ModelOption[]>();
  for (const m of list) byProvider.set(m.provider, [...(byProvider.get(m.provider) ?? []), m]);
  const groups: (HTMLOptGroupElement | HTMLOptionElement)[] = [];
  for (const [provider, items] of byProvider) {
    const options = items.map((m) => {
      const o = document.createElement('option');
      o.value = optionValue(m);
      o.textContent = m.label ?? m.id;
      if (m.detail) o.title = m.detail;
      o.selected = m === current;
      return o;
    });
    if (byProvider.size === 1 || !provider) groups.push(...options);
    else {
      const g = document.createElement('optgroup');
      g.label = provider;
      g.append(...options);
      groups.push(g);
    }
  }
  picker.replaceChildren(...groups);
  picker.value = current ? optionValue(current) : currentModel;
}

/** Restored turns rendered at once (the ones at the bottom, in view); the others render as they scroll near. */
const EAGER_RESTORED_TURNS = 4;

function addTurn(turn: Turn, opts?: TurnViewOptions): TurnView {
  const view = new TurnView(turn, keepScrolled, opts);
  views.set(turn.id, view);
  empty.remove();
  transcript.append(view.root);
  return view;
}

function renderAll(turns: readonly Turn[]): void {
  views.clear();
  transcript.replaceChildren();
  if (turns.length === 0) transcript.append(empty);
  turns.forEach((t, i) => addTurn(t, { deferRender: i < turns.length - EAGER_RESTORED_TURNS }));
  setBusy(turns.find((t) => t.state === 'streaming')?.id);
  stickToBottom = true;
  keepScrolled();
}

function apply(msg: HostMessage): void {
  switch (msg.type) {
    case 'state':
      models = msg.models;
      currentModel = msg.currentModel;
      renderModels();
      renderAll(msg.turns);
      break;
    case 'models':
      models = msg.models;
      currentModel = msg.currentModel;
      renderModels();
      break;
    case 'start': {
      const existing = views.get(msg.id);
      if (existing) existing.reset({ model: msg.model });
      else addTurn({ id: msg.id, prompt: msg.prompt, title: msg.title, model: msg.model, context: msg.context, text: '', state: 'streaming' });
      setBusy(msg.id);
      stickToBottom = true;
      keepScrolled();
      break;
    }
    case 'context':
      contextBar.render(msg.chips, msg.meter);
      return;
    case 'keyState':
      keyNotice.render(msg.state, msg.gateway);
      if (msg.unsent !== undefined) giveBack(msg.unsent);
      return;
    case 'reasoning':
      views.get(msg.id)?.appendReasoning(msg.text);
      saveSoon();
      return;
    case 'delta':
      views.get(msg.id)?.appendText(msg.text);
      saveSoon();
      return;
    case 'done':
      views.get(msg.id)?.finish('done', { badge: msg.badge });
      announcer.textContent = `Answer complete from ${msg.badge.model}.`;
      break;
    case 'stopped':
      views.get(msg.id)?.finish('stopped', {});
      announcer.textContent = 'Answer stopped.';
      break;
    case 'error':
      views.get(msg.id)?.finish('error', { error: msg.error });
      announcer.textContent = `The answer failed: ${msg.error.message}`;
      break;
  }
  if (msg.type === 'done' || msg.type === 'stopped' || msg.type === 'error') if (busy === msg.id) setBusy(undefined);
  saveNow();
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = parseHostMessage(event.data);
  if (!parsed.ok) {
    console.warn(`[switchboard chat] ${parsed.error}`);
    post({ type: 'protocolError', detail: parsed.error });
    return;
  }
  try {
    apply(parsed.message);
  } catch (err) {
    post({ type: 'protocolError', detail: `applying "${parsed.message.type}" failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 2000) });
  }
});

// ── user actions ──────────────────────────────────────────────────────────────────────────────────────────────

function submit(): void {
  const text = prompt.value.trim();
  if (!text) return;
  // Nothing can be asked without a key for a remote gateway: keep the question and point at the notice.
  if (keyNotice.blocksAsking()) {
    keyNotice.callAttention();
    announcer.textContent = 'Set an API key first: the question was not sent.';
    return;
  }
  post({ type: 'ask', prompt: text });
  prompt.value = '';
  saveNow();
}

/** A question the host did not send (no key yet) goes back into the input, before anything typed since. */
function giveBack(question: string): void {
  const typed = prompt.value.trim();
  if (typed !== question) prompt.value = typed ? `${question}\n\n${prompt.value}` : question;
  keyNotice.callAttention();
  announcer.textContent = 'Set an API key first: the question was not sent and is back in the input.';
  post({ type: 'draft', prompt: prompt.value });
  saveNow();
}

composer.addEventListener('submit', (e) => {
  e.preventDefault();
  submit();
});
prompt.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    submit();
  } else if (e.key === 'Escape' && busy) {
    post({ type: 'stop', id: busy });
  }
});
let draftTimer: ReturnType<typeof setTimeout> | undefined;
prompt.addEventListener('input', () => {
  saveSoon();
  // The meter follows the question as it is typed, without a message per keystroke.
  if (draftTimer) clearTimeout(draftTimer);
  draftTimer = setTimeout(() => post({ type: 'draft', prompt: prompt.value }), 300);
});
picker.addEventListener('change', () => {
  const chosen = models.find((m) => optionValue(m) === picker.value);
  currentModel = chosen?.id ?? picker.value;
  for (const m of models) m.current = m === chosen;
  post({ type: 'setModel', model: currentModel, ...(chosen?.smartSelectMode ? { smartSelectMode: chosen.smartSelectMode } : {}) });
});

document.addEventListener('click', (e) => {
  const target = e.target instanceof Element ? e.target : null;
  const link = target?.closest('a');
  if (link) {
    e.preventDefault();
    const href = link.getAttribute('href');
    if (href) post({ type: 'openLink', href });
    return;
  }
  const button = target?.closest<HTMLButtonElement>('button[data-action]');
  if (!button || button.type === 'submit') return;
  const turnId = button.closest<HTMLElement>('.turn')?.dataset.id;
  const code = button.closest('.code-block')?.querySelector('pre code')?.textContent ?? '';
  const language = button.closest<HTMLElement>('.code-block')?.dataset.language || undefined;
  const path = button.closest<HTMLElement>('.code-block')?.dataset.path || undefined;
  switch (button.dataset.action) {
    case 'stop':
      post({ type: 'stop', id: busy });
      break;
    case 'newChat':
      post({ type: 'newChat' });
      prompt.focus();
      break;
    case 'retry':
      if (turnId) post({ type: 'retry', id: turnId });
      break;
    case 'continue':
      if (turnId) post({ type: 'continue', id: turnId });
      break;
    case 'copy':
      post({ type: 'copy', text: code });
      announcer.textContent = 'Code copied.';
      break;
    case 'insert':
      post({ type: 'insert', text: code });
      break;
    case 'newFile':
      post({ type: 'newFile', text: code, language: language && /^[\w+#.-]+$/.test(language) ? language : undefined });
      break;
    case 'apply':
      post({ type: 'apply', text: code, ...(path ? { path } : {}), ...(turnId ? { turnId } : {}) });
      break;
    case 'addContext':
      post({ type: 'addContext', kind: 'pick' });
      break;
    case 'setApiKey':
    case 'choosePreset':
      post({ type: 'command', command: button.dataset.action });
      break;
    case 'removeContext': {
      const id = button.closest<HTMLElement>('.context-chip')?.dataset.id;
      if (id) post({ type: 'removeContext', id });
      break;
    }
  }
});

// ── restore, then ask the host for the truth ──────────────────────────────────────────────────────────────────

function restore(): void {
  const raw = vscode.getState() as Partial<ViewState> | undefined;
  if (!raw || typeof raw !== 'object') {
    renderModels();
    renderAll([]);
    return;
  }
  const turns = Array.isArray(raw.turns) ? raw.turns.flatMap((t) => parseTurn(t) ?? []) : [];
  models = Array.isArray(raw.models) ? raw.models.flatMap((m) => parseModelOption(m) ?? []) : [];
  if (typeof raw.currentModel === 'string' && raw.currentModel) currentModel = raw.currentModel;
  if (typeof raw.draft === 'string') prompt.value = raw.draft;
  renderModels();
  renderAll(turns);
}

restore();
post({ type: 'ready' });
prompt.focus();
