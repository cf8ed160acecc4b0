// Cheap, deterministic features of a chat request for smart-select. No tokenizer, no model: a handful of linear
// scans over the text, so a decision costs microseconds even for long prompts.
import { contentText } from '../prompt/messages';
import { allTerms, CONSTRAINT_TERMS, QUANTITY_UNITS, termMatcher } from './lexicon';
import type { AgentTraits, ChatCompletionMessageParam } from '../base/types';

export interface SelectInput {
  messages: ChatCompletionMessageParam[];
  /** characters of an attached editor selection, if any */
  selectionChars?: number;
  /** Set for an agent's request (see agent.ts). */
  agent?: AgentTraits;
  /** Number of tools the request offers the model. */
  tools?: number;
}

export interface CodeBlock {
  /** Fence tag (`ts`, `diff`, ...) or '' when untagged / unfenced. */
  language: string;
  lines: number;
}

export interface PromptFeatures {
  /** The last user message with code blocks removed, capped for scanning (see SCAN_LIMIT). */
  prose: string;
  /** Same, lower-cased, with quoted passages elided ("shorten this: '…'"): text to operate on is not the ask. */
  proseLower: string;
  /** Earlier user turns' prose (capped), lower-cased; cues found here count for less. */
  historyLower: string;
  /** Characters of the last user message, code included. */
  chars: number;
  /** Length in word-sized units whatever the script: words where spaces separate them, ~1.7 Han/kana characters each. */
  words: number;
  codeBlocks: CodeBlock[];
  codeLines: number;
  /** Distinct file names and directory paths mentioned in the prose. */
  files: number;
  /** Largest count stated in words, e.g. "25 files", "8 services". */
  statedFileCount: number;
  statedServiceCount: number;
  /** Distinct code identifiers mentioned in the prose (backticked, called, camelCase, snake_case). */
  symbols: number;
  /** Numeric tokens in the prose. */
  numbers: number;
  /** Constraint words (must, at least, no more than, ...). */
  constraints: number;
  /** Bulleted or numbered lines. */
  listItems: number;
  /** Most comma-separated items in one sentence: "loader, sandboxing, a versioned API and hot reload" → 4. */
  enumeratedItems: number;
  /** User turns in the conversation, including the last. */
  userTurns: number;
  /** Characters of the whole conversation. */
  conversationChars: number;
  selectionChars: number;
  hasImage: boolean;
  /** Quantities with units or currency ("60 mph", "$1.10", "20%", "3 hours"): the stuff of word problems. */
  quantities: number;
  /** "we", "our", "us": the request is about the asker's own system, which usually carries unstated context. */
  ownership: number;
  /** "a 600-line controller", "300k lines", "legacy": code too big to paste. */
  largeCodeMentioned: boolean;
  /** The code blocks use locks, threads, tasks or atomics. */
  codeConcurrency: boolean;
  /** Lines of a stack trace, compiler error or log (language-independent: their shape, not their words). */
  traceLines: number;
  /** Those lines, lower-cased and capped: only cues about what logs say (OOMKilled, CrashLoopBackOff) read them. */
  traceLower: string;
  /** Formulas: f(x) =, x^3, ∈, √, ∑ … */
  hasMath: boolean;
  /** The code is a database query plan (EXPLAIN output). */
  queryPlan: boolean;
  /** The prompt asks something (?, ？, ؟). */
  asksQuestion: boolean;
  /** The prompt quotes a passage to work on ("make this more polite: '…'"). */
  quotesText: boolean;
}

/** Prose beyond this is not scanned for cues: the head carries the ask, the tail often restates it. */
const SCAN_HEAD = 3000;
const SCAN_TAIL = 1000;

function messageText(m: ChatCompletionMessageParam): { text: string; hasImage: boolean } {
  const c = m.content;
  return { text: contentText(c), hasImage: Array.isArray(c) && c.some((part) => part.type === 'image_url') };
}

function capForScan(s: string): string {
  return s.length <= SCAN_HEAD + SCAN_TAIL ? s : s.slice(0, SCAN_HEAD) + '\n' + s.slice(-SCAN_TAIL);
}

