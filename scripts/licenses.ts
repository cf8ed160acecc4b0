// Lists the third-party packages that ship in the .vsix, with their licenses, into THIRD_PARTY_LICENSES.md: those
// bundled into dist/*.js (from esbuild's metafile for the same entry points esbuild.js builds, so a dev dependency
// that is bundled — markdown-it, DOMPurify, … — is listed and a runtime dependency never imported is not), and those
// whose files esbuild.js copies as they are (the Codicons font and CSS).
//   node --import tsx scripts/licenses.ts           write THIRD_PARTY_LICENSES.md
//   node --import tsx scripts/licenses.ts --check   after a build: fail if the file is out of date, a license is not
//                                                   allowed, or a file the .vsix ships comes from nowhere we know
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const OUT = join(ROOT, 'THIRD_PARTY_LICENSES.md');
/** Licenses compatible with shipping inside an MIT extension. Anything else fails `--check`. */
const ALLOWED = new Set([
  'MIT',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'Apache-2.0',
  '0BSD',
  'CC0-1.0',
  'Unlicense',
  'BlueOak-1.0.0',
  'Python-2.0',
  'CC-BY-4.0',
]);

interface Bundle {
  name: string;
  options: BuildOptions;
}

/** A file esbuild.js copies into dist/ as it is; paths relative to the project root. */
export interface StaticCopy {
  from: string;
  to: string;
}

const staticCopies = (): StaticCopy[] => (require(join(ROOT, 'esbuild.js')) as { staticCopies: (root: string) => StaticCopy[] }).staticCopies(ROOT);

// As in esbuild.js: the tokenizer's tables are their own file, required by the node bundles at run time.
const TOKENIZER = 'gpt-tokenizer/encoding/o200k_base';
const tokenizerAsSibling: Plugin = {
  name: 'tokenizer-as-sibling',
  setup(b) {
    b.onResolve({ filter: /^gpt-tokenizer\/encoding\/o200k_base$/ }, () => ({ path: './tokenizer.js', external: true }));
  },
};

/** The bundles esbuild.js builds, under the same output names (so their outputs can be matched with what ships). */
function bundles(): Bundle[] {
  const common: BuildOptions = { absWorkingDir: ROOT, bundle: true, write: false, metafile: true, logLevel: 'silent', outdir: join(ROOT, 'dist') };
  const node: BuildOptions = {
    ...common,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    mainFields: ['module', 'main'],
    plugins: [tokenizerAsSibling],
  };
  const list: Bundle[] = [
    { name: 'dist/extension.js', options: { ...node, external: ['vscode', './features.js'], entryPoints: { extension: join(ROOT, 'src/boot.ts') } } },
    { name: 'dist/features.js', options: { ...node, entryPoints: { features: join(ROOT, 'src/extension.ts') } } },
    { name: 'dist/cli.js', options: { ...node, entryPoints: { cli: join(ROOT, 'src/cli.ts') } } },
    { name: 'dist/core.js', options: { ...node, entryPoints: { core: join(ROOT, 'src/coreBundle.ts') } } },
    { name: 'dist/tokenizer.js', options: { ...common, entryPoints: { tokenizer: TOKENIZER }, platform: 'node', format: 'cjs', target: 'node20' } },
  ];
  for (const view of ['chat', 'usage']) {
    const entry = join(ROOT, 'media', view, 'main.ts');
    if (existsSync(entry))
      list.push({
        name: `dist/media/${view}.js`,
        options: {
          ...common,
          entryPoints: { [view]: entry },
          outdir: join(ROOT, 'dist/media'),
          platform: 'browser',
          format: 'iife',
          target: 'es2022',
          loader: { '.ttf': 'file' },
        },
      });
  }
  return list;
}

/** `node_modules/@scope/name/lib/x.js` → the package directory (the innermost node_modules wins). */
function packageDirOf(input: string): string | undefined {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replace(/\\/g, '/'));
  return m ? m[1] : undefined;
}

