// What makes two prompts "similar" for learning from corrections (learning.ts): the tier chosen, a size bucket, code
// or prose, and the ids of the cues found in the request (cues.ts; not the counted ones, not earlier turns). Hashed:
// no text of the prompt is in a key. Keys of format 1 hashed the cues' display texts; a store written then still
// holds them, so each prompt also gets its format-1 key, spelled from the texts frozen below, and both are counted.
import { hashKey } from './learning';
import { isKeyedCue, type Evidence, type KeyedCueId } from './cues';
import type { Tier } from '../base/types';

/**
 * The display texts as they were when learning keys were made from them (format 1, until 2026-12). Frozen: never edit
 * an entry, and do not add cues created later (they did not exist in format 1, so they are not part of its keys).
 */
const FORMAT_1_TEXT: Readonly<Partial<Record<KeyedCueId, string>>> = {
  proof: 'asks for a proof',
  correctness: 'asks for a correctness argument',
  complexity: 'asks for complexity bounds',
  algorithm: 'asks to design an algorithm',
  math: 'a math problem',
  puzzle: 'looks like a puzzle',
  optimal: 'asks for an optimal or exact answer',
  stepByStep: 'asks to show the reasoning',
  schedule: 'a scheduling or assignment problem',
  formulation: 'an optimisation formulation',
  architecture: 'a design across components',
  design: 'asks for a design',
  concurrency: 'a concurrency problem',
  isItSafe: 'asks whether it is safe',
  memoryBug: 'a memory bug',
  memory: 'mentions memory use',
  killed: 'the process crashes or is killed',
  security: 'a security concern',
  migration: 'a migration or rollout plan',
  tradeoffs: 'a trade-off analysis',
  longCode: 'long code generation',
  intermittent: 'an intermittent or subtle failure',
  onlyOneEnvironment: 'fails only in one environment',
  spansComponents: 'spans several components',
  dataLayout: 'a data layout or scaling design',
  syncConflicts: 'a distributed sync design',
  growsOverTime: 'something degrades over time',
  crashLoop: 'a crash loop',
  diagnosis: 'an open-ended diagnosis',
  review: 'asks for a review',
  plan: 'asks for a plan or proposal',
  performance: 'mentions scale or performance',
  writeCode: 'asks for one piece of code',
  transform: 'asks to transform code',
  explain: 'asks for an explanation or how-to',
  error: 'includes an error message',
  summary: 'asks for a summary',
  regexTest: 'a regex, query or test',
  fix: 'asks to fix something',
  namedLanguage: 'asks for code in a named language',
  translate: 'a short translation',
  smallTalk: 'small talk',
  quickFact: 'a quick factual question',
  unitQuestion: 'a unit conversion or quick sum',
  smallEdit: 'a small edit or rewrite',
  yesNo: 'a yes/no question',
  lookup: 'a quick lookup',
  veryShort: 'very short',
  short: 'short',
  diff: 'includes a diff',
  file: 'mentions a file',
  symbol: 'mentions a symbol',
  longConversation: 'long conversation',
  queryPlan: 'includes a slow query plan',
  formula: 'includes a formula',
  quotedRewrite: 'a short rewrite of quoted text',
  image: 'includes an image',
  ownSystem: 'about your own system',
  largeCode: 'large or legacy code',
  codeConcurrency: 'the code uses concurrency primitives',
  wordProblem: 'a word problem with numbers',
  concurrentIntermittent: 'an intermittent failure in concurrent code',
};

export interface SimilarityInput {
  tier: Tier;
  words: number;
  /** The request carries code or a pasted trace. */
  code: boolean;
  evidence: readonly Evidence[];
}

export interface SimilarityKeys {
  /** The key new corrections are counted under. */
  key: string;
  /** The same prompt's key in format 1, under which corrections made before 2026-12 were counted. */
  format1Key: string;
}

/** Distinct, sorted cue ids that group prompts: found in the request (not earlier turns), with weight, no count. */
function groupingCues(evidence: readonly Evidence[]): KeyedCueId[] {
  const ids = new Set<KeyedCueId>();
  for (const e of evidence) if (e.weight > 0 && !e.earlier && isKeyedCue(e.cue)) ids.add(e.cue);
  return [...ids].sort();
}

export function similarityKeys(s: SimilarityInput): SimilarityKeys {
  const size = s.words <= 15 ? 'short' : s.words <= 60 ? 'medium' : 'long';
  const group = `${s.tier}|${size}|${s.code ? 'code' : 'prose'}|`;
  const ids = groupingCues(s.evidence);
  const texts = new Set<string>();
  for (const id of ids) {
    const text = FORMAT_1_TEXT[id];
    if (text !== undefined) texts.add(text);
  }
  return { key: hashKey(`v2|${group}${ids.join(',')}`), format1Key: hashKey(group + [...texts].sort().join(',')) };
}
