// The chat's notice while no API key is set: what is missing, where the key would go, and the two buttons that fix
// it (Set API Key, Choose Gateway). The buttons only run those commands; they never send the question.
import type { KeyState } from '../../src/protocol';
import { el, iconButton } from './dom';

export class KeyNotice {
  readonly root = el('section', { className: 'key-notice', testid: 'key-notice' });
  private state: KeyState = 'ok';

  constructor() {
    this.root.hidden = true;
    this.root.setAttribute('aria-label', 'API key');
  }

  render(state: KeyState, gateway: string): void {
    this.state = state;
    this.root.dataset.state = state;
    this.root.hidden = state === 'ok';
    this.root.classList.remove('attention');
    if (state === 'ok') return this.root.replaceChildren();
    const text =
      state === 'missing'
        ? `Switchboard needs your API key for ${gateway} before it can ask a model. It is kept in VS Code's SecretStorage, never in settings.`
        : `No API key is set for ${gateway}. A local gateway may need none: ask away. If it wants one, set it here.`;
    const actions = el('div', { className: 'key-notice-actions' });
    actions.append(
      iconButton({ action: 'setApiKey', icon: 'key', label: 'Set API Key', text: 'Set API Key', testid: 'set-api-key' }),
      iconButton({ action: 'choosePreset', icon: 'globe', label: 'Choose Gateway', text: 'Choose Gateway', testid: 'choose-gateway' }),
    );
    this.root.replaceChildren(el('p', { text }), actions);
  }

  /** True while a question would go nowhere (no key for a remote gateway). */
  blocksAsking(): boolean {
    return this.state === 'missing';
  }

  callAttention(): void {
    this.root.classList.remove('attention');
    void this.root.offsetWidth; // restart the highlight
    this.root.classList.add('attention');
    this.root.querySelector<HTMLButtonElement>('[data-testid=set-api-key]')?.focus();
  }
}