interface PackageInfo {
  name: string;
  version: string;
  license: string;
  repository?: string;
  licenseText?: string;
  usedBy: Set<string>;
  bytes: number;
}

function licenseOf(pkg: { license?: unknown; licenses?: unknown }): string {
  if (typeof pkg.license === 'string') return pkg.license;
  if (pkg.license && typeof pkg.license === 'object' && typeof (pkg.license as { type?: unknown }).type === 'string')
    return (pkg.license as { type: string }).type;
  if (Array.isArray(pkg.licenses)) return pkg.licenses.map((l: { type?: string }) => l.type ?? '?').join(' OR ');
  return 'UNKNOWN';
}

function repositoryOf(pkg: { repository?: unknown; homepage?: unknown }): string | undefined {
  const r = pkg.repository;
  const url = typeof r === 'string' ? r : r && typeof r === 'object' ? (r as { url?: string }).url : undefined;
  const raw = url ?? (typeof pkg.homepage === 'string' ? pkg.homepage : undefined);
  if (!raw) return undefined;
  const clean = raw
    .replace(/^git\+/, '')
    .replace(/\.git$/, '')
    .replace(/^(?:git|ssh):\/\/(?:git@)?github\.com\//, 'https://github.com/')
    .replace(/^github:/, '');
  return /^[\w.-]+\/[\w.-]+$/.test(clean) ? `https://github.com/${clean}` : clean;
}

function licenseFileText(dir: string): string | undefined {
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|-|$)/i.test(f));
  return file ? readFileSync(join(dir, file), 'utf8').trim() : undefined;
}

/** Every license id in an SPDX expression must be allowed (`MIT OR Apache-2.0` needs one side; AND needs both). */
export function licenseAllowed(expr: string): boolean {
  const clean = expr.replace(/[()]/g, ' ').trim();
  if (/\sOR\s/i.test(clean)) return clean.split(/\sOR\s/i).some((part) => licenseAllowed(part));
  return clean.split(/\sAND\s/i).every((id) => ALLOWED.has(id.trim()));
}

interface Collected {
  packages: PackageInfo[];
  /** Every file the bundles write (JS and any asset a loader emits), relative to the project root. */
  bundleOutputs: Set<string>;
  copies: StaticCopy[];
}

