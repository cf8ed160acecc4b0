// The model an agent's request goes to. Agents name their own vendor's models (Claude Code `claude-opus-4-8`,
// `claude-haiku-4-5`; Codex `gpt-5-codex`); `switchboard.agents.models` maps those names (or globs of them) to a
// model id, an alias, `smart-select` or a tier. Every dialect of the local gateway asks here, so one setting routes
// every agent. The note says what happened, for the routing log.
import type { Config } from '../core/config/settings';
import { TIERS, type Tier } from '../core/base/types';
import { SMART_SELECT } from '../core/config/names';
import { logSafe } from './untrusted';

export interface AgentModel {
  /** What the router is asked for: a model id, an alias or `smart-select`. */
  model: string;
  /** How the name was mapped (undefined when it was used as it is). */
  note?: string;
}

export interface AgentModelOptions {
  /**
   * What a name no rule matches becomes. `smart-select` for the agent dialects (an agent's names mean nothing to
   * Switchboard's upstreams), except names in our `provider/model` form, which no agent vendor uses; `as-is` for
   * OpenAI Chat Completions, whose clients already name our models.
   */
  unmatched: 'smart-select' | 'as-is';
}

const TIER_NAMES: ReadonlySet<string> = new Set(TIERS);
const SETTING = 'switchboard.agents.models';

interface Rule {
  pattern: string;
  test: (name: string) => boolean;
  target: string;
}

const compiled = new WeakMap<Record<string, string>, Rule[]>();

/** Characters `.` (what `*` and `?` stood for) never matched: a wildcard does not cross them. */
const LINE_BREAK = /[\n\r\u2028\u2029]/;

/** A character as a case-insensitive comparison sees it (what a regular expression's `i` flag compares). */
function fold(c: string): string {
  const u = c.toUpperCase();
  return u.length === 1 && !(c.charCodeAt(0) >= 128 && u.charCodeAt(0) < 128) ? u : c;
}

/**
 * Whether `name` matches `glob` (`*` any run, `?` any one character, case-insensitive): two pointers and one
 * backtrack point, the last `*`. A later `*` makes every earlier choice final, so the work is at most
 * glob length × name length steps (a regular expression's backtracking was exponential in the number of `*`s).
 * Neither string holds a line break here (wildcardMatch splits at them).
 */
function matchLine(glob: readonly string[], name: readonly string[]): boolean {
  let g = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (g < glob.length && glob[g] === '*') {
      star = g++;
      resume = n;
    } else if (g < glob.length && (glob[g] === '?' || glob[g] === name[n])) {
      g++;
      n++;
    } else if (star >= 0) {
      g = star + 1;
      n = ++resume;
    } else return false;
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}

/** A glob against a name, line by line: a wildcard never matches a line break (as `.` did), a literal one matches itself. */
export function wildcardMatch(glob: string, name: string): boolean {
  const globLines = glob.split(LINE_BREAK);
  const nameLines = name.split(LINE_BREAK);
  if (globLines.length !== nameLines.length) return false;
  const breaks = (s: string) => s.replace(/[^\n\r\u2028\u2029]/g, '');
  if (globLines.length > 1 && breaks(glob) !== breaks(name)) return false;
  return globLines.every((line, i) =>
    matchLine(
      line.split('').map((c) => (c === '*' || c === '?' ? c : fold(c))),
      nameLines[i].split('').map(fold),
    ),
  );
}

function globTest(glob: string): (name: string) => boolean {
  if (!/[*?]/.test(glob)) {
    const lower = glob.toLowerCase();
    return (name) => name.toLowerCase() === lower;
  }
  return (name) => wildcardMatch(glob, name);
}

/** Exact names first (so `claude-opus-4-8` beats `claude-*`), then globs in the order the user wrote them. */
function rulesOf(models: Record<string, string>): Rule[] {
  let rules = compiled.get(models);
  if (!rules) {
    const entries = Object.entries(models).map(([pattern, target]) => ({ pattern, test: globTest(pattern), target }));
    rules = [...entries.filter((r) => !/[*?]/.test(r.pattern)), ...entries.filter((r) => /[*?]/.test(r.pattern))];
    compiled.set(models, rules);
  }
  return rules;
}

/** Maps an agent's model name through `switchboard.agents.models`. */
export function resolveAgentModel(
  name: string,
  config: Pick<Config, 'agents' | 'smartSelect'>,
  opts: AgentModelOptions = { unmatched: 'smart-select' },
): AgentModel {
  const rule = rulesOf(config.agents.models).find((r) => r.test(name));
  // The name is the client's, the pattern and target a workspace's: the note goes to the routing log.
  const shown = logSafe(name);
  if (rule) {
    const pattern = logSafe(rule.pattern);
    const by = rule.pattern === name ? `${SETTING} "${pattern}"` : `${SETTING} "${pattern}" matches "${shown}"`;
    if (TIER_NAMES.has(rule.target)) {
      const model = config.smartSelect.tiers[rule.target as Tier];
      return { model, note: `agent model ${shown} → ${rule.target} tier → ${logSafe(model)} (${by})` };
    }
    return { model: rule.target, note: `agent model ${shown} → ${logSafe(rule.target)} (${by})` };
  }
  if (opts.unmatched === 'as-is' || name === SMART_SELECT || name.includes('/')) return { model: name };
  return { model: SMART_SELECT, note: `agent model ${shown} → ${SMART_SELECT} (no rule in ${SETTING} names it)` };
}
