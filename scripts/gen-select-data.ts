// Builds the labelled smart-select data from test/fixtures/select/source: one <lang>.txt per language (sections
// `## <tier>`, a `-- heldout` line splitting each section into train and held-out prompts) and snippets.txt (pasted
// code and logs, `=== NAME` then the text). `{{NAME}}` in a prompt is replaced by a newline and that snippet.
// Writes test/fixtures/select/train/<lang>.jsonl and test/fixtures/select/heldout/<lang>.jsonl.
// Usage: npx tsx scripts/gen-select-data.ts
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TIERS as TIER_LIST } from '../src/core/base/types';

const root = join(__dirname, '..', 'test', 'fixtures', 'select');
const source = join(root, 'source');
const TIERS = new Set<string>(TIER_LIST);

function readSnippets(): Map<string, string> {
  const snippets = new Map<string, string>();
  for (const part of readFileSync(join(source, 'snippets.txt'), 'utf8').split(/^=== /m).slice(1)) {
    const nl = part.indexOf('\n');
    snippets.set(part.slice(0, nl).trim(), part.slice(nl + 1).trimEnd());
  }
  return snippets;
}

function expand(line: string, snippets: Map<string, string>, where: string): string {
  return line.replace(/\s*\{\{(\w+)\}\}/g, (_m, name: string) => {
    const s = snippets.get(name);
    if (s === undefined) throw new Error(`${where}: unknown snippet {{${name}}}`);
    return '\n' + s;
  });
}

const snippets = readSnippets();
for (const dir of ['train', 'heldout']) mkdirSync(join(root, dir), { recursive: true });
for (const file of readdirSync(source)
  .filter((f) => f.endsWith('.txt') && f !== 'snippets.txt')
  .sort()) {
  const lang = file.replace(/\.txt$/, '');
  const out: Record<'train' | 'heldout', string[]> = { train: [], heldout: [] };
  let tier = '';
  let split: 'train' | 'heldout' = 'train';
  readFileSync(join(source, file), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const where = `${file}:${i + 1}`;
      if (!line.trim()) return;
      if (line.startsWith('## ')) {
        tier = line.slice(3).trim();
        if (!TIERS.has(tier)) throw new Error(`${where}: unknown tier "${tier}"`);
        split = 'train';
      } else if (line.trim() === '-- heldout') split = 'heldout';
      else if (!tier) throw new Error(`${where}: a prompt before the first "## <tier>" line`);
      else out[split].push(JSON.stringify({ lang, tier, prompt: expand(line.trim(), snippets, where) }));
    });
  for (const s of ['train', 'heldout'] as const) writeFileSync(join(root, s, `${lang}.jsonl`), out[s].join('\n') + '\n');
  process.stdout.write(`${lang}: ${out.train.length} train, ${out.heldout.length} held out\n`);
}