async function collect(): Promise<Collected> {
  const found = new Map<string, PackageInfo>();
  const bundleOutputs = new Set<string>();
  const use = (packageDir: string, usedBy: string, bytes: number) => {
    const dir = resolve(ROOT, packageDir);
    const pkgJson = join(dir, 'package.json');
    if (!existsSync(pkgJson)) return;
    const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { name: string; version: string; license?: unknown; repository?: unknown; homepage?: unknown };
    const key = `${pkg.name}@${pkg.version}`;
    let p = found.get(key);
    if (!p) {
      p = {
        name: pkg.name,
        version: pkg.version,
        license: licenseOf(pkg),
        repository: repositoryOf(pkg),
        licenseText: licenseFileText(dir),
        usedBy: new Set(),
        bytes: 0,
      };
      found.set(key, p);
    }
    p.usedBy.add(usedBy);
    p.bytes += bytes;
  };
  for (const b of bundles()) {
    const result = await build(b.options);
    const meta = result.metafile as Metafile;
    for (const output of Object.keys(meta.outputs)) bundleOutputs.add(relative(ROOT, resolve(ROOT, output)).replace(/\\/g, '/'));
    for (const [input, info] of Object.entries(meta.inputs)) {
      const rel = packageDirOf(input);
      if (rel) use(rel, b.name, info.bytes);
    }
  }
  const copies = staticCopies();
  for (const c of copies) {
    const rel = packageDirOf(c.from);
    if (rel) use(rel, c.to, statSync(join(ROOT, c.from)).size);
  }
  const packages = [...found.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  return { packages, bundleOutputs, copies };
}

/**
 * Shipped files with no known origin: not written by a bundle, not copied by esbuild.js, and not a source file of
 * this project (everything outside dist/ and node_modules/). A third-party file that ships this way has no entry
 * in THIRD_PARTY_LICENSES.md, so `--check` fails on it.
 */
export function unaccountedFiles(shipped: readonly string[], known: { bundleOutputs: ReadonlySet<string>; copies: readonly StaticCopy[] }): string[] {
  const copied = new Set(known.copies.map((c) => c.to));
  return shipped.filter((f) => {
    if (/^(dist|node_modules)\//.test(f)) return !known.bundleOutputs.has(f) && !copied.has(f);
    return false;
  });
}

/** What `vsce package --no-dependencies` puts into the .vsix (the build must have run). */
async function shippedFiles(): Promise<string[]> {
  const { listFiles, PackageManager } = await import('@vscode/vsce');
  return (await listFiles({ cwd: ROOT, packageManager: PackageManager.None })).map((f) => f.replace(/\\/g, '/'));
}

function render(pkgs: readonly PackageInfo[]): string {
  const lines = [
    '# Third-party licenses',
    '',
    "Packages shipped in the extension: bundled into `dist/*.js` (found from esbuild's metafile for the same entry points",
    '`esbuild.js` builds) or copied as they are into `dist/media/` (fonts, CSS). Generated by',
    '`node --import tsx scripts/licenses.ts`; do not edit by hand (`--check` fails when this file is out of date or a',
    'shipped file comes from nowhere it knows).',
    '',
    '| Package | Version | License | Shipped in |',
    '| --- | --- | --- | --- |',
    ...pkgs.map((p) => `| ${p.repository ? `[${p.name}](${p.repository})` : p.name} | ${p.version} | ${p.license} | ${[...p.usedBy].sort().join(', ')} |`),
    '',
  ];
  for (const p of pkgs) {
    lines.push(`## ${p.name} ${p.version} — ${p.license}`, '');
    lines.push(
      p.licenseText
        ? '```text\n' + p.licenseText.replace(/```/g, "'''") + '\n```'
        : `_No license file in the package; its package.json declares ${p.license}._`,
      '',
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { packages: pkgs, bundleOutputs, copies } = await collect();
  const text = render(pkgs);
  const refused = pkgs.filter((p) => !licenseAllowed(p.license));
  if (refused.length) {
    console.error(`Licenses not on the allow-list (scripts/licenses.ts ALLOWED): ${refused.map((p) => `${p.name}@${p.version} (${p.license})`).join(', ')}`);
    process.exitCode = 1;
  }
  if (process.argv.includes('--check')) {
    if (!existsSync(join(ROOT, 'dist/extension.js'))) {
      console.error('dist/ is not built, so the shipped files cannot be checked: run `npm run build` (or `npm run package`) first.');
      process.exitCode = 1;
      return;
    }
    const unknown = unaccountedFiles(await shippedFiles(), { bundleOutputs, copies });
    if (unknown.length) {
      console.error(
        `Shipped files that no bundle writes and esbuild.js does not copy, so their license is unknown: ${unknown.join(', ')}. Build them in esbuild.js (a bundle or staticCopies) or stop shipping them (.vscodeignore).`,
      );
      process.exitCode = 1;
    }
    const current = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '';
    if (current !== text) {
      console.error('THIRD_PARTY_LICENSES.md is out of date: run `node --import tsx scripts/licenses.ts`.');
      process.exitCode = 1;
    } else console.log(`THIRD_PARTY_LICENSES.md is up to date (${pkgs.length} packages).`);
    return;
  }
  writeFileSync(OUT, text);
  console.log(`Wrote THIRD_PARTY_LICENSES.md: ${pkgs.length} packages (${pkgs.map((p) => `${p.name} ${p.license}`).join(', ')}).`);
}

if (require.main === module) void main();
