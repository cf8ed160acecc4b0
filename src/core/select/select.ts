// smart-select: prompt features → tier → configured model, with reasons and a confidence. Offline and
// deterministic: a weighted table of textual cues (english.ts, 14 more languages in lexicon.ts; each a stable id of
// cues.ts) plus structural features (length, code, traces, files, symbols, constraints, conversation depth,
// attached selection), then a learned move up where the user corrected similar prompts (learning.ts,
// learningKeys.ts). Tiers are those of docs/architecture.md § "smart-select tiers".
import type { Config } from '../config/settings';
import { agentClassifyInput, agentTier } from './agent';
import { extractFeatures, type PromptFeatures, type SelectInput } from './features';
import { CUE_ROWS, findCues } from './findCues';
import { cueText, type CountedCueId, type CueId, type Evidence, type KeyedCueId } from './cues';
import { learnedTier, type LearnedCorrections } from './learning';
import { similarityKeys, type SimilarityKeys } from './learningKeys';
import { TIERS, type BudgetStatus, type SelectionDecision, type Tier } from '../base/types';

export type { SelectInput } from './features';

/** Cues from earlier turns still say what the conversation is about, at this fraction of their weight. */
const HISTORY_WEIGHT = 0.4;
/** A stronger tier wins when within this many points of the best score. */
const PREFER_STRONGER_MARGIN = 1.0;

export interface Classification {
  tier: Tier;
  confidence: number;
  reasons: string[];
  scores: Record<Tier, number>;
}

interface Scored extends Classification {
  critical: boolean;
  evidence: Evidence[];
}

function structuralEvidence(f: PromptFeatures): Evidence[] {
  const ev: Evidence[] = [];
  const push = (tier: Tier, weight: number, cue: KeyedCueId) => ev.push({ tier, weight, cue, reason: cueText(cue) });
  const counted = (tier: Tier, weight: number, cue: CountedCueId, reason: string) => ev.push({ tier, weight, cue, reason });
  // Length: short prompts lean fast, long ones need breadth.
  if (f.codeLines === 0 && f.selectionChars === 0) {
    if (f.words <= 6) push('fast', 3, 'veryShort');
    else if (f.words <= 14) push('fast', 2, 'short');
    else if (f.words <= 22) push('fast', 0.5, 'short');
  }
  if (f.words > 55) counted('strong', f.words > 110 ? 3 : 1.5, 'longRequest', `long request (${f.words} words)`);
  // Code.
  if (f.codeBlocks.length > 0) {
    const langs = [...new Set(f.codeBlocks.map((b) => b.language).filter(Boolean))];
    const what = `includes ${f.codeLines} lines of ${langs.length ? langs.join('/') : 'code'}`;
    counted('balanced', 2.5, 'code', what);
    if (f.codeLines > 12) counted('strong', 1.5, 'code', what);
    if (f.codeLines > 40) counted('strong', 2, 'code', what);
    if (f.codeBlocks.some((b) => b.language === 'diff' || b.language === 'patch')) push('strong', 2, 'diff');
  }
  // Files, symbols, services.
  const files = Math.max(f.files, f.statedFileCount);
  if (files >= 3) counted('strong', files >= 5 ? 3.5 : 3, 'files', `mentions ${files} files`);
  else if (files === 2) counted('balanced', 1, 'files', `mentions ${files} files`);
  else if (files === 1) push('balanced', 1, 'file');
  if (f.statedServiceCount >= 2) counted('strong', 2.5, 'services', `involves ${f.statedServiceCount} services or repos`);
  if (f.symbols >= 4) counted('strong', 1, 'symbols', `mentions ${f.symbols} symbols`);
  else if (f.symbols === 1 && f.codeLines === 0) push('balanced', 0.5, 'symbol');
  else if (f.symbols >= 2 && f.codeLines === 0) counted('balanced', 0.5, 'symbols', `mentions ${f.symbols} symbols`);
  // Constraints: many of them turn a request into planning.
  if (f.constraints >= 4) counted('reasoning', Math.min(4, f.constraints - 2), 'constraints', `${f.constraints} constraints`);
  if (f.numbers >= 4 && f.codeLines === 0) counted('reasoning', 1.5, 'numbers', `${f.numbers} numbers to work with`);
  // Conversation depth: a long thread carries context a small model handles poorly.
  if (f.userTurns >= 4) counted('strong', f.userTurns >= 8 ? 2 : 1, 'depth', `conversation depth ${f.userTurns} turns`);
  if (f.conversationChars > 24_000) push('strong', 1.5, 'longConversation');
  // Attached selection.
  if (f.selectionChars > 0) {
    const size = f.selectionChars >= 1000 ? `${(f.selectionChars / 1000).toFixed(1)}k` : String(f.selectionChars);
    if (f.selectionChars >= 4000) counted('strong', f.selectionChars >= 10_000 ? 4.5 : 3.5, 'largeSelection', `large selection (${size} chars)`);
    else if (f.selectionChars >= 300) counted('balanced', 3, 'selection', `selection of ${size} chars`);
    else counted('fast', 1.5, 'smallSelection', `small selection (${size} chars)`);
  }
  if (f.traceLines >= 2) counted('balanced', 2.5, 'trace', `includes a stack trace or log (${f.traceLines} lines)`);
  if (f.queryPlan) push('strong', 3, 'queryPlan');
  if (f.hasMath && f.codeLines === 0) push('reasoning', 2.5, 'formula');
  if (f.quotesText && f.words <= 20 && f.codeLines === 0) push('fast', 2, 'quotedRewrite');
  if (f.hasImage) push('balanced', 1.5, 'image');
  if (f.ownership >= 3 && f.words >= 30) push('strong', 1.5, 'ownSystem');
  if (f.largeCodeMentioned) push('strong', 2, 'largeCode');
  if (f.codeConcurrency) push('strong', 2, 'codeConcurrency');
  if (f.quantities >= 2 && f.codeLines === 0 && (f.asksQuestion || /\b(?:how|what|when|which|find)\b/.test(f.proseLower))) push('reasoning', 4, 'wordProblem');
  if (f.enumeratedItems >= 5 && f.words >= 30) counted('strong', 1.5, 'manyAsks', `asks for ${f.enumeratedItems} things at once`);
  return ev;
}

