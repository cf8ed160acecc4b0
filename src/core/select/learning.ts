// smart-select learning from corrections: when the user re-asks with a stronger model than smart-select chose, the
// prompt's similarity key (a hash of its tier, size and the cues found — never its text) is counted; once a key
// has been corrected CORRECTIONS_TO_MOVE_UP times, prompts with that key start one tier higher. Never moves down.
import type { Config } from '../config/settings';
import type { ModelInfo, Tier } from '../base/types';

export const CORRECTIONS_TO_MOVE_UP = 3;
/** Keys kept per workspace; the least corrected are dropped first beyond this. */
const MAX_KEYS = 500;
const TIER_ORDER: readonly Tier[] = ['fast', 'balanced', 'strong', 'reasoning'];

/** Where the counts live (the extension uses workspaceState). */
export interface LearningStore {
  load(): unknown;
  save(state: LearningState): void | PromiseLike<void>;
}

export interface LearningState {
  version: 1;
  /** similarity key → corrections seen */
  corrections: Record<string, number>;
}

/** What selectModel needs from the learning: how often prompts like this one were corrected. */
export interface LearnedCorrections {
  correctionsFor(key: string): number;
}

function parseState(raw: unknown): LearningState {
  const corrections: Record<string, number> = {};
  const stored = raw && typeof raw === 'object' ? (raw as { corrections?: unknown }).corrections : undefined;
  if (stored && typeof stored === 'object') {
    for (const [key, n] of Object.entries(stored)) if (/^[0-9a-f]{8}$/.test(key) && Number.isInteger(n) && (n as number) > 0) corrections[key] = n as number;
  }
  return { version: 1, corrections };
}

export class SelectLearning implements LearnedCorrections {
  private state: LearningState;

  constructor(private readonly store: LearningStore) {
    this.state = parseState(store.load());
  }

  correctionsFor(key: string): number {
    return this.state.corrections[key] ?? 0;
  }

  /** Counts one correction for prompts with this key; returns the new count. */
  async record(key: string): Promise<number> {
    const corrections = { ...this.state.corrections, [key]: this.correctionsFor(key) + 1 };
    const keys = Object.keys(corrections);
    if (keys.length > MAX_KEYS) {
      keys.sort((a, b) => corrections[a] - corrections[b]);
      for (const k of keys.slice(0, keys.length - MAX_KEYS)) if (k !== key) delete corrections[k];
    }
    this.state = { version: 1, corrections };
    await this.store.save(this.state);
    return corrections[key];
  }

  async reset(): Promise<void> {
    this.state = { version: 1, corrections: {} };
    await this.store.save(this.state);
  }
}

/** The tier after learning: one up once similar prompts were corrected often enough, with the reason to show. */
export function learnedTier(tier: Tier, corrections: number): { tier: Tier; reason?: string } {
  if (corrections < CORRECTIONS_TO_MOVE_UP || tier === 'reasoning') return { tier };
  return { tier: TIER_ORDER[TIER_ORDER.indexOf(tier) + 1], reason: `moved up: you chose a stronger model for similar prompts ${corrections} times` };
}

/**
 * Whether asking `model` instead of smart-select's `tier` is a choice of a stronger model: a model configured for a
 * higher tier, or (for any other model) one whose output price is above the chosen tier's model.
 */
export function isStrongerChoice(model: string, tier: Tier, config: Config, lookup: (id: string) => ModelInfo | undefined): boolean {
  if (model === 'smart-select') return false;
  const resolved = config.aliases[model] ?? model;
  const tiers = config.smartSelect.tiers;
  const rank = TIER_ORDER.findIndex((t) => tiers[t] === resolved);
  if (rank >= 0) return rank > TIER_ORDER.indexOf(tier);
  const chosenPrice = lookup(tiers[tier])?.pricing.output;
  const pickedPrice = lookup(resolved)?.pricing.output;
  return chosenPrice !== undefined && pickedPrice !== undefined && pickedPrice > chosenPrice;
}

/** FNV-1a, 32 bits, as 8 hex digits: a short stable key that cannot be turned back into the features. */
export function hashKey(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
