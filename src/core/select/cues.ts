// smart-select's cues by stable id, and the text the user sees for each. The id is the identity: rules compare ids,
// and the learning from corrections hashes ids (learningKeys.ts), so an id is never renamed once shipped. The text
// is display only: reword it freely.
import type { Tier } from '../base/types';

/** Cues found in the words of a prompt (English in english.ts, the other languages in lexicon.ts). */
const TEXT_CUES = {
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
} as const;

/** Cues read from the prompt's shape (structure, size, attachments) whose text carries no count. */
const SHAPE_CUES = {
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
} as const;

/** A cue whose text is always the same. */
export type TextCueId = keyof typeof TEXT_CUES;
/** The cues that prompts are grouped by for learning: a count would split similar prompts apart. */
export type KeyedCueId = TextCueId | keyof typeof SHAPE_CUES;

/** Cues whose text states a count ("mentions 4 files"); they weigh in the decision but not in the similarity key. */
export type CountedCueId =
  | 'longRequest'
  | 'code'
  | 'files'
  | 'services'
  | 'symbols'
  | 'constraints'
  | 'numbers'
  | 'depth'
  | 'largeSelection'
  | 'selection'
  | 'smallSelection'
  | 'trace'
  | 'manyAsks';

export type CueId = KeyedCueId | CountedCueId;

const KEYED_TEXT: Readonly<Record<KeyedCueId, string>> = { ...TEXT_CUES, ...SHAPE_CUES };

/** The text shown for a cue without a count. */
export function cueText(id: KeyedCueId): string {
  return KEYED_TEXT[id];
}

export const isKeyedCue = (id: CueId): id is KeyedCueId => Object.prototype.hasOwnProperty.call(KEYED_TEXT, id);

export const KEYED_CUE_IDS = Object.keys(KEYED_TEXT) as readonly KeyedCueId[];

/** What a prompt showed: `weight` points toward `tier`, for the cue `cue`, shown as `reason`. */
export interface Evidence {
  tier: Tier;
  weight: number;
  cue: CueId;
  reason: string;
  /** Found in an earlier turn of the conversation, not in the request itself. */
  earlier?: true;
}