const FENCE = /```([\w+#.-]*)[^\n]*\n([\s\S]*?)(?:```|$)/g;
const CODE_LINE = /^\s*(?:[{}]|.*[;{}]\s*$|(?:def|class|function|import|from|return|const|let|var|func|fn|pub|public|private|if|for|while|#include)\b)/;

/** Splits fenced code from prose; unfenced runs of ≥ 3 code-looking lines count as one untagged block. */
function splitCode(text: string): { prose: string; blocks: CodeBlock[]; code: string } {
  const blocks: CodeBlock[] = [];
  let code = '';
  let prose = text.replace(FENCE, (_m, lang: string, body: string) => {
    blocks.push({ language: lang.toLowerCase(), lines: body.split('\n').filter((l) => l.trim()).length });
    if (code.length < SCAN_HEAD) code += body.slice(0, SCAN_HEAD);
    return ' ';
  });
  if (blocks.length === 0 && prose.includes('\n')) {
    const kept: string[] = [];
    let run = 0;
    let runLines: string[] = [];
    const flush = () => {
      if (run >= 3) {
        blocks.push({ language: '', lines: run });
        code += runLines.join('\n');
      } else kept.push(...runLines);
      run = 0;
      runLines = [];
    };
    for (const line of prose.split('\n')) {
      if (CODE_LINE.test(line) && !/^\s*[-*]\s/.test(line)) {
        run++;
        runLines.push(line);
      } else {
        flush();
        kept.push(line);
      }
    }
    flush();
    prose = kept.join('\n');
  }
  return { prose, blocks, code };
}

const oneOf = (terms: readonly string[]) => terms.join('|');

const FILE_EXTENSIONS = [
  ...['tsx?', 'jsx?', 'mjs', 'cjs', 'py', 'go', 'rs', 'java', 'kt', 'kts', 'c', 'h', 'cpp', 'hpp', 'cc', 'cs', 'rb', 'php', 'swift', 'scala', 'sql'],
  ...['json', 'ya?ml', 'toml', 'md', 'html', 'css', 'scss', 'sh', 'tf', 'proto', 'gradle', 'xml', 'vue', 'svelte', 'lock', 'env', 'ini', 'cfg', 'conf'],
];
const FILE_EXT = oneOf(FILE_EXTENSIONS);
const FILE_RE = new RegExp(String.raw`(?:^|[\s\`'"(,])((?:[\w.-]+/)*[\w-]+\.(?:${FILE_EXT}))(?=$|[\s\`'"),.:;!?])`, 'gi');
/** `orders/`, `src/plugins/` — a directory named in prose. Excludes URLs and fractions like 1/2. */
const DIR_RE = /(?:^|[\s`'"(,])((?:[a-z_][\w.-]*\/)+)(?=$|[\s`'"),.:;!?])/gi;
const STATED_COUNT_RE =
  /\b(\d+)\s+(?:\w+\s)?(files|modules|packages|services|microservices|repos|repositories|components|frontends|backends|collections|tables)\b/gi;
/** A shape of code identifier, and the character it cannot match without (its scan is skipped when absent). */
interface SymbolShape {
  re: RegExp;
  needs?: string;
}
const SYMBOL_RES: readonly SymbolShape[] = [
  { re: /`([A-Za-z_$][\w$.]*(?:\(\))?)`/g, needs: '`' }, // `getUser`
  { re: /\b([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\((?:[^()]{0,40})\)/g, needs: '(' }, // foo(x), obj.method()
  { re: /\b([a-z]+[A-Z][A-Za-z0-9]*)\b/g }, // camelCase
  { re: /\b([a-z]+_[a-z0-9_]+)\b/g, needs: '_' }, // snake_case
];
const UNITS = [
  ...['hours?', 'hrs?', 'minutes?', 'days?', 'weeks?', 'months?', 'years?', 'meters?', 'metres?', 'km', 'miles?', 'mph', 'kg', 'grams?', 'liters?', 'litres?'],
  ...['people', 'persons', 'guests', 'workers', 'balls?', 'coins?', 'cents?', 'cards?', 'dice', 'pm', 'am'],
];
const QUANTITY_RE = new RegExp(String.raw`(?:\$\d[\d,]*(?:\.\d+)?|\b\d[\d,]*(?:\.\d+)?\s?(?:%|percent\b|(?:${oneOf(UNITS)})\b))`, 'gi');
const CONCURRENCY_IN_CODE = [
  ...['mutex', 'Mutex', 'RWMutex', 'Lock', 'lock\\(', 'synchronized', 'Thread', 'thread::spawn', 'tokio::spawn', 'go func', 'goroutine', 'create_task'],
  ...['asyncio\\.gather', 'Promise\\.all', 'Atomic\\w*', 'atomic\\.', 'std::thread', 'ConcurrentHashMap', 'ThreadPool\\w*', 'Semaphore', 'chan\\b', 'mpsc'],
];
const CONCURRENCY_CODE_RE = new RegExp(String.raw`\b(?:${oneOf(CONCURRENCY_IN_CODE)})\b`);
/** A quoted passage of some length; the quotes must sit at word edges so apostrophes ("can't") do not pair up. */
const QUOTED_RE = /(^|[\s:(：])(['"“‘«「„])([^\n]{12,400}?)(['"”’»」“])(?=$|[\s.,;:!?)。？])/g;
const NUMBER_RE = /(?:^|[^\w.])\$?\d[\d,]*(?:\.\d+)?/g;
const CONSTRAINT_WORDS = [
  ...['must(?: not)?', 'at least', 'at most', 'no more than', 'no fewer than', 'exactly', 'never', 'nobody', 'no two', 'none of', 'may not', 'cannot'],
  ...["can't", 'only if', 'unless', 'at most', 'within', 'every', 'each', 'avoid', 'forbidden', 'not allowed', 'required?', 'constraints?'],
];
const CONSTRAINT_RE = new RegExp(String.raw`\b(?:${oneOf(CONSTRAINT_WORDS)})\b`, 'gi');

const CONSTRAINT_I18N = termMatcher(allTerms(CONSTRAINT_TERMS));
const QUANTITY_I18N_RE = new RegExp(String.raw`\d[\d,.]*\s?(?:${QUANTITY_UNITS.join('|')})|(?:R\$|€|£)\s?\d`, 'gi');
/** Han characters and kana: no spaces between words, so length is counted in characters. */
const CHARS_PER_HAN_WORD = 1.7;
/** Python/JS/Java/Rust/Go traces, compiler errors and timestamped log lines. */
const TRACE_LINE_SHAPES = [
  String.raw`\s+at [\w$.<>]+ ?\(`, // JS/Java frames
  String.raw`\s+File "[^"]+", line \d+`, // Python frames
  String.raw`Traceback \(most recent`,
  'Exception in thread',
  String.raw`\s*-->\s+\S+:\d+:\d+`, // rustc
  String.raw`error\[E\d+\]`,
  String.raw`\w+(?:Error|Exception)\b.*:`,
  String.raw`\s+\S+\.(?:go|rs|py|java|js|ts):\d+`,
  String.raw`\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d`, // timestamps
  'panic:',
  'WARNING: DATA RACE',
  '={10,}',
  String.raw`goroutine \d+ \[`,
  String.raw`exit status \d`,
  String.raw`\t\S`,
  String.raw`[\w.$*()]+\(.*\)\s*$`, // a call on its own line
  String.raw`\S+ {2,}\S+ {2,}\S+`, // columns (kubectl, ps)
];
const TRACE_LINE_RE = new RegExp(`^(?:${oneOf(TRACE_LINE_SHAPES)})`, 'gm');
const MATH_RE = /[∈∑∫√≤≥≠∞∀∃²³]|\b[a-z]\^\d|\b[a-z]\([a-z]\)\s*=/;

const QUERY_PLAN_RE = /\b(?:Seq Scan|Index Scan|Execution Time|Hash Join|Nested Loop|Rows Removed by Filter)\b/;
const TRACE_LINE = new RegExp(TRACE_LINE_RE.source);

/** Pasted traces and logs are evidence by their shape; their words ("assignment", "error") are not the ask. */
function splitTraces(prose: string): { prose: string; traceLines: number; traceLower: string } {
  if (!prose.includes('\n')) return { prose, traceLines: 0, traceLower: '' };
  const kept: string[] = [];
  let traceLines = 0;
  let trace = '';
  for (const line of prose.split('\n')) {
    if (TRACE_LINE.test(line)) {
      traceLines++;
      if (trace.length < SCAN_TAIL) trace += line.slice(0, 300) + '\n';
    } else kept.push(line);
  }
  return { prose: traceLines ? kept.join('\n') : prose, traceLines, traceLower: trace.toLowerCase() };
}

const isSpace = (c: number) =>
  c === 32 ||
  (c >= 9 && c <= 13) ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;
const isHanKana = (c: number) => (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff);
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Word-sized units: whitespace-separated tokens that carry a letter or digit, plus Han/kana runs by characters
 * (a Han or kana character also ends a token). One pass over the characters.
 */
function lengthInWords(prose: string): number {
  let han = 0;
  let tokens = 0;
  let counted = false;
  for (let i = 0; i < prose.length; i++) {
    const c = prose.charCodeAt(i);
    if (isHanKana(c)) {
      han++;
      counted = false;
    } else if (isSpace(c)) counted = false;
    else if (!counted) {
      const letter =
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)
          ? true
          : c >= 0xaa && LETTER_OR_DIGIT.test(c >= 0xd800 && c <= 0xdbff ? prose.slice(i, i + 2) : prose[i]);
      if (letter) {
        tokens++;
        counted = true;
      }
    }
  }
  return tokens + Math.round(han / CHARS_PER_HAN_WORD);
}

function countMatches(re: RegExp, s: string, limit = Infinity): number {
  re.lastIndex = 0;
  let n = 0;
  while (n < limit && re.exec(s)) n++;
  return n;
}

const HAS_DIGIT = /\d/;
const LIST_ITEM_RE = /^\s*(?:[-*•]|\d+[.)])\s+\S/gm;
const OWNERSHIP_RE = /\b(?:we|our|us|we're|we've)\b/gi;
const LARGE_CODE_RE = /\b\d{3,}[- ]lines?\b|\b\d+k(?:[- ]lines?| loc)\b|\blegacy\b/i;
const LEGACY_RE = /\blegacy\b/i;
const URL_START = /^(?:https?:|www\.)/i;

function collectPaths(re: RegExp, prose: string, into: Set<string>): void {
  re.lastIndex = 0;
  for (let m = re.exec(prose); m; m = re.exec(prose)) if (!URL_START.test(m[1])) into.add(m[1].toLowerCase());
}

function distinctCaptures(res: readonly SymbolShape[], s: string): number {
  const seen = new Set<string>();
  for (const { re, needs } of res) {
    if (needs && !s.includes(needs)) continue;
    re.lastIndex = 0;
    for (let m = re.exec(s); m; m = re.exec(s)) seen.add(m[1]);
  }
  return seen.size;
}

function statedCounts(s: string): { files: number; services: number } {
  let files = 0;
  let services = 0;
  STATED_COUNT_RE.lastIndex = 0;
  for (let m = STATED_COUNT_RE.exec(s); m; m = STATED_COUNT_RE.exec(s)) {
    const n = Number(m[1]);
    if (/services|microservices|frontends|backends|repos|repositories/i.test(m[2])) services = Math.max(services, n);
    else files = Math.max(files, n);
  }
  return { files, services };
}

/** "Summarize these notes: …" — what follows the colon is material to work on, not the ask, so its cues do not count. */
const MATERIAL_VERBS = [
  'summari[sz]e',
  'tl;?dr',
  'rewrite',
  'rephrase',
  'reword',
  'shorten',
  'translate',
  'proofread',
  'make this',
  'fix the (?:typo|grammar|spelling)',
  'capitali[sz]e',
];
const MATERIAL_ASK = new RegExp(String.raw`^\s*(?:please\s+)?(?:${oneOf(MATERIAL_VERBS)})\b[^:\n]{0,80}:`, 'i');

function askOnly(prose: string): string {
  const m = MATERIAL_ASK.exec(prose);
  return m ? m[0] + ' …' : prose;
}

function maxEnumerated(prose: string): number {
  const firstComma = prose.indexOf(',');
  if (firstComma < 0 || prose.indexOf(',', firstComma + 1) < 0) return 0; // a sentence needs two commas to count
  let most = 0;
  for (const sentence of prose.split(/[.?!\n]+(?:\s|$)/)) {
    const commas = countMatches(/,/g, sentence);
    if (commas >= 2) most = Math.max(most, commas + (/\b(?:and|or)\b[^,]*$/.test(sentence) ? 2 : 1));
  }
  return most;
}

export function extractFeatures(input: SelectInput): PromptFeatures {
  const msgs = input.messages;
  let lastUser = -1;
  for (let i = msgs.length - 1; i >= 0; i--) {
    if (msgs[i].role === 'user') {
      lastUser = i;
      break;
    }
  }
  let conversationChars = 0;
  let userTurns = 0;
  let history = '';
  let hasImage = false;
  let last = '';
  for (let i = 0; i < msgs.length; i++) {
    const { text, hasImage: img } = messageText(msgs[i]);
    conversationChars += text.length;
    if (msgs[i].role !== 'user') continue;
    userTurns++;
    if (i === lastUser) {
      last = text;
      hasImage = img;
    } else if (history.length < SCAN_HEAD) {
      history += '\n' + splitCode(text).prose.slice(0, SCAN_HEAD - history.length);
    }
  }
  const { prose: withTraces, blocks, code } = splitCode(last);
  const { prose: fullProse, traceLines, traceLower } = splitTraces(withTraces);
  const prose = capForScan(fullProse);
  const fileNames = new Set<string>();
  // Each scan below runs only when the character it cannot match without is there.
  if (prose.includes('.')) collectPaths(FILE_RE, prose, fileNames);
  if (prose.includes('/')) collectPaths(DIR_RE, prose, fileNames);
  const digits = HAS_DIGIT.test(prose);
  const stated = digits ? statedCounts(prose) : { files: 0, services: 0 };
  const words = lengthInWords(prose);
  const listItems = countMatches(LIST_ITEM_RE, prose);
  return {
    prose,
    proseLower: askOnly(prose).replace(QUOTED_RE, '$1$2…$4').toLowerCase(),
    historyLower: history.toLowerCase(),
    chars: last.length,
    words,
    codeBlocks: blocks,
    codeLines: blocks.reduce((n, b) => n + b.lines, 0),
    files: fileNames.size,
    statedFileCount: stated.files,
    statedServiceCount: stated.services,
    symbols: distinctCaptures(SYMBOL_RES, prose),
    numbers: digits ? countMatches(NUMBER_RE, prose) : 0,
    constraints: countMatches(CONSTRAINT_RE, prose) + CONSTRAINT_I18N.count(prose.toLowerCase()),
    listItems,
    enumeratedItems: maxEnumerated(prose),
    userTurns,
    conversationChars,
    selectionChars: Math.max(0, input.selectionChars ?? 0),
    hasImage,
    quantities: digits ? countMatches(QUANTITY_RE, prose) + countMatches(QUANTITY_I18N_RE, prose) : 0,
    ownership: countMatches(OWNERSHIP_RE, prose),
    largeCodeMentioned: (digits ? LARGE_CODE_RE : LEGACY_RE).test(prose),
    codeConcurrency: CONCURRENCY_CODE_RE.test(code),
    traceLines,
    traceLower,
    queryPlan: QUERY_PLAN_RE.test(code),
    hasMath: MATH_RE.test(prose),
    asksQuestion: /[?？؟]/.test(prose),
    quotesText: countMatches(QUOTED_RE, prose, 1) > 0,
  };
}
