// The models a picker offers, in one order and under one name, for both pickers (Switch Model's quick pick and the
// chat view's dropdown): smart-select, the gateway's own auto routing when its preset has one, then every model by
// provider. A model is named by its id everywhere; the gateway's friendly name ("Simulator: echo") is its detail.
// No vscode import.
import type { ModelInfo } from '../core/base/types';
import type { SmartSelectMode } from '../core/config/settings';
import { SMART_SELECT } from '../core/config/names';
import type { RoutingChoice } from './featureDeps';

/** What a picker needs of a model: its id and provider; the friendly name when the gateway gave one. */
export type ListedModel = Pick<ModelInfo, 'id' | 'provider'> & Partial<ModelInfo>;

export interface ModelChoice {
  /** What choosing it writes to `switchboard.model`. */
  model: string;
  /** The one name: the model id (the routing choices keep their own names). */
  label: string;
  /** What it is: the friendly name of a model, or who decides for a routing choice. */
  detail?: string;
  /** The provider it is listed under; '' for the routing choices on top. */
  group: string;
  /** Also writes `switchboard.smartSelect.mode` (smart-select by Switchboard or by the gateway). */
  smartSelectMode?: SmartSelectMode;
  /** What is in use now. */
  current: boolean;
  /** The catalog's entry, for price and window. */
  info?: ListedModel;
}

export function modelChoices(models: readonly ListedModel[], current: string, routing: RoutingChoice): ModelChoice[] {
  const auto = routing.gatewayAuto;
  const autoIsSmartSelect = auto?.id === SMART_SELECT;
  const autoChosen = auto !== undefined && (autoIsSmartSelect ? current === SMART_SELECT && routing.mode === 'gateway' : current === auto.id);
  const choices: ModelChoice[] = [
    {
      model: SMART_SELECT,
      label: SMART_SELECT,
      detail: 'Switchboard decides, explained',
      group: '',
      ...(autoIsSmartSelect ? { smartSelectMode: 'local' as const } : {}),
      current: current === SMART_SELECT && !autoChosen,
    },
  ];
  if (auto)
    choices.push({
      model: auto.id,
      label: auto.label,
      detail: `the gateway decides (${auto.id})`,
      group: '',
      ...(autoIsSmartSelect ? { smartSelectMode: 'gateway' as const } : {}),
      current: autoChosen,
    });
  const listed = models.filter((m) => m.id !== SMART_SELECT && m.id !== auto?.id);
  const byProvider = new Map<string, ListedModel[]>();
  for (const m of listed) byProvider.set(m.provider, [...(byProvider.get(m.provider) ?? []), m]);
  for (const [provider, list] of [...byProvider].sort(([a], [b]) => a.localeCompare(b))) {
    for (const m of [...list].sort((a, b) => a.id.localeCompare(b.id))) {
      const friendly = m.name && m.name !== m.id ? m.name : undefined;
      choices.push({ model: m.id, label: m.id, ...(friendly ? { detail: friendly } : {}), group: provider, current: m.id === current, info: m });
    }
  }
  // The model in use is always offered, even when no list names it (a typed id, a list not fetched yet).
  if (!choices.some((c) => c.current)) choices.push({ model: current, label: current, group: current.split('/')[0] ?? '', current: true });
  return choices;
}

/** "just now", "12 min ago", "3 h ago", "2 days ago": how old the gateway's list is (Switch Model's title). */
export function ageText(ms: number): string {
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const hours = Math.floor(min / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.floor(hours / 24)} days ago`;
}
