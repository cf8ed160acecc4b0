// Runs dependency-cruiser with the rules of .dependency-cruiser.cjs over src/ and media/: prints each violation and
// exits 1 when there is one (`npm run lint`), or with `--picture` prints src/core's rooms as a Graphviz dot graph, or
// with `--mermaid` the rooms of src/ and media/ as a Mermaid flowchart (for docs/architecture.md; no Graphviz needed).
// Through the API rather than the `depcruise` CLI: the CLI refuses Node 20 (dependency-cruiser 18 declares Node 22+),
// which Switchboard still supports; the API it wraps runs there unchanged.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ICruiseOptions, ICruiseResult, IForbiddenRuleType } from 'dependency-cruiser';

/** dependency-cruiser is ESM-only: loaded with import(), which CommonJS scripts and tests may use. */
const cruiser = () => import('dependency-cruiser');

const ROOT = join(__dirname, '..');

export interface ArchitectureConfig {
  forbidden: IForbiddenRuleType[];
  options: ICruiseOptions;
}

/** The rules and options of .dependency-cruiser.cjs. */
export function architectureConfig(): ArchitectureConfig {
  return createRequire(__filename)(join(ROOT, '.dependency-cruiser.cjs')) as ArchitectureConfig;
}

export interface CheckOptions {
  /** The directory the paths (and the rules' path patterns) are relative to. */
  baseDir?: string;
  paths?: string[];
}

/** Cruises `paths` (src and media) and validates them against the rules. */
export async function checkArchitecture(opts: CheckOptions = {}): Promise<ICruiseResult> {
  const { forbidden, options } = architectureConfig();
  const { cruise } = await cruiser();
  const result = await cruise(opts.paths ?? ['src', 'media'], { ...options, baseDir: opts.baseDir ?? ROOT, validate: true, ruleSet: { forbidden } });
  return result.output as ICruiseResult;
}

/** One box per room: src/core's rooms, src/vscode, each other folder or file under src/, each webview under media/. */
const ROOMS = '^src/core/[^/]+|^src/vscode|^src/[^/]+|^media/[^/]+';

async function main(): Promise<void> {
  if (process.argv.includes('--mermaid')) {
    const { options } = architectureConfig();
    const { cruise } = await cruiser();
    const picture = await cruise(['src', 'media'], { ...options, baseDir: ROOT, includeOnly: '^(?:src|media)/', collapse: ROOMS, outputType: 'mermaid' });
    process.stdout.write(String(picture.output));
    return;
  }
  if (process.argv.includes('--picture')) {
    const { options } = architectureConfig();
    const { cruise } = await cruiser();
    const picture = await cruise(['src/core'], { ...options, baseDir: ROOT, includeOnly: '^src/core/', collapse: '^src/core/[^/]+', outputType: 'dot' });
    process.stdout.write(String(picture.output));
    return;
  }
  const { summary } = await checkArchitecture();
  for (const v of summary.violations) {
    const via = v.cycle?.length ? ` (cycle: ${[v.from, ...v.cycle.map((c) => c.name)].join(' → ')})` : '';
    console.error(`${v.rule.severity}: ${v.rule.name}: ${v.from} → ${v.to}${via}`);
  }
  if (summary.error > 0) {
    console.error(`dependency-cruiser: ${summary.error} forbidden import(s); the rules and why are in .dependency-cruiser.cjs.`);
    process.exit(1);
  }
  console.log(`dependency-cruiser: no forbidden imports (${summary.totalCruised} modules, ${summary.totalDependenciesCruised} dependencies).`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
