// Frozen copy of the English-only smart-select (commit aaf227f): the baseline the decision time is compared with in
// bench/select.bench.ts. Not used by the extension.
// smart-select: prompt features → tier → configured model, with reasons and a confidence. Offline and
// deterministic: a weighted table of textual cues plus structural features (length, code, files, symbols,
// constraints, conversation depth, attached selection). Tiers are those of docs/architecture.md § "smart-select tiers".
import type { Config } from '../../src/core/config/settings';
import { extractFeatures, type PromptFeatures, type SelectInput } from './selectFeaturesV1';
import type { BudgetStatus, SelectionDecision, Tier } from '../../src/core/base/types';

export type { SelectInput } from './selectFeaturesV1';

export const TIERS: readonly Tier[] = ['fast', 'balanced', 'strong', 'reasoning'];

/** A cue found in the text: adds `weight` to `tier`; `reason` is what the user sees. */
interface Cue {
  tier: Tier;
  weight: number;
  re: RegExp;
  reason: string;
  /** Marks cues after which a wrong answer is worthless: such reasoning requests are not downgraded by the budget. */
  critical?: boolean;
}

const QUICK_FACT = 'a quick factual question';

const CUES: readonly Cue[] = [
  // reasoning: exactness matters
  {
    tier: 'reasoning',
    weight: 5,
    re: /\b(?:prove|proof|disprove|show that|by induction|lemma|theorem|irrational)\b/,
    reason: 'asks for a proof',
    critical: true,
  },
  {
    tier: 'reasoning',
    weight: 2.5,
    re: /\b(?:invariant|linearizab\w*|termination|(?:always|ever|never) terminates?|prove it correct|argue (?:that|its|it))\b/,
    reason: 'asks for a correctness argument',
    critical: true,
  },
  {
    tier: 'reasoning',
    weight: 4,
    re: /\bo\((?:[^)]*(?:log|n|m|1)[^)]*)\)|[ωθ]\(|\btime complexity\b|\btight bound\b|\bamortized\b|\brunning time\b|\brecurrence\b|\basymptotic\w*|\bstate (?:its|the) complexity\b|\b(?:upper|lower|tight) bound\b|\bbound (?:its|the) (?:number|running|cost)/,
    reason: 'asks for complexity bounds',
    critical: true,
  },
  {
    tier: 'reasoning',
    weight: 2.5,
    re: /\b(?:design|devise|give|find|describe) (?:an? |the )?(?:\w+[- ])?(?:algorithm|data structure)\b|\bdynamic[- ]programming\b/,
    reason: 'asks to design an algorithm',
  },
  {
    tier: 'reasoning',
    weight: 4,
    re: /\bprobability\b|\bexpected (?:number|value|distance|time|length|cost|payoff|count)\b|\bat random\b|\brandom(?:ly)? (?:chosen|picked|point)\b|\bpick a random\b|\buniformly\b|\bchance\b|\bodds\b|\bbayes\w*|\bp\([a-z]\s*[|)]|\bfind the number of\b|\b\d+!|\bfactorial\b|\bpercentage of\b|\bexpected (?:number|value)\b|\bhow many ways\b|\bin how many ways\b|\binteger solutions?\b|\bsolve (?:the |this )?(?:system|equation|recurrence)\b|\bderive\b|\bclosed form\b|\bmaximi[sz]es?\b|\bminimi[sz]es?\b|\bremainder\b|\bcombinatori\w*|\bcritical path\b/,
    reason: 'a math problem',
  },
  {
    tier: 'reasoning',
    weight: 4,
    re: /\bpuzzle\b|\briddle\b|\bknights?\b.*\bknaves?\b|\bweighings?\b|\bbalance scale\b|\bcounterfeit\b|\blabels? (?:is|are) wrong\b|\bevery label is wrong\b|\bwho owns\b|\bwalk through the deduction\b|\btower of hanoi\b|\bcross(?:es|ing)? (?:a|the) river\b|\bthe boat (?:holds|carries)\b|\bmonty hall\b/,
    reason: 'looks like a puzzle',
  },
  {
    tier: 'reasoning',
    weight: 2.5,
    re: /\boptimal(?:ity)?\b|\bcounterexample\b|\b(?:smallest|largest|minimum|maximum|fewest|least|greatest) (?:possible )?(?:number|amount|value|integer|positive)\b|\bfewest\b|\b(?:shortest|longest|cheapest) (?:possible )?(?:sequence|route|schedule|way|number)\b|\bor prove (?:that )?none\b/,
    reason: 'asks for an optimal or exact answer',
  },
  {
    tier: 'reasoning',
    weight: 1.5,
    re: /\bstep by step\b|\bshow (?:your|the) (?:work|derivation)\b|\bexplain (?:your|the) reasoning\b|\bexplain carefully\b|\bjustify (?:each|every|your|the|it|why|that)\b|\bwork it out\b/,
    reason: 'asks to show the reasoning',
  },
  {
    tier: 'reasoning',
    weight: 2,
    re: /\bschedul\w+|\bassign(?:ment)?\b|\btimetabl\w+|\bitinerary\b|\ballocat\w+|\btime slots?\b/,
    reason: 'a scheduling or assignment problem',
  },
  {
    tier: 'reasoning',
    weight: 1.5,
    re: /\binteger program\w*|\bilp\b|\bconstraint satisfaction\b|\bsat solver\b|\bformulate\b/,
    reason: 'an optimisation formulation',
  },
  // strong: breadth or care
  {
    tier: 'strong',
    weight: 3,
    re: /\barchitecture\b|\bdesign (?:the |a |an |our )?(?:[\w-]+ ){0,2}(?:system|service|module|schema|api|strategy|layer)\b|\bservice boundar\w*|\bmonolith\w*|\bmulti-tenant\b|\bdistributed\b|\bmicroservices?\b/,
    reason: 'a design across components',
  },
  {
    tier: 'strong',
    weight: 5,
    re: /\brace(?: condition)?\b|\bdeadlock\w*|\bthread[- ]safe\w*|\bconcurren\w+|\bmutex\w*|\block-free\b|\bgoroutines?\b|\bdata race\b|\bhangs?\b|\bcontention\b/,
    reason: 'a concurrency problem',
  },
  {
    tier: 'strong',
    weight: 5,
    re: /\bmemory (?:leak|grows|usage)\w*|\bleak(?:s|ing)?\b|\buse-after-free\b|\bdouble free\b|\bdangling\b|\boom\w*|outofmemory|\bmemory corruption\b|\bcorrupt(?:s|ed|ion)\b|\bbuffer overflow\b|\bout-of-bounds\b|\bundefined behaviou?r\b|\bout of memory\b|\bsegfault\w*|\blifetime issue\b/,
    reason: 'a memory bug',
  },
  {
    tier: 'strong',
    weight: 5,
    re: /\bsecurity\b|\bauth(?:entication|orization)?\b|\bjwt\b|\bsession tokens?\b|\bcredentials\b|\bencrypt\w*|\bvulnerab\w+|\bxss\b|\bcsrf\b|\binjection\b|\bowasp\b|\bexploit\w*|\bharden\w*|\bsupply[- ]chain\b|\banother user's\b|\bprivilege escalation\b/,
    reason: 'a security concern',
  },
  {
    tier: 'strong',
    weight: 3,
    re: /\bmigrat(?:e|ion|ing)\b|\bupgrad(?:e|ing) from\b|\bincrementally\b|\broll(?:ing)? (?:it )?out\b|\b(?:without|zero[- ])downtime\b|\brollback\b|\bdeprecat\w+|\bdisaster[- ]recovery\b/,
    reason: 'a migration or rollout plan',
  },
  {
    tier: 'strong',
    weight: 2.5,
    re: /\btrade-?offs?\b|\bdownsides?\b|\bdrawbacks?\b|\balternatives\b|\bwhich is better\b|\brisks?\b|\bfailure modes?\b|\bpros and cons\b|\bcompare\b|\bweigh\b|\bversus\b|\bvs\.? (?!code\b)\w|\bwhich (?:should|would) (?:we|you)\b|\bshould we use\b/,
    reason: 'a trade-off analysis',
  },
  {
    tier: 'strong',
    weight: 3,
    re: /\b(?:complete|full|whole|entire|comprehensive|end-to-end)\b[^.?!]{0,60}\b(?:api|app|setup|suite|backend|implementation|service|system|project|codebase)\b/,
    reason: 'long code generation',
  },
  {
    tier: 'strong',
    weight: 2,
    re: /\bintermittent\w*|\bonly crash\w*|\brandomly\b|\bnon-?deterministic\w*|\b(?:can't|cannot|hard to) reproduce\b|\bcertain (?:inputs|files|users|devices)\b|\bcan(?:'t|not) figure out\b|\bno idea why\b|\bonly (?:on|when|under|after)\b|\bloses?\b|\boccasionally\b|\bsometimes\b|\bstale\b|\bflaky\b|\bconsistency\b|\bunder (?:heavy )?load\b|\bsubtle\b/,
    reason: 'an intermittent or subtle failure',
  },
  {
    tier: 'strong',
    weight: 2,
    re: /\bacross (?:the |our |all |many |multiple |several |\d+ )?(?:\w+ )?(?:services|components|repos|clients|modules|files|teams|instances|nodes|servers|regions|the frontend|frontend)\b|\bin each (?:component|service)\b|\bend to end\b/,
    reason: 'spans several components',
  },
  {
    tier: 'strong',
    weight: 2,
    re: /\bwhat could be causing\b|\binvestigat\w+|\broot cause\b|\bwhere should (?:we|i) look\b|\bdiagnos\w+/,
    reason: 'an open-ended diagnosis',
  },
  { tier: 'strong', weight: 2, re: /\breview\b|\baudit\b|\bfind (?:the )?bugs\b/, reason: 'asks for a review' },
  { tier: 'strong', weight: 1.5, re: /\bplan\b|\bstrategy\b|\broadmap\b|\bpropose\b|\brecommend\w*|\brestructure\b/, reason: 'asks for a plan or proposal' },
  {
    tier: 'strong',
    weight: 1.5,
    re: /\b\d+(?:\.\d+)?\s?(?:k|m|tb|gb)\b|\b\d+\s?(?:million|billion)\b|\bat scale\b|\bpeak\b|\bexplain analyze\b|\b\d+x (?:slower|faster)\b|\blag(?:s|gy|ging)?\b|\bslow(?:er|ly|s)?\b|\bperformance\b|\bre-?render\w*|\bbottleneck\w*|\blatency\b|\bp9\d\b|\bthroughput\b/,
    reason: 'mentions scale or performance',
  },
  // balanced: ordinary coding help
  {
    tier: 'balanced',
    weight: 2.5,
    re: /(?:^|[.?!:]\s+|\b(?:please|can you|could you|help me|now|then|also|and)\s+)(?:write|implement|code up)\b|\b(?:create|generate|add|make|build|give me)\b[^.?!]{0,60}\b(?:function|script|test|tests|hook|class|query|regex|workflow|method|component|docstring|endpoint|cron|\.gitignore|dockerfile|type hints)\b/,
    reason: 'asks for one piece of code',
  },
  {
    tier: 'balanced',
    weight: 2,
    re: /\b(?:convert|translate|refactor|rewrite|port)\b[^.?!]{0,40}\b(?:function|code|snippet|this|to (?:async|typescript|python|java|go|rust))\b/,
    reason: 'asks to transform code',
  },
  {
    tier: 'balanced',
    weight: 2,
    re: /\bexplain\b|\bwhat does this\b|\bwhy does this\b|\bhow do i\b|\bhow can i\b|\bhow to\b|\bwhat's wrong\b|\bwhat is wrong\b/,
    reason: 'asks for an explanation or how-to',
  },
  {
    tier: 'balanced',
    weight: 2.5,
    re: /(?:error|exception)\b\W|\berror\[|\btraceback\b|\bfails? with\b|\bundefined:|\bcannot\b.*\bborrow\b|\bstack trace\b/,
    reason: 'includes an error message',
  },
  { tier: 'balanced', weight: 2, re: /\bsummari[sz]e\b|\bsummary\b|\bbullet points\b|\baction items\b|\btl;?dr\b/, reason: 'asks for a summary' },
  {
    tier: 'balanced',
    weight: 1.5,
    re: /\bregex\b|\bregular expression\b|\bsql\b|\bquery\b|\bpandas\b|\bunit test\b|\bpytest\b|\bjest\b/,
    reason: 'a regex, query or test',
  },
  { tier: 'balanced', weight: 2, re: /\bfix\b(?! the typo)|\bdebug\w*|\bbroken\b|\bdoesn't work\b|\bnot working\b/, reason: 'asks to fix something' },
  {
    tier: 'balanced',
    weight: 1.5,
    re: /\b(?:in|with|using) (?:python|javascript|js|typescript|ts|go|golang|rust|java|kotlin|c\+\+|c#|ruby|php|swift|bash|sql|react|node(?:\.js)?)\b/,
    reason: 'asks for code in a named language',
  },
  // fast: quick answers
  {
    tier: 'fast',
    weight: 5,
    re: /^\s*(?:hi|hello|hey|yo|thanks|thank you|thx|good (?:morning|evening|night|afternoon)|lol|ok(?:ay)?|cool|nice|great|bye)\b[^?]{0,25}$/,
    reason: 'small talk',
  },
  {
    tier: 'fast',
    weight: 2.5,
    re: /^\s*(?:define|what(?:'s| is| are| does)|who|which|when (?:was|did)|what year|how many \w+ (?:are )?in an? \w+|how do you say)\b/,
    reason: QUICK_FACT,
  },
  {
    tier: 'fast',
    weight: 3,
    re: /\b(?:convert )?\d+(?:\.\d+)?\s?(?:°?f|°?c|fahrenheit|celsius|miles?|km|kilometers?|kg|lbs?|pounds?|inches|cm|feet|ft|mph|gb|mb|kb)\b.{0,12}\b(?:to|in)\b|\b\d+%\s+of\b/,
    reason: 'a unit conversion or quick sum',
  },
  {
    tier: 'fast',
    weight: 3,
    re: /\brename\b|\bchange (?:this|that|it|the \w+) (?:\w+ )?to\b|\bmake (?:this|it) (?:sound )?(?:more |less )?\w+(?:er|al|ly)\b|\bsound (?:more )?\w+er\b|\btypo\b|\bcapitali[sz]e\b|\bspell\b|\bstand for\b|\bacronym\b|\bin one sentence\b|\bshorter\b|\bshorten\b|\breword\b|\bmore concise\b|\bmore formal\b|\brephrase\b|\btranslate '|\bsay that again\b/,
    reason: 'a small edit or rewrite',
  },
  { tier: 'fast', weight: 2.5, re: /^\s*(?:yes or no|yes\/no|is|are|does|do|can|could|will|should|was)\b[^?]{0,80}\?\s*$/, reason: 'a yes/no question' },
  {
    tier: 'fast',
    weight: 2,
    re: /\bkeyboard shortcut\b|\bdefault port\b|\bby default\b|\bdefault (?:branch|value)\b|\bwhat (?:does|is) the -{1,2}\w+ flag\b|\bflag of\b/,
    reason: 'a quick lookup',
  },
];

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
}

type Evidence = { tier: Tier; weight: number; reason: string };

function structuralEvidence(f: PromptFeatures): Evidence[] {
  const ev: Evidence[] = [];
  const push = (tier: Tier, weight: number, reason: string) => ev.push({ tier, weight, reason });
  // Length: short prompts lean fast, long ones need breadth.
  if (f.codeLines === 0 && f.selectionChars === 0) {
    if (f.words <= 6) push('fast', 3, 'very short');
    else if (f.words <= 14) push('fast', 2, 'short');
    else if (f.words <= 22) push('fast', 0.5, 'short');
  }
  if (f.words > 55) push('strong', f.words > 110 ? 3 : 1.5, `long request (${f.words} words)`);
  // Code.
  if (f.codeBlocks.length > 0) {
    const langs = [...new Set(f.codeBlocks.map((b) => b.language).filter(Boolean))];
    const what = `includes ${f.codeLines} lines of ${langs.length ? langs.join('/') : 'code'}`;
    push('balanced', 2.5, what);
    if (f.codeLines > 12) push('strong', 1.5, what);
    if (f.codeLines > 40) push('strong', 2, what);
    if (f.codeBlocks.some((b) => b.language === 'diff' || b.language === 'patch')) push('strong', 2, 'includes a diff');
  }
  // Files, symbols, services.
  const files = Math.max(f.files, f.statedFileCount);
  if (files >= 3) push('strong', files >= 5 ? 3.5 : 3, `mentions ${files} files`);
  else if (files >= 1) push('balanced', 1, `mentions ${files === 1 ? 'a file' : `${files} files`}`);
  if (f.statedServiceCount >= 2) push('strong', 2.5, `involves ${f.statedServiceCount} services or repos`);
  if (f.symbols >= 4) push('strong', 1, `mentions ${f.symbols} symbols`);
  else if (f.symbols >= 1 && f.codeLines === 0) push('balanced', 0.5, `mentions ${f.symbols === 1 ? 'a symbol' : `${f.symbols} symbols`}`);
  // Constraints: many of them turn a request into planning.
  if (f.constraints >= 4) push('reasoning', Math.min(4, f.constraints - 2), `${f.constraints} constraints`);
  if (f.numbers >= 4 && f.codeLines === 0) push('reasoning', 1.5, `${f.numbers} numbers to work with`);
  // Conversation depth: a long thread carries context a small model handles poorly.
  if (f.userTurns >= 4) push('strong', f.userTurns >= 8 ? 2 : 1, `conversation depth ${f.userTurns} turns`);
  if (f.conversationChars > 24_000) push('strong', 1.5, 'long conversation');
  // Attached selection.
  if (f.selectionChars > 0) {
    const size = f.selectionChars >= 1000 ? `${(f.selectionChars / 1000).toFixed(1)}k` : String(f.selectionChars);
    if (f.selectionChars >= 4000) push('strong', f.selectionChars >= 10_000 ? 4.5 : 3.5, `large selection (${size} chars)`);
    else if (f.selectionChars >= 300) push('balanced', 3, `selection of ${size} chars`);
    else push('fast', 1.5, `small selection (${size} chars)`);
  }
  if (f.hasImage) push('balanced', 1.5, 'includes an image');
  if (f.ownership >= 3 && f.words >= 30) push('strong', 1.5, 'about your own system');
  if (f.largeCodeMentioned) push('strong', 2, 'large or legacy code');
  if (f.codeConcurrency) push('strong', 2, 'the code uses concurrency primitives');
  if (f.quantities >= 2 && f.codeLines === 0 && /\?|\b(?:how|what|when|which|find)\b/.test(f.proseLower)) push('reasoning', 4, 'a word problem with numbers');
  if (f.enumeratedItems >= 5 && f.words >= 30) push('strong', 1.5, `asks for ${f.enumeratedItems} things at once`);
  return ev;
}

function cueEvidence(f: PromptFeatures): { ev: Evidence[]; critical: boolean } {
  const ev: Evidence[] = [];
  let critical = false;
  for (const cue of CUES) {
    if (cue.re.test(cue.tier === 'fast' ? f.proseLower.trim() : f.proseLower)) {
      ev.push({ tier: cue.tier, weight: cue.weight, reason: cue.reason });
      if (cue.critical) critical = true;
    } else if (cue.tier !== 'fast' && f.historyLower && cue.re.test(f.historyLower)) {
      ev.push({ tier: cue.tier, weight: cue.weight * HISTORY_WEIGHT, reason: `earlier in the conversation: ${cue.reason}` });
    }
  }
  // A short definitional question about a hard topic ("what is a mutex?") is still a definition.
  if (f.words <= 8 && f.codeLines === 0 && ev.some((e) => e.reason === QUICK_FACT)) {
    for (const e of ev) if (e.tier === 'strong' || e.tier === 'reasoning') e.weight *= 0.5;
  }
  return { ev, critical };
}

const BASE: Record<Tier, number> = { fast: 0, balanced: 1.5, strong: 0, reasoning: 0 };

function score(f: PromptFeatures): Scored {
  const { ev, critical } = cueEvidence(f);
  ev.push(...structuralEvidence(f));
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
  return { tier: chosen, confidence, reasons, scores, critical: critical && chosen === 'reasoning' };
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

/** Picks the model for `smart-select`: classify, then apply the budget, then map the tier to the configured model. */
export function selectModel(input: SelectInput, config: Config, budget?: BudgetStatus): SelectionDecision {
  const s = score(extractFeatures(input));
  let tier = s.tier;
  const reasons = [...s.reasons];
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