function cueEvidence(f: PromptFeatures): { ev: Evidence[]; critical: boolean } {
  const ev: Evidence[] = [];
  let critical = false;
  const promptChars = f.prose.trim().length;
  const { found, earlier } = findCues({ prose: f.proseLower, traces: f.traceLower, history: f.historyLower });
  for (let i = 0; i < CUE_ROWS.length; i++) {
    if (!found[i] && !earlier[i]) continue;
    const m = CUE_ROWS[i];
    if (m.maxChars !== undefined && promptChars > m.maxChars) continue;
    if (found[i]) {
      ev.push({ tier: m.tier, weight: m.weight, cue: m.cue, reason: m.reason });
      if (m.critical) critical = true;
    } else {
      ev.push({ tier: m.tier, weight: m.weight * HISTORY_WEIGHT, cue: m.cue, reason: `earlier in the conversation: ${m.reason}`, earlier: true });
    }
  }
  // A short definitional question about a hard topic ("what is a mutex?") is still a definition; one with numbers
  // ("what is the probability of two sixes?") is a problem to solve.
  if (f.words <= 8 && f.codeLines === 0 && ev.some((e) => e.cue === 'quickFact')) {
    for (const e of ev) if (e.tier === 'strong' || (e.tier === 'reasoning' && f.numbers === 0)) e.weight *= 0.5;
  }
  // "Explain and fix this use-after-free": the wording of an ordinary request does not make a subtle bug ordinary.
  if (ev.some((e) => !e.earlier && SUBTLE_BUG.has(e.cue))) for (const e of ev) if (!e.earlier && ORDINARY_ASK.has(e.cue)) e.weight = 0;
  return { ev, critical };
}

const SUBTLE_BUG: ReadonlySet<CueId> = new Set<CueId>(['concurrency', 'memoryBug', 'security']);
const ORDINARY_ASK: ReadonlySet<CueId> = new Set<CueId>(['explain', 'fix', 'error']);

const BASE: Record<Tier, number> = { fast: 0, balanced: 1.5, strong: 0, reasoning: 0 };

function score(f: PromptFeatures): Scored {
  const { ev, critical } = cueEvidence(f);
  if (f.codeConcurrency && ev.some((e) => e.cue === 'intermittent' && !e.earlier))
    ev.push({ tier: 'strong', weight: 3, cue: 'concurrentIntermittent', reason: cueText('concurrentIntermittent') });
  // A pasted trace and the error words in it are one piece of evidence, not two.
  const errorCue = ev.some((e) => e.cue === 'error' && !e.earlier);
  for (const e of structuralEvidence(f)) if (!(errorCue && e.cue === 'trace')) ev.push(e);
  const scores: Record<Tier, number> = { ...BASE };
  for (const e of ev) scores[e.tier] += e.weight;
  // Evidence of real work rules out the fast tier, however short the prompt.
  const workEvidence = scores.strong + scores.reasoning;
  if (workEvidence >= (f.words > 10 ? 1.5 : 3)) scores.fast = Math.min(scores.fast, 0);
  let best: Tier = 'balanced';
  for (const t of TIERS) if (scores[t] > scores[best]) best = t;
  // Near a boundary prefer the stronger tier: the cost of a weak answer exceeds the price difference.
  let chosen = best;
  let nudged = false;
  for (let i = TIERS.indexOf(best) + 1; i < TIERS.length; i++) {
    const t = TIERS[i];
    if (scores[t] > 0 && scores[t] >= scores[best] - PREFER_STRONGER_MARGIN) {
      chosen = t;
      nudged = true;
    }
  }
  const others = TIERS.filter((t) => t !== chosen).map((t) => scores[t]);
  const margin = scores[chosen] - Math.max(...others);
  // Logistic on the margin: 0 → 0.5, 2 points → ~0.82, 4 points → ~0.95.
  const confidence = Math.round((1 / (1 + Math.exp(-0.75 * margin))) * 100) / 100;
  const reasons = reasonsFor(chosen, ev);
  if (nudged) reasons.push(`close to ${best}; chose the stronger tier`);
  return { tier: chosen, confidence, reasons, scores, critical: critical && chosen === 'reasoning', evidence: ev };
}

