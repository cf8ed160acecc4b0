// The attachments waiting for the next question (chips with their size, each removable) and the context meter:
// prompt + context tokens against the chosen model's window, with the prompt's estimated cost; amber from 80 %.
import type { ContextChip, Meter } from '../../src/protocol';
import { formatUsd } from '../../src/core/base/format';
import { iconButton } from './dom';

const KIND_ICON: Record<ContextChip['kind'], string> = { file: 'file', selection: 'selection', editors: 'files', problems: 'warning', terminal: 'terminal' };

const count = (n: number): string => n.toLocaleString('en-US');

export function chipElement(chip: ContextChip, removable: boolean): HTMLElement {
  const c = document.createElement('span');
  c.className = 'context-chip';
  c.dataset.testid = 'context-chip';
  c.dataset.id = chip.id;
  c.dataset.kind = chip.kind;
  const icon = document.createElement('span');
  icon.className = `codicon codicon-${KIND_ICON[chip.kind]}`;
  icon.setAttribute('aria-hidden', 'true');
  const label = document.createElement('span');
  label.className = 'context-label';
  label.textContent = chip.label;
  const size = document.createElement('span');
  size.className = 'context-tokens';
  size.dataset.testid = 'context-tokens';
  size.textContent = `${count(chip.tokens)} tokens`;
  c.append(icon, label, size);
  c.title = `${chip.label} · ${count(chip.tokens)} tokens`;
  if (removable) c.append(iconButton({ action: 'removeContext', icon: 'close', label: `Remove ${chip.label}` }));
  return c;
}

export function meterText(m: Meter): string {
  const of = m.window > 0 ? ` / ${count(m.window)}` : '';
  const percent = m.window > 0 ? ` (${Math.round((m.promptTokens / m.window) * 100)} %)` : '';
  return `${count(m.promptTokens)}${of} tokens${percent} · ~${formatUsd(m.costUsd)} · ${m.model}`;
}

export class ContextBar {
  readonly root: HTMLElement;
  private readonly chips: HTMLElement;
  private readonly meter: HTMLElement;

  constructor() {
    this.root = document.createElement('div');
    this.root.className = 'context-bar';
    this.chips = document.createElement('div');
    this.chips.className = 'context-chips';
    this.chips.dataset.testid = 'context-chips';
    this.meter = document.createElement('div');
    this.meter.className = 'context-meter';
    this.meter.dataset.testid = 'context-meter';
    this.meter.setAttribute('aria-live', 'polite');
    this.root.append(this.chips, this.meter);
    this.render([], undefined);
  }

  render(chips: readonly ContextChip[], meter: Meter | undefined): void {
    this.chips.replaceChildren(...chips.map((c) => chipElement(c, true)));
    this.meter.hidden = meter === undefined;
    this.meter.dataset.level = meter?.level ?? 'ok';
    this.meter.textContent = meter ? meterText(meter) : '';
    if (meter?.level === 'over') this.meter.title = `Larger than ${meter.model}'s window: it will be skipped, or choose a model with a larger window.`;
    else this.meter.title = meter?.level === 'warn' ? "Over 80 % of the model's window." : '';
    this.root.hidden = chips.length === 0 && meter === undefined;
  }
}
