// Runs every bench/*.bench.ts module and writes bench/results.json. Each module's default export takes
// { quick } and returns a flat record of named figures (ratios are computed inside the module against a baseline
// run in the same process; never compare across runs). `npm run bench -- --quick` is the CI variant.
// `npm run bench -- router` runs only modules whose file name contains "router".
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchOptions {
  quick: boolean;
}
export type BenchModule = { default: (opts: BenchOptions) => Promise<Record<string, unknown>> };

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args.filter((a) => !a.startsWith('--'));
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const results: Record<string, unknown> = { date: new Date().toISOString(), quick, node: process.version };
  let failed = false;
  for (const f of files) {
    const name = f.replace(/\.bench\.ts$/, '');
    const started = performance.now();
    process.stdout.write(`bench ${name} ...\n`);
    try {
      const mod = (await import(join(__dirname, f))) as BenchModule;
      const figures = await mod.default({ quick });
      results[name] = figures;
      for (const [k, v] of Object.entries(figures)) process.stdout.write(`  ${k}: ${JSON.stringify(v)}\n`);
    } catch (e) {
      failed = true;
      results[name] = { error: String(e instanceof Error ? e.stack : e) };
      process.stdout.write(`  FAILED: ${e instanceof Error ? e.message : String(e)}\n`);
    }
    process.stdout.write(`  (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  writeFileSync(join(__dirname, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(`wrote bench/results.json\n`);
  process.exit(failed ? 1 : 0);
}

void main();