function reasonsFor(tier: Tier, ev: Evidence[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of [...ev].filter((x) => x.tier === tier).sort((a, b) => b.weight - a.weight)) {
    if (seen.has(e.reason)) continue;
    seen.add(e.reason);
    out.push(e.reason);
    if (out.length === 3) break;
  }
  if (out.length === 0) out.push(tier === 'balanced' ? 'an ordinary request with no special cues' : `leans ${tier}`);
  return out;
}

/** Classifies a request into a tier. Pure and deterministic. */
export function classify(input: SelectInput): Classification {
  const { tier, confidence, reasons, scores } = score(extractFeatures(input));
  return { tier, confidence, reasons, scores };
}

/**
 * When the budget moves requests down a tier: only with `budget.onExceed: downgrade`, once the router reports
 * the downgrade action (spend ≥ 100 %) or spend has reached 90 % of the monthly limit — acting a little before the
 * limit leaves headroom for requests already in flight.
 */
export const DOWNGRADE_FROM_FRACTION = 0.9;

export function budgetDowngradeActive(config: Config, budget?: BudgetStatus): boolean {
  if (!budget || config.budget.onExceed !== 'downgrade') return false;
  return budget.action === 'downgrade' || (budget.limitUsd > 0 && budget.fraction >= DOWNGRADE_FROM_FRACTION);
}

function keysOf(f: PromptFeatures, s: Scored): SimilarityKeys {
  return similarityKeys({ tier: s.tier, words: f.words, code: f.codeLines > 0 || f.traceLines > 0, evidence: s.evidence });
}

/** The similarity key of a request (see similarityKeys in learningKeys.ts), for recording a correction. */
export function selectionKey(input: SelectInput): string {
  const f = extractFeatures(input);
  return keysOf(f, score(f)).key;
}

/**
 * Picks the model for `smart-select`: classify, then move up if the user corrected similar prompts often enough,
 * then apply the budget, then map the tier to the configured model.
 */
export function selectModel(input: SelectInput, config: Config, budget?: BudgetStatus, learned?: LearnedCorrections): SelectionDecision {
  const byShape = agentTier(input);
  const f = extractFeatures(agentClassifyInput(input));
  const s = byShape ? { ...score(f), tier: byShape.tier, reasons: [byShape.reason], confidence: 1, critical: false } : score(f);
  let tier = s.tier;
  const reasons = [...s.reasons];
  if (learned && !byShape) {
    // Corrections counted before cue ids (format 1) still count: after the change no new ones go to those keys.
    const keys = keysOf(f, s);
    const up = learnedTier(tier, learned.correctionsFor(keys.key) + learned.correctionsFor(keys.format1Key));
    if (up.reason) {
      tier = up.tier;
      reasons.unshift(up.reason);
    }
  }
  let downgradedFrom: Tier | undefined;
  // fast is already the cheapest tier; critical reasoning requests keep their tier (a cheap wrong proof is waste).
  if (budget && budgetDowngradeActive(config, budget) && tier !== 'fast') {
    const spent = `budget at ${Math.round(budget.fraction * 100)}% of $${budget.limitUsd}`;
    if (s.critical) {
      reasons.push(`${spent}, but kept ${tier}: exactness matters here`);
    } else {
      downgradedFrom = tier;
      tier = TIERS[TIERS.indexOf(tier) - 1];
      reasons.push(`${spent} (budget.onExceed: downgrade): moved down from ${downgradedFrom} to ${tier}`);
    }
  }
  const decision: SelectionDecision = { tier, model: config.smartSelect.tiers[tier], confidence: s.confidence, reasons };
  if (downgradedFrom) decision.downgradedFrom = downgradedFrom;
  return decision;
}
